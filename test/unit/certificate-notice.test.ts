import { describe, expect, it, vi } from 'vitest';
import { WebhookHealth, type WebhookHealthStore } from '../../lambdas/core/delivery/webhook-health';
import { operationalEvent } from '../../lambdas/core/events/operational-events';
import { aWebhook } from '../helpers/factories';

const now = new Date('2026-06-01T00:00:00.000Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

function health(claimed = true) {
  const claimCertificateNotice = vi.fn<WebhookHealthStore['claimCertificateNotice']>().mockResolvedValue(claimed);
  const store = { claimCertificateNotice } as unknown as WebhookHealthStore;
  const rules = new WebhookHealth(store, {
    breaker: { failureThreshold: 10, probeInitialSeconds: 30, probeMaxSeconds: 3600 },
    autoDisableAfterSeconds: 432_000,
    slowAnswerMs: 3000,
    slowLaneHoldSeconds: 3600,
  });
  return { rules, claimCertificateNotice };
}

const withCertificate = (expiresAt: string, notice?: string) =>
  aWebhook({
    tls: {
      clientCertificate: 'PEM',
      sealedPrivateKey: 'v1:…',
      certificateSubject: 'CN=a',
      certificateExpiresAt: expiresAt,
    },
    ...(notice ? { certificateExpiryNotice: notice } : {}),
  });

describe('Certificate expiry notice (webhook.certificate_expiring)', () => {
  it('announces a certificate within 14 days of its expiry once, through the claim', async () => {
    const { rules, claimCertificateNotice } = health();
    const webhook = withCertificate(inDays(13.9));

    const notices = await rules.certificateNotices(webhook, now);

    expect(claimCertificateNotice).toHaveBeenCalledWith(webhook, inDays(13.9));
    expect(notices).toEqual([{ kind: 'certificate-expiring', webhook, certificateExpiresAt: inDays(13.9) }]);
    expect(operationalEvent(notices[0]!)).toEqual({
      tenantId: webhook.tenantId,
      type: 'webhook.certificate_expiring',
      data: { webhookId: webhook.id, certificateSubject: 'CN=a', certificateExpiresAt: inDays(13.9) },
    });
  });

  it('says nothing, and writes nothing, earlier, once announced, without a certificate, or when another container claimed it', async () => {
    const { rules, claimCertificateNotice } = health();
    expect(await rules.certificateNotices(withCertificate(inDays(15)), now)).toEqual([]);
    expect(await rules.certificateNotices(withCertificate(inDays(3), inDays(3)), now)).toEqual([]);
    expect(await rules.certificateNotices(aWebhook(), now)).toEqual([]);
    expect(claimCertificateNotice).not.toHaveBeenCalled();
    expect(await health(false).rules.certificateNotices(withCertificate(inDays(3)), now)).toEqual([]);
  });

  it('announces a new certificate again (its expiry differs from the one announced)', async () => {
    const { rules } = health();
    expect(await rules.certificateNotices(withCertificate(inDays(5), inDays(-30)), now)).toHaveLength(1);
  });
});
