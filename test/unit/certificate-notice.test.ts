import { describe, expect, it, vi } from 'vitest';
import type { DeliveryNotice } from '../../lambdas/core/delivery/delivery-notice';
import { operationalEvent } from '../../lambdas/core/events/operational-events';
import {
  announceExpiringCertificates,
  dueBy,
  firstNoticeKey,
  nextNoticeKey,
  parseNoticeKey,
  type CertificateNoticeStore,
  type DueNotice,
} from '../../lambdas/core/webhooks/certificate-notices';
import { aWebhook } from '../helpers/factories';

const now = new Date('2026-06-01T00:00:00.000Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

describe('Certificate notice keys (30, 14, 7 and 1 days before expiry)', () => {
  it('starts a new certificate at the widest threshold, or at the tightest one it is already within', () => {
    expect(parseNoticeKey(firstNoticeKey(inDays(90), now)!)).toEqual({ expiresAt: inDays(90), withinDays: 30 });
    expect(parseNoticeKey(firstNoticeKey(inDays(20), now)!)).toEqual({ expiresAt: inDays(20), withinDays: 30 });
    expect(parseNoticeKey(firstNoticeKey(inDays(10), now)!)).toEqual({ expiresAt: inDays(10), withinDays: 14 });
    expect(parseNoticeKey(firstNoticeKey(inDays(5), now)!)).toEqual({ expiresAt: inDays(5), withinDays: 7 });
    expect(parseNoticeKey(firstNoticeKey(inDays(0.5), now)!)).toEqual({ expiresAt: inDays(0.5), withinDays: 1 });
    expect(firstNoticeKey(inDays(-1), now)).toBeUndefined();
  });

  it('goes 30 → 14 → 7 → 1 → none, each due at its threshold', () => {
    const thirty = firstNoticeKey(inDays(90), now)!;
    const fourteen = nextNoticeKey(thirty)!;
    const seven = nextNoticeKey(fourteen)!;
    const one = nextNoticeKey(seven)!;
    expect(thirty.startsWith(inDays(60))).toBe(true);
    expect(fourteen.startsWith(inDays(76))).toBe(true);
    expect(seven.startsWith(inDays(83))).toBe(true);
    expect(one.startsWith(inDays(89))).toBe(true);
    expect(nextNoticeKey(one)).toBeUndefined();
    // due: a key whose time has come sorts below the bound, one still ahead above it
    expect(thirty < dueBy(new Date(inDays(60)))).toBe(true);
    expect(thirty < dueBy(new Date(inDays(59)))).toBe(false);
  });
});

/** An in-memory index: pending keys per webhook; `due` pages from the last key seen, as a DynamoDB Query does. */
function memoryStore(pending: Map<string, string>) {
  const store: CertificateNoticeStore = {
    async due(until, limit, after) {
      const position = (notice: { key: string; webhookId: string }) => `${notice.key}|${notice.webhookId}`;
      const all = [...pending.entries()]
        .map(([webhookId, key]) => ({ tenantId: 'acme', webhookId, key }))
        .filter((notice) => notice.key < until && (after === undefined || position(notice) > String(after)))
        .sort((a, b) => (position(a) < position(b) ? -1 : 1));
      const notices = all.slice(0, limit);
      return { notices, ...(all.length > limit ? { after: position(notices.at(-1)!) } : {}) };
    },
    async claim(notice: DueNotice, next) {
      if (pending.get(notice.webhookId) !== notice.key) return undefined;
      if (next) pending.set(notice.webhookId, next);
      else pending.delete(notice.webhookId);
      return aWebhook({ id: notice.webhookId, tenantId: 'acme', tls: { certificateSubject: 'CN=a' } });
    },
  };
  return store;
}

describe('The daily certificate-expiry job', () => {
  it('announces each due certificate once per threshold, as webhook.certificate_expiring with withinDays', async () => {
    // Prepare: one within 30 days, one within 7, one far off
    const pending = new Map([
      ['webhook_a', firstNoticeKey(inDays(20), now)!],
      ['webhook_b', firstNoticeKey(inDays(3), now)!],
      ['webhook_c', firstNoticeKey(inDays(200), now)!],
    ]);
    const published: DeliveryNotice[] = [];
    const publish = async (notices: DeliveryNotice[]) => void published.push(...notices);

    // Act: the same day twice
    const first = await announceExpiringCertificates(memoryStore(pending), publish, { now });
    const again = await announceExpiringCertificates(memoryStore(pending), publish, { now });

    // Assess
    expect(first).toEqual({ announced: 2, leftForNextRun: false });
    expect(again.announced).toBe(0);
    expect(published.map((notice) => operationalEvent(notice))).toEqual([
      {
        tenantId: 'acme',
        type: 'webhook.certificate_expiring',
        data: { webhookId: 'webhook_a', certificateSubject: 'CN=a', certificateExpiresAt: inDays(20), withinDays: 30 },
      },
      {
        tenantId: 'acme',
        type: 'webhook.certificate_expiring',
        data: { webhookId: 'webhook_b', certificateSubject: 'CN=a', certificateExpiresAt: inDays(3), withinDays: 7 },
      },
    ]);
    // the next thresholds wait for their day
    const later = await announceExpiringCertificates(memoryStore(pending), publish, { now: new Date(inDays(13.5)) });
    expect(later.announced).toBe(2);
    expect(
      published.slice(2).map((notice) => [notice.webhook.id, 'withinDays' in notice && notice.withinDays]),
    ).toEqual([
      ['webhook_b', 1],
      ['webhook_a', 14],
    ]);
  });

  it('stops at its cap, the longest due first, and leaves the rest due for the next run', async () => {
    const pending = new Map(
      Array.from({ length: 25 }, (_, index) => [`webhook_${index}`, firstNoticeKey(inDays(10 + index / 10), now)!]),
    );
    const publish = vi.fn(async (_notices: DeliveryNotice[]) => undefined);

    const run = await announceExpiringCertificates(memoryStore(pending), publish, {
      now,
      pageSize: 10,
      maxNotices: 20,
    });

    expect(run).toEqual({ announced: 20, leftForNextRun: true });
    expect(publish).toHaveBeenCalledTimes(2);
    expect(publish.mock.calls[0]![0]![0]!.webhook.id).toBe('webhook_0');
    expect((await announceExpiringCertificates(memoryStore(pending), publish, { now })).announced).toBe(5);
  });

  it('announces nothing that another run claimed first', async () => {
    const store = memoryStore(new Map([['webhook_a', firstNoticeKey(inDays(5), now)!]]));
    const claimedElsewhere: CertificateNoticeStore = { ...store, claim: async () => undefined };
    const publish = vi.fn(async (_notices: DeliveryNotice[]) => undefined);
    expect((await announceExpiringCertificates(claimedElsewhere, publish, { now })).announced).toBe(0);
    expect(publish).not.toHaveBeenCalled();
  });
});
