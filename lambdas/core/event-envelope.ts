import { TENANT_ID_PATTERN } from './api-keys';
import { EVENT_TYPES, type EventType } from './event-catalog';
import { newEventId } from './ids';
import * as z from 'zod/mini';
import './zod-messages';

export const MAX_EVENT_DATA_BYTES = 256 * 1024;

/** What producers send to the events queue (DESIGN §7). Unknown fields are refused so typos surface. */
const envelopeSchema = z.strictObject({
  tenantId: z.string().check(z.regex(TENANT_ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-"')),
  // it becomes webhook-id, which Standard Webhooks forbids to contain "."
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, "_" or "-"'))),
  type: z.enum(EVENT_TYPES, { error: 'unknown event type' }),
  data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
});

export interface PlatformEvent {
  tenantId: string;
  id: string;
  type: EventType;
  data: Record<string, unknown>;
}

export type EnvelopeParseResult = { ok: true; event: PlatformEvent } | { ok: false; reason: string };

/** Parses a queue message body; a poison message yields the reason it goes to the events DLQ with. */
export function parseEnvelope(body: string): EnvelopeParseResult {
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
    return { ok: false, reason: `invalid_envelope: ${path || 'body'}: ${issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message}` };
  }
  const dataBytes = Buffer.byteLength(JSON.stringify(result.data.data));
  if (dataBytes > MAX_EVENT_DATA_BYTES) {
    return { ok: false, reason: `too_large: data is ${dataBytes} bytes; the limit is ${MAX_EVENT_DATA_BYTES}` };
  }
  return { ok: true, event: { ...result.data, id: result.data.id ?? newEventId() } };
}
