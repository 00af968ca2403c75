import { randomBytes } from 'node:crypto';
import type { DeliveryNotice } from './delivery-notice';
import { USER_AGENT } from './delivery-destination';
import type { EndpointVerification, VerificationMethod, VerificationTask } from '../webhooks/endpoint-verification';
import { newEventId } from '../common/ids';
import { signatureHeaders } from '../signing/signing';
import { signingKeys, type SigningSealers } from '../webhooks/signing-keys';
import type { Webhook } from '../webhooks/webhook';
import { MAX_THROTTLE_RATE, MIN_THROTTLE_RATE } from '../webhooks/webhook-throttle';

/** What came back of one challenge: a status and the answer's headers and body, or why none came. */
export interface ProbeAnswer {
  statusCode?: number;
  error?: string;
  /** Lower-case names; only the ones the handshake reads. */
  headers: Record<string, string>;
  body?: string;
}

/** Sends the challenges through the SSRF guard; the HTTP adapter implements it. */
export interface VerificationProbe {
  /** `OPTIONS` with the given headers (WebHook-Request-Origin among them). */
  options(url: string, headers: Record<string, string>): Promise<ProbeAnswer>;
  /** `POST` of the signed `webhook.verification` event. */
  post(url: string, headers: Record<string, string>, body: string): Promise<ProbeAnswer>;
}

export interface VerificationStore {
  get(tenantId: string, webhookId: string): Promise<Webhook | undefined>;
  /**
   * Stores the run's new state (and the throttle the endpoint asked for) unless the webhook has moved on since it
   * was read: another run started, or its URL changed. False then, and nothing is written.
   */
  save(webhook: Webhook, verification: EndpointVerification, throttleRate?: number): Promise<boolean>;
}

export interface EndpointVerifierOptions {
  /** The deployment's origin name, sent as WebHook-Request-Origin. */
  origin: string;
  /** The waits between challenges; when they are used up, the run has failed. */
  retrySeconds: readonly number[];
  /** The longest delay SQS gives one message (900 s); longer waits hop. */
  maxHopSeconds: number;
  /** Opens the webhook's signing keys: the POST challenge is signed as a delivery is. */
  sealers: SigningSealers;
  now?: () => Date;
  newChallenge?: () => string;
}

/** What to do after one step: send the task again after a delay, and what the tenant should hear of. */
export interface VerificationStep {
  next?: { task: VerificationTask; delaySeconds: number };
  notice?: DeliveryNotice;
}

/** The answer to a challenge: consent (with the rate the endpoint allows, per second), or why not. */
export type Judgement = { consent: true; allowedRatePerSecond?: number } | { consent: false; reason: string };

/** Only a webhook with a URL is verified; one whose URL gave way to an AWS destination meanwhile has no endpoint. */
const NO_URL: Judgement = {
  consent: false,
  reason: 'the webhook has no url (its deliveries go to an AWS destination)',
};

/**
 * Runs a webhook's verification one challenge at a time (docs/design.md §18). Odd attempts send the CloudEvents
 * handshake (`OPTIONS`), even ones a signed `POST` whose `challenge` the endpoint must echo, so a receiver that
 * takes either form is verified within the first two challenges and a bystander gets one request per step of the
 * schedule and nothing else. A task of an older run, or for a URL the webhook no longer has, does nothing.
 */
export class EndpointVerifier {
  private readonly now: () => Date;
  private readonly newChallenge: () => string;

  constructor(
    private readonly store: VerificationStore,
    private readonly probe: VerificationProbe,
    private readonly options: EndpointVerifierOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.newChallenge = options.newChallenge ?? (() => randomBytes(24).toString('base64url'));
  }

  async verify(task: VerificationTask): Promise<VerificationStep> {
    const waitMs = task.dueAt ? Date.parse(task.dueAt) - this.now().getTime() : 0;
    if (waitMs >= 1000)
      return { next: { task, delaySeconds: Math.min(this.options.maxHopSeconds, Math.ceil(waitMs / 1000)) } };

    const webhook = await this.store.get(task.tenantId, task.webhookId);
    const verification = webhook?.verification;
    if (!webhook || verification?.id !== task.verificationId || verification.state !== 'pending') return {};

    const method: VerificationMethod = task.attempt % 2 === 1 ? 'handshake' : 'challenge';
    const at = this.now();
    const judgement = method === 'handshake' ? await this.handshake(webhook) : await this.challenge(webhook, at);
    const attempted = { ...verification, attempts: task.attempt, lastAttemptAt: at.toISOString() };

    if (judgement.consent) {
      const { lastError: _cleared, ...rest } = attempted;
      const verified: EndpointVerification = { ...rest, state: 'verified', verifiedAt: at.toISOString(), method };
      const throttleRate = lowerRate(webhook.throttleRate, judgement.allowedRatePerSecond);
      if (!(await this.store.save(webhook, verified, throttleRate))) return {};
      return { notice: { kind: 'verified', webhook, method } };
    }

    const delaySeconds = this.options.retrySeconds[task.attempt - 1];
    if (delaySeconds === undefined) {
      const failed: EndpointVerification = { ...attempted, state: 'failed', lastError: judgement.reason };
      if (!(await this.store.save(webhook, failed))) return {};
      return {
        notice: { kind: 'verification-failed', webhook, attempts: task.attempt, lastError: judgement.reason },
      };
    }
    if (!(await this.store.save(webhook, { ...attempted, lastError: judgement.reason }))) return {};
    const dueAt = new Date(at.getTime() + delaySeconds * 1000).toISOString();
    return {
      next: {
        task: { ...task, attempt: task.attempt + 1, dueAt },
        delaySeconds: Math.min(this.options.maxHopSeconds, delaySeconds),
      },
    };
  }

