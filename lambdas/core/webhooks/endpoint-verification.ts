import { randomBytes } from 'node:crypto';
import type * as z from 'zod/mini';
import type { VerificationSchema } from './webhook-resource';
import { isText, parseJsonObject } from '../common/json-text';

/**
 * Endpoint verification (docs/design.md §18): the owner of an HTTP endpoint consents before the platform sends it
 * anything but the challenge. `handshake` is the default of a deployment; `off` keeps the behaviour before it.
 */
export const ENDPOINT_VERIFICATION_MODES = ['handshake', 'off'] as const;
export type EndpointVerificationMode = (typeof ENDPOINT_VERIFICATION_MODES)[number];

export type VerificationState = 'pending' | 'verified' | 'failed';
/** How the endpoint consented: the CloudEvents handshake (OPTIONS) or the echoed challenge of a signed POST. */
export type VerificationMethod = 'handshake' | 'challenge';

/** A webhook's verification as the platform stores it. */
export interface EndpointVerification {
  state: VerificationState;
  /** This run of verification: a new one on create, on a URL change and on `POST …/verify`; older tasks are stale. */
  id: string;
  startedAt: string;
  /** Challenges sent in this run. */
  attempts: number;
  lastAttemptAt?: string;
  /** What the last challenge got back, when it was not consent. */
  lastError?: string;
  verifiedAt?: string;
  method?: VerificationMethod;
}

/** The verification of the API's webhook object; null when the webhook is not held back (verification off). */
export type VerificationResource = NonNullable<z.infer<typeof VerificationSchema>>;

export function verificationResource(verification: EndpointVerification | undefined): VerificationResource | null {
  if (!verification) return null;
  return {
    state: verification.state,
    startedAt: verification.startedAt,
    attempts: verification.attempts,
    lastAttemptAt: verification.lastAttemptAt ?? null,
    lastError: verification.lastError ?? null,
    verifiedAt: verification.verifiedAt ?? null,
    method: verification.method ?? null,
  };
}

/** A new run: the webhook receives nothing but the challenge until its endpoint answers it. */
export function startVerification(now: Date, newId: () => string = randomVerificationId): EndpointVerification {
  return { state: 'pending', id: newId(), startedAt: now.toISOString(), attempts: 0 };
}

const randomVerificationId = () => `vrf_${randomBytes(12).toString('base64url')}`;

/**
 * Deliveries wait for consent: a webhook whose verification is pending or failed takes none. A webhook without
 * one (created while verification was off) is not held back.
 */
export const awaitingVerification = (webhook: { verification?: EndpointVerification }): boolean =>
  webhook.verification !== undefined && webhook.verification.state !== 'verified';

/** Why a delivery of an unverified webhook was not sent, as its delivery log says. */
export const UNVERIFIED_DELIVERY_REASON =
  'endpoint not verified: the endpoint has not answered the verification challenge; once it has, recover sends this ' +
  'delivery';

/** One step of a verification run, on the deliveries queue beside the deliveries (it is a send to the endpoint too). */
export interface VerificationTask {
  kind: 'endpoint-verification';
  tenantId: string;
  webhookId: string;
  verificationId: string;
  /** 1 for the first challenge; odd attempts are the handshake, even ones the signed POST. */
  attempt: number;
  /** When the attempt is due: a wait longer than one SQS delay (900 s) takes several hops. */
  dueAt?: string;
}

export function firstVerificationTask(webhook: { tenantId: string; id: string }, verification: EndpointVerification) {
  return {
    kind: 'endpoint-verification',
    tenantId: webhook.tenantId,
    webhookId: webhook.id,
    verificationId: verification.id,
    attempt: 1,
  } satisfies VerificationTask;
}

/** A deliveries-queue body that is a verification step, or undefined (then it is a delivery, or nothing of ours). */
export function parseVerificationTask(body: string): VerificationTask | undefined {
  // most messages are deliveries: a cheap test first, the parse only for candidates
  if (!body.includes('"endpoint-verification"')) return undefined;
  const task = parseJsonObject<VerificationTask>(body);
  const valid =
    task !== undefined &&
    task.kind === 'endpoint-verification' &&
    isText(task.tenantId) &&
    isText(task.webhookId) &&
    isText(task.verificationId) &&
    Number.isInteger(task.attempt) &&
    task.attempt! >= 1 &&
    (task.dueAt === undefined || !Number.isNaN(Date.parse(task.dueAt)));
  return valid ? (task as VerificationTask) : undefined;
}

/** `POST /v2/webhooks/{id}/verify` restarts a pending run at most once per this many seconds per webhook. */
export const VERIFY_AGAIN_INTERVAL_SECONDS = 60;
