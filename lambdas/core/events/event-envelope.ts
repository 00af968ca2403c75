import { TENANT_ID_PATTERN } from '../access/api-keys';
import { isOperational, type EventCatalog, type EventType } from './event-catalog';
import { jsonNestingDepth, parseExact } from '../common/json-text';
import * as z from 'zod/mini';
import '../common/zod-messages';
import { messageOf } from '../common/errors';

export const MAX_EVENT_DATA_BYTES = 256 * 1024;
/**
 * Deepest nesting accepted in `data`: DynamoDB's limit for a document (so an event can always be stored as
 * one), and far beyond what real events need; deeper text would also break receivers' recursive parsers.
 */
export const MAX_EVENT_DATA_DEPTH = 32;

/** What producers send to the events queue (docs/design.md §7). Unknown fields are refused so typos surface. */
const envelopeSchema = z.strictObject({
  tenantId: z.string().check(z.regex(TENANT_ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-"')),
  // it becomes webhook-id, which Standard Webhooks forbids to contain "."
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, "_" or "-"'))),
  type: z.string(),
  data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
  // the platform's own fields (a test event for one webhook); producers may not send them
  webhookId: z.optional(z.string().check(z.minLength(1))),
  test: z.optional(z.literal(true)),
});

/** Where a message came from: producers, or the platform itself (operational and test events). */
export interface EnvelopeOrigin {
  fromPlatform: boolean;
}

/** One event of one tenant, as fan-out handles it: from a producer, or published by the platform itself. */
export interface TenantEvent {
  tenantId: string;
  id: string;
  type: EventType;
  /** The producer's data as parsed JSON (what filters look at). */
  data: Record<string, unknown>;
  /** The exact body every subscriber receives, `{"id","type","data"}`, with `data` as the producer sent it. */
  payload: string;
  /** A test event goes to this webhook only (`POST /v2/webhooks/{id}/test`). */
  onlyWebhookId?: string;
}

export type EnvelopeParseResult = { ok: true; event: TenantEvent } | { ok: false; reason: string };

/**
 * Parses a queue message body; a poison message yields the reason it goes to the events DLQ with. An event
 * without an id gets one derived from the SQS message id, so handling the same message twice keeps one id
 * (and one webhook-id at the receivers).
 */
export function parseEnvelope(
  body: string,
  messageId: string,
  catalog: EventCatalog,
  { fromPlatform }: EnvelopeOrigin = { fromPlatform: false },
): EnvelopeParseResult {
  const depth = jsonNestingDepth(body) - 1;
  if (depth > MAX_EVENT_DATA_DEPTH) {
    return { ok: false, reason: `too_deep: data is nested ${depth} levels; the limit is ${MAX_EVENT_DATA_DEPTH}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'invalid_json: the message body is not JSON' };
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    const problem = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
    return {
      ok: false,
      reason: `invalid_envelope: ${path || 'body'}: ${problem}`,
    };
  }
  if (!catalog.has(result.data.type)) return { ok: false, reason: 'invalid_envelope: type: unknown event type' };
  if (
    !fromPlatform &&
    (isOperational(result.data.type) || result.data.webhookId !== undefined || result.data.test !== undefined)
  ) {
    return {
      ok: false,
      reason: "reserved: operational event types, webhookId and test are for the platform's own events",
    };
  }
  // zod copies objects key by key (a `__proto__` key would be lost): data comes from the parses, never from zod
  const data = (json as { data: Record<string, unknown> }).data;
  const exactData = JSON.stringify((parseExact(body) as { data: unknown }).data);
  const dataBytes = Buffer.byteLength(exactData);
  if (dataBytes > MAX_EVENT_DATA_BYTES) {
    return { ok: false, reason: `too_large: data is ${dataBytes} bytes; the limit is ${MAX_EVENT_DATA_BYTES}` };
  }
  const { tenantId, type, webhookId, test } = result.data;
  let violation: string | undefined;
  try {
    violation = catalog.schemaViolation(type, data);
  } catch (error) {
    // whatever the validator does on this data is this event's problem alone, never its batch-mates'
    return {
      ok: false,
      reason: `schema_error: checking data against the schema of ${type} failed: ${messageOf(error)}`,
    };
  }
  if (violation)
    return { ok: false, reason: `schema_violation: data does not match the schema of ${type}: ${violation}` };
  const id = result.data.id ?? `evt_${messageId}`;
  const testField = test ? '"test":true,' : '';
  const payload = `{"id":${JSON.stringify(id)},"type":${JSON.stringify(type)},${testField}"data":${exactData}}`;
  return { ok: true, event: { tenantId, id, type, data, payload, ...(webhookId ? { onlyWebhookId: webhookId } : {}) } };
}