  private async handshake(webhook: Webhook): Promise<Judgement> {
    if (webhook.url === undefined) return NO_URL;
    const answer = await this.probe.options(webhook.url, {
      ...webhook.headers,
      'User-Agent': USER_AGENT,
      'WebHook-Request-Origin': this.options.origin,
    });
    return judgeHandshake(answer, this.options.origin);
  }

  private async challenge(webhook: Webhook, at: Date): Promise<Judgement> {
    if (webhook.url === undefined) return NO_URL;
    const challenge = this.newChallenge();
    const eventId = newEventId();
    const body = JSON.stringify({
      id: eventId,
      type: 'webhook.verification',
      data: { webhookId: webhook.id, challenge },
    });
    const answer = await this.probe.post(
      webhook.url,
      {
        ...webhook.headers,
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        ...signatureHeaders({
          messageId: eventId,
          timestamp: at,
          body,
          // signed as a delivery is (v1, and v1a with an ed25519 key), so a receiver checks it with the same code
          ...(await signingKeys(webhook, at, this.options.sealers)),
        }),
      },
      body,
    );
    return judgeChallenge(answer, challenge);
  }
}

const noAnswer = (method: string, answer: ProbeAnswer) =>
  answer.error !== undefined ? `${method}: ${answer.error}` : undefined;

/**
 * The CloudEvents HTTP webhook abuse protection handshake: 200 with `WebHook-Allowed-Origin` naming our origin (or
 * `*`). `WebHook-Allowed-Rate` is requests per minute (or `*`: no limit).
 */
export function judgeHandshake(answer: ProbeAnswer, origin: string): Judgement {
  const failure = noAnswer('OPTIONS', answer);
  if (failure) return { consent: false, reason: failure };
  if (answer.statusCode !== 200) return { consent: false, reason: `OPTIONS answered ${answer.statusCode}, not 200` };
  const allowed = answer.headers['webhook-allowed-origin']?.trim();
  if (allowed !== '*' && allowed?.toLowerCase() !== origin.toLowerCase())
    return {
      consent: false,
      reason: allowed
        ? `OPTIONS answered WebHook-Allowed-Origin: ${allowed.slice(0, 100)}, not ${origin}`
        : `OPTIONS answered 200 without WebHook-Allowed-Origin: ${origin}`,
    };
  const rate = answer.headers['webhook-allowed-rate']?.trim();
  return /^\d+$/.test(rate ?? '') && Number(rate) > 0
    ? { consent: true, allowedRatePerSecond: perSecond(Number(rate)) }
    : { consent: true };
}

/** The signed POST's answer: 2xx whose body is the challenge, as text or as `{"challenge": "…"}` (Slack's way). */
export function judgeChallenge(answer: ProbeAnswer, challenge: string): Judgement {
  const failure = noAnswer('POST', answer);
  if (failure) return { consent: false, reason: failure };
  const status = answer.statusCode ?? 0;
  if (status < 200 || status >= 300) return { consent: false, reason: `POST answered ${status}` };
  const body = (answer.body ?? '').trim();
  if (body === challenge || echoedInJson(body) === challenge) return { consent: true };
  return { consent: false, reason: `POST answered ${status} without echoing the challenge` };
}

function echoedInJson(body: string): unknown {
  try {
    return (JSON.parse(body) as { challenge?: unknown })?.challenge;
  } catch {
    return undefined;
  }
}

/**
 * Per minute → per second: the platform's throttle counts whole deliveries per second, so an endpoint allowing
 * fewer than 60 a minute gets 1 a second, the least the throttle can express.
 */
const perSecond = (perMinute: number) =>
  Math.min(MAX_THROTTLE_RATE, Math.max(MIN_THROTTLE_RATE, Math.floor(perMinute / 60)));

/** The endpoint's rate lowers the tenant's, never raises it; undefined when neither sets one. */
function lowerRate(tenantRate: number | undefined, endpointRate: number | undefined): number | undefined {
  if (endpointRate === undefined) return undefined;
  return tenantRate === undefined ? endpointRate : Math.min(tenantRate, endpointRate);
}
