import { subscribersOf } from '../../lambdas/core/delivery/delivery';
import { parseEnvelope, type TenantEvent } from '../../lambdas/core/events/event-envelope';
import type { EventFilter } from '../../lambdas/core/events/event-filter';
import { FanOutService, type Claim, type FanOutPorts } from '../../lambdas/core/events/fan-out-service';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { report, repeat, settings, summarize } from '../stats';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';

// Scenario 7, filters (issue 10): fan-out's use case over in-memory ports, a tenant with 100 webhooks, without
// filters and with a 2-path filter on every webhook that the events pass (so both variants queue the same
// deliveries and the difference is the filters' evaluation). Also the matching rule (subscribersOf) alone.
const WEBHOOKS = 100;
const BATCHES = Math.max(50, Math.round(settings.events / 10));
const filter: EventFilter = { projectId: ['prj_7', 'prj_1', 'prj_2'], 'metadata.country': ['CO', 'MX'] };
const webhooks = (withFilter: boolean): Webhook[] =>
  Array.from({ length: WEBHOOKS }, (_, index) => ({
    tenantId: 'bench',
    id: `webhook_${String(index).padStart(26, '0')}`,
    url: `https://example.com/hooks/${index}`,
    events: ['verification.completed'],
    ...(withFilter ? { filter } : {}),
    secret: 'whsec_bench',
    active: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }));
const body = (index: number) =>
  JSON.stringify({
    tenantId: 'bench',
    id: `evt_${index}`,
    type: 'verification.completed',
    data: { projectId: 'prj_7', status: 'completed', metadata: { country: 'CO' } },
  });

function service(subscribed: Webhook[]) {
  const ports: FanOutPorts = {
    events: {
      claim: async (events) =>
        new Map<string, Claim>(
          events.map(({ messageId }) => [
            messageId,
            { kind: 'claimed', receivedAt: '2026-01-01T00:00:00.000Z', queuedWebhookIds: [] },
          ]),
        ),
      rememberQueued: async () => undefined,
      recordCompleted: async () => new Set(),
    },
    webhooks: { of: async () => subscribed },
    queues: {
      queueDeliveries: async () => ({ unsent: new Set(), refused: new Map() }),
      quarantine: async () => new Set(),
    },
  };
  return new FanOutService(ports, createEventCatalog());
}

/** Events fanned out per second through handleBatch, in batches of ten. */
async function fanOutRate(subscribed: Webhook[]) {
  const fanOut = service(subscribed);
  const batches = Array.from({ length: BATCHES }, (_, batch) =>
    Array.from({ length: 10 }, (_, index) => ({ messageId: `m${index}`, body: body(batch * 10 + index) })),
  );
  const started = performance.now();
  for (const batch of batches) {
    const result = await fanOut.handleBatch(batch);
    if (result.quarantined.length || result.failedMessageIds.length)
      throw new Error('the bench events must all fan out');
  }
  return (BATCHES * 10) / ((performance.now() - started) / 1000);
}

/** Matching-rule evaluations (one event against the tenant's webhooks) per second. */
function matchRate(subscribed: Webhook[]) {
  const parsed = parseEnvelope(body(0), 'm0', createEventCatalog());
  if (!parsed.ok) throw new Error(parsed.reason);
  const event: TenantEvent = parsed.event;
  const evaluations = 20_000;
  const started = performance.now();
  let matched = 0;
  for (let index = 0; index < evaluations; index += 1) matched += subscribersOf(event, subscribed).length;
  if (matched !== evaluations * WEBHOOKS) throw new Error('every webhook must match');
  return evaluations / ((performance.now() - started) / 1000);
}

// the variants alternate within each round, so that a busy moment of the machine hits both
const rounds = await repeat(settings.rounds, async () => ({
  fanOutPlain: await fanOutRate(webhooks(false)),
  fanOutFiltered: await fanOutRate(webhooks(true)),
  matchPlain: matchRate(webhooks(false)),
  matchFiltered: matchRate(webhooks(true)),
}));
const fanOutPlain = summarize(rounds.map((round) => round.fanOutPlain));
const fanOutFiltered = summarize(rounds.map((round) => round.fanOutFiltered));
const matchPlain = summarize(rounds.map((round) => round.matchPlain));
const matchFiltered = summarize(rounds.map((round) => round.matchFiltered));
report({
  webhooksPerTenant: WEBHOOKS,
  eventsPerRound: BATCHES * 10,
  fanOutEventsPerSecond: {
    plain: fanOutPlain,
    filtered: fanOutFiltered,
    ratio: fanOutFiltered.median / fanOutPlain.median,
  },
  matchesPerSecond: { plain: matchPlain, filtered: matchFiltered, ratio: matchFiltered.median / matchPlain.median },
});
