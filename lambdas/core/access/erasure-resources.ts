import * as z from 'zod/mini';
import { documented, instant, text } from '../common/schema-docs';

/** What a tenant's erasure removes, each counted on its own (docs/design.md §16). */
export const ERASED_KINDS = [
  'events',
  'deliveries',
  'webhooks',
  'publicKeys',
  'apiKeys',
  'portalTokens',
  'throttleSlots',
  'oauth2Tokens',
  'recoveryLocks',
  'manualAttemptCounters',
  'webhookCount',
  /** The tenant's signing-secret data key (its sealed HMAC secrets cannot be opened once it is gone). */
  'signingSecretsKey',
  'tenant',
  /** Items under the tenant's key of a kind this version does not name (still the tenant's: they go too). */
  'other',
] as const;

/**
 * The order the worker goes in: the events first (each with its delivery records, found from the event), then what
 * is left of the webhooks' logs, then the tenant's own partition (webhooks, keys, counters), the tenant item last.
 * Until the webhooks go, their tombstones keep deliveries from being sent.
 */
export const ERASURE_PHASES = ['events', 'deliveries', 'tenantItems', 'tenant'] as const;

export const StartedErasureSchema = documented(
  z.strictObject({
    erasureId: z.string(),
    tenantId: z.string(),
    status: z.enum(['running']),
    startedAt: instant(),
    statusPath: text('where its progress shows: GET /admin/erasures/{erasureId}'),
  }),
  { id: 'StartedErasure', description: 'The tenant is sealed; its items are being deleted in the background' },
);

export const ErasureSchema = documented(
  z.strictObject({
    erasureId: z.string(),
    tenantId: z.string(),
    status: z.enum(['running', 'completed']),
    phase: z.optional(
      documented(z.enum(ERASURE_PHASES), { description: 'where the worker is; absent before its first run' }),
    ),
    removed: documented(
      z.strictObject(
        Object.fromEntries(ERASED_KINDS.map((kind) => [kind, z.number()])) as Record<
          (typeof ERASED_KINDS)[number],
          z.ZodMiniNumber
        >,
      ),
      { description: 'items removed so far, per kind' },
    ),
    webhookIds: documented(z.array(z.string()), { description: 'the webhooks the tenant had when the erasure began' }),
    startedAt: instant(),
    finishedAt: z.optional(instant()),
    check: z.optional(
      documented(z.strictObject({ itemsLeft: z.number(), checkedAt: instant() }), {
        description: "the final check: a query of every place the tenant's items live, after the last delete",
      }),
    ),
  }),
  { id: 'Erasure', description: 'A tenant erasure: its progress, and at the end its counts and final check' },
);

/** A tenant erasure as its record holds it and `GET /admin/erasures/{erasureId}` shows it. */
export type Erasure = z.infer<typeof ErasureSchema>;
export type StartedErasure = z.infer<typeof StartedErasureSchema>;
