import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoCertificateNoticeRepository } from '../../lambdas/adapters/certificate-notice-repository';
import { DynamoWebhookRepository } from '../../lambdas/adapters/webhook-repository';
import type { DeliveryNotice } from '../../lambdas/core/delivery/delivery-notice';
import { announceExpiringCertificates } from '../../lambdas/core/webhooks/certificate-notices';
import { localClientConfig } from '../../local/local-settings';
import { provisionTable } from '../../local/provision';
import { aWebhook } from '../helpers/factories';

const tableName = `certificate-notices-${randomUUID().slice(0, 8)}`;
const client = new DynamoDBClient(localClientConfig(inject('dynamoEndpoint')));
const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const webhooks = new DynamoWebhookRepository(documents, tableName);
const notices = new DynamoCertificateNoticeRepository(documents, tableName);

beforeAll(() => provisionTable(client, tableName));
afterAll(() => client.destroy());

const now = new Date('2026-06-01T00:00:00.000Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
const tlsExpiring = (days: number) => ({
  clientCertificate: 'PEM',
  sealedPrivateKey: 'v1:k',
  certificateSubject: 'CN=expiring',
  certificateExpiresAt: inDays(days),
});

/** The job over the real index, for a tenant of this test only; what it published. */
async function runJob(at: Date, tenantId: string) {
  const published: DeliveryNotice[] = [];
  await announceExpiringCertificates(notices, async (batch) => void published.push(...batch), { now: at });
  return published.filter((notice) => notice.webhook.tenantId === tenantId);
}

describe('Certificate notices on DynamoDB Local (the EventsByTime index, partition CERTIFICATE_NOTICES)', () => {
  it('lists a webhook once its certificate is set, announces each threshold once, forgets a removed one', async () => {
    // Prepare: a certificate 10 days from expiry, one far off, and a webhook without one
    const tenantId = `cert-${randomUUID().slice(0, 8)}`;
    const created = { createdAt: now.toISOString(), updatedAt: now.toISOString(), tenantId };
    const soon = aWebhook({ ...created, id: `webhook_${randomUUID()}`, tls: tlsExpiring(10) });
    const later = aWebhook({ ...created, id: `webhook_${randomUUID()}`, tls: tlsExpiring(100) });
    const none = aWebhook({ ...created, id: `webhook_${randomUUID()}` });
    for (const webhook of [soon, later, none]) await webhooks.create(webhook, 100);

    // Act: two jobs the same day, at once, then one in five days
    const [first, second] = await Promise.all([runJob(now, tenantId), runJob(now, tenantId)]);
    const fiveDaysOn = await runJob(new Date(inDays(5)), tenantId);

    // Assess: one notice per threshold, whichever run claimed it, and the stored webhook is read back without index
    // keys
    expect(
      [...first, ...second].map((notice) => [notice.webhook.id, 'withinDays' in notice && notice.withinDays]),
    ).toEqual([[soon.id, 14]]);
    expect([...first, ...second][0]!.webhook).not.toHaveProperty('gsi1pk');
    expect(fiveDaysOn.map((notice) => 'withinDays' in notice && notice.withinDays)).toEqual([7]);

    // Act: the far one gets a new certificate close to expiry, then loses it before its day
    await webhooks.update(tenantId, later.id, { tls: tlsExpiring(3), updatedAt: now.toISOString() });
    const renewed = await runJob(now, tenantId);
    await webhooks.update(tenantId, soon.id, { tls: null, updatedAt: inDays(5) });
    const afterRemoval = await runJob(new Date(inDays(9.5)), tenantId);

    // Assess
    expect(renewed.map((notice) => [notice.webhook.id, 'withinDays' in notice && notice.withinDays])).toEqual([
      [later.id, 7],
    ]);
    expect(afterRemoval.filter((notice) => notice.webhook.id === soon.id)).toEqual([]);
  });
});
