import type { DeliveryNotice } from '../delivery/delivery-notice';
import type { Webhook } from './webhook';

/**
 * A client certificate is announced (`webhook.certificate_expiring`) when it comes within each of these many days of
 * its expiry: once per threshold and certificate, by the daily job, whether the webhook has traffic or not.
 */
export const CERTIFICATE_NOTICE_DAYS = [30, 14, 7, 1] as const;

const DAY_MS = 86_400_000;

/**
 * A certificate's pending notice as one sortable text, `<due time>#<expiry>` (both ISO-8601 UTC): sorted by due time,
 * so the notices due by now are one key range, the longest due first; the expiry rides along so that the job needs
 * nothing else to say which threshold is due and what comes after it.
 */
export type NoticeKey = string;

/**
 * The notice a certificate expiring at `expiresAt` has pending when it is set at `now`: the tightest threshold it is
 * already within, else the widest.
 */
export function firstNoticeKey(expiresAt: string, now: Date): NoticeKey | undefined {
  const left = Date.parse(expiresAt) - now.getTime();
  if (left <= 0) return undefined;
  const within = CERTIFICATE_NOTICE_DAYS.filter((days) => left <= days * DAY_MS);
  return keyFor(expiresAt, within.length ? Math.min(...within) : CERTIFICATE_NOTICE_DAYS[0]);
}

/** The threshold a notice key is for, and its certificate's expiry. */
export function parseNoticeKey(key: NoticeKey): { expiresAt: string; withinDays: number } {
  const [dueAt = '', expiresAt = ''] = key.split('#');
  return { expiresAt, withinDays: Math.round((Date.parse(expiresAt) - Date.parse(dueAt)) / DAY_MS) };
}

/** The notice after this one: the next tighter threshold, or none after the last. */
export function nextNoticeKey(key: NoticeKey): NoticeKey | undefined {
  const { expiresAt, withinDays } = parseNoticeKey(key);
  const tighter = CERTIFICATE_NOTICE_DAYS.filter((days) => days < withinDays);
  return tighter.length ? keyFor(expiresAt, Math.max(...tighter)) : undefined;
}

/** The upper bound of the keys due at `now` (`#` sorts before `$`). */
export const dueBy = (now: Date): NoticeKey => `${now.toISOString()}$`;

function keyFor(expiresAt: string, withinDays: number): NoticeKey {
  return `${new Date(Date.parse(expiresAt) - withinDays * DAY_MS).toISOString()}#${expiresAt}`;
}

/** A webhook whose certificate has a notice due, as the index lists it. */
export interface DueNotice {
  tenantId: string;
  webhookId: string;
  key: NoticeKey;
}

export interface CertificateNoticeStore {
  /** The notices due by `until` (a key), earliest first, a page at a time. */
  due(until: NoticeKey, limit: number, after?: unknown): Promise<{ notices: DueNotice[]; after?: unknown }>;
  /**
   * Moves the webhook's pending notice from `notice.key` to `next` (none: no more notices), only if it is still
   * `notice.key` (not claimed by another run, and the certificate not replaced meanwhile); the webhook as stored
   * then, or undefined when the condition did not hold or the webhook is gone.
   */
  claim(notice: DueNotice, next: NoticeKey | undefined): Promise<Webhook | undefined>;
}

export interface CertificateNoticeRun {
  announced: number;
  /** Notices due that this run left for the next one (its cap was reached). */
  leftForNextRun: boolean;
}

/**
 * The daily job: every certificate notice due by `now`, in pages of `pageSize`, at most `maxNotices` per run (the
 * longest due first; the rest stay due for the next run). Each is claimed (one conditional write) and handed to
 * `publish` as the notice the delivery path's operational events already know.
 */
export async function announceExpiringCertificates(
  store: CertificateNoticeStore,
  publish: (notices: DeliveryNotice[]) => Promise<void>,
  { now, pageSize = 100, maxNotices = 5000 }: { now: Date; pageSize?: number; maxNotices?: number },
): Promise<CertificateNoticeRun> {
  let announced = 0;
  let seen = 0;
  let after: unknown;
  do {
    const page = await store.due(dueBy(now), Math.min(pageSize, maxNotices - seen), after);
    seen += page.notices.length;
    after = page.after;
    const notices: DeliveryNotice[] = [];
    for (const notice of page.notices) {
      const webhook = await store.claim(notice, nextNoticeKey(notice.key));
      const { expiresAt, withinDays } = parseNoticeKey(notice.key);
      if (webhook) notices.push({ kind: 'certificate-expiring', webhook, certificateExpiresAt: expiresAt, withinDays });
    }
    if (notices.length) await publish(notices);
    announced += notices.length;
  } while (after !== undefined && seen < maxNotices);
  return { announced, leftForNextRun: after !== undefined };
}
