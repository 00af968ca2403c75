import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchResult } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sqsClient } from '../lambdas/adapters/sqs-client';
import { keys } from '../lambdas/adapters/table-keys';
import { moveMessages } from '../local/redrive';
import { PRODUCT_EVENT_TYPES } from '../lambdas/core/events/event-catalog';

const PRODUCER_EVENT_TYPES = PRODUCT_EVENT_TYPES.map((entry) => entry.name);
import { localClientConfig, startPlatform, type PlatformOptions } from '../local/platform';
import { drainQueue, queueDepth } from '../local/queue-inspection';
import { startReceiver, type ReceivedDelivery, type Receiver } from '../local/receiver';
import type { SqsHandler } from '../local/sqs-poller';

export interface SoakOptions {
  events: number;
  webhooksPerTenant: number;
  /** Where the emulators are (tests share the run's) or where to start them. */
  dynamo: PlatformOptions['dynamo'];
  sqs: PlatformOptions['sqs'];
  crashes?: number;
  poisonRate?: number;
  /** Share of SendMessageBatch requests to the deliveries queue and DLQ that fail (default 2 %). */
  sendFailureRate?: number;
  /** Share of events whose fan-out stays half done until they are in the events DLQ, then replayed (default 0.5 %). */
  stuckRate?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  eventsPublished: number;
  poisonPublished: number;
  pairsExpected: number;
  pairsDeliveredAndVerified: number;
  pairsFailedAndInDlq: number;
  pairsLost: number;
  /** A few lost pairs with what their delivery record says, to start an investigation from. */
  lostExamples: string[];
  poisonInEventsDlqWithReason: number;
  wrongTenantDeliveries: number;
  unverifiableSignatures: number;
  duplicateDeliveries: number;
  duplicatesWithDifferentWebhookId: number;
  duplicateExamples: string[];
  /**
   * Pairs delivered under more than one webhook-id (an event without id must keep the one derived from its message).
   */
  pairsUnderTwoWebhookIds: number;
  deliverCrashes: number;
  /**
   * SendMessageBatch requests made to fail: to the deliveries DLQ and to the deliveries queue (the faults of issue 7).
   */
  injectedSendFailures: number;
  /** Events whose fan-out was left half done until they reached the events DLQ, then replayed from it. */
  halfFannedOutReplayed: number;
  /** Requests to tenant B's ordered webhook that came before an event queued ahead of theirs was settled. */
  orderViolations: number;
  /** Deliveries the ordered webhook got in the queue's order, of all it got. */
  orderedDeliveries: number;
  /**
   * Tenant B's second ordered webhook, whose endpoint fails every request for its first EXHAUSTING_FAIL_SECONDS:
   * each of its events must end delivered, or in the deliveries DLQ with its reason and a `failed` record.
   */
  exhaustingOrdered: {
    expected: number;
    delivered: number;
    exhaustedInDlqWithReason: number;
    lost: number;
    lostExamples: string[];
  };
  /** The most requests tenant B's throttled webhook got within any one second, and its rate. */
  throttledBusiestSecond: number;
  throttleRate: number;
  receiverAnswers: Record<string, number>;
  durationMs: number;
}

// compressed schedule (5 attempts within ~8 s) and timeouts, so the soak finishes in minutes, not days
const RETRY_SCHEDULE = [1, 1, 2, 3];
// each poison message is unique, so the accounting can tell one parked twice (SQS is at least once) from two
/**
 * The soak's catalog: the product's types and one whose schema uses `format`, `pattern` and `items`, as teams write
 * them. Its events are the hostile half of the poison: data that once took seconds to minutes to check (a 40-character
 * link, nested quantifiers) or overflowed the validator's stack (65,000 numbers), each parked with its reason at once.
 */
const SOAK_CATALOG = [
  ...PRODUCT_EVENT_TYPES,
  {
    name: 'link.shared',
    description: 'A link was shared',
    example: { link: 'https://example.com/a', tag: 'summer sale', codes: ['a1'] },
    schema: {
      type: 'object',
      properties: {
        link: { type: 'string', format: 'url' },
        tag: { type: 'string', pattern: '^(\\w+\\s?)*$' },
        codes: { type: 'array', items: { type: 'string' } },
      },
    },
  },
];

const hostile = (n: number, data: string) => `{"tenantId":"acme","type":"link.shared","data":{"n":${n},${data}}}`;
const poisonBody = (n: number) =>
  [
    hostile(n, `"link":"http://${'a'.repeat(40)}!"`),
    `not json at all #${n}`,
    hostile(n, `"tag":"${'a'.repeat(28)}!"`),
    `{"tenantId":"acme","type":"no.such.type","data":{"n":${n}}}`,
    hostile(n, `"codes":[${Array(65_000).fill(7).join(',')}]`),
    `{"type":"document.uploaded","data":{"n":${n}}}`,
  ][n % 6]!;

/**
 * The chaotic receiver of the soak: 30 % 500, 5 % hangs past the timeout, 5 % resets, 5 % 429 + Retry-After, 5 % slow.
 */
function chaos(): ReturnType<NonNullable<Receiver['behaviour']['decide']>> {
  const roll = Math.random();
  if (roll < 0.3) return { status: 500 };
  if (roll < 0.35) return 'hang';
  if (roll < 0.4) return 'reset';
  if (roll < 0.45) return { status: 429, headers: { 'retry-after': '1' } };
  if (roll < 0.5) return { status: 200, delayMs: 300 };
  return { status: 200 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Tenant B's second webhook is ordered and its third throttled (tenant A's are neither). The ordered one's
 * receiver fails 10 % of its requests (not the soak's 50 %, hangs included: an ordered webhook takes its
 * deliveries one at a time, and each failure holds its group for a retry, so full chaos would make the soak last
 * an hour); the throttled one gets the soak's chaos.
 */
const ORDERED_HOOK = 1;
const THROTTLED_HOOK = 2;
const THROTTLE_RATE = 50;
/**
 * Tenant B also has an ordered webhook (beside its W) whose endpoint answers 500 to everything for this long after its
 * first request: long enough for its first deliveries to exhaust the soak's schedule (5 attempts within about 8 s,
 * breaker probes included) while the ones behind them wait, then it recovers.
 */
const EXHAUSTING_PATH = '/hook-exhausting';
const EXHAUSTING_FAIL_SECONDS = 20;
function orderedChaos(): ReturnType<NonNullable<Receiver['behaviour']['decide']>> {
  return Math.random() < 0.1 ? { status: 500 } : { status: 200 };
}

/** The most of these times within any one second. */
const busiestSecond = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start += 1) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end += 1;
    most = Math.max(most, end - start);
  }
  return most;
};

/**
 * Publishes events for two tenants against chaotic receivers while the deliver function crashes now and
 * then, waits until the queues are empty, and accounts for every (event, webhook) pair: delivered and
 * verified, or failed and in the deliveries DLQ. Anything else is a lost delivery.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const crashes = options.crashes ?? 3;
  let deliverBatches = 0;
  let deliverCrashes = 0;
  // crash the deliver function at a few batches spread over the run: half after it sent (duplicates), half before
  const expectedBatches = Math.ceil((options.events * options.webhooksPerTenant) / 10);
  const crashAt = new Set(
    Array.from({ length: crashes }, (_, index) => Math.floor(((index + 1) * expectedBatches) / (crashes + 2))),
  );

  // both delivery lanes count towards the crash points
  const wrapConsumer = (
    name: 'fan-out' | 'deliver' | 'deliver-slow-lane' | 'deliver-ordered' | 'recover',
    handler: SqsHandler,
  ): SqsHandler =>
    name === 'fan-out' || name === 'recover'
      ? handler
      : async (event, context) => {
          deliverBatches += 1;
          const crash = crashAt.has(deliverBatches);
          if (crash && deliverCrashes % 2 === 1) {
            deliverCrashes += 1;
            throw new Error('soak: deliver crashed before sending');
          }
          const response = await handler(event, context);
          if (crash) {
            deliverCrashes += 1;
            throw new Error('soak: deliver crashed after sending');
          }
          return response;
        };

  const id = randomUUID().slice(0, 8);
  const catalogFile = join(mkdtempSync(join(tmpdir(), 'soak-catalog-')), 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(SOAK_CATALOG));
  const platform = await startPlatform({
    apiPort: 0,
    dynamo: options.dynamo,
    sqs: options.sqs,
    tableName: `soak-${id}`,
    queuePrefix: `soak${id}-`,
    retryScheduleSeconds: RETRY_SCHEDULE,
    visibilityTimeoutSeconds: 5,
    deliverConcurrency: 8,
    wrapConsumer,
    // the injected faults would log thousands of errors; the accounting at the end is what the soak reports
    environment: {
      SEND_TIMEOUT_SECONDS: '1.5',
      CONNECT_TIMEOUT_SECONDS: '1',
      // half the chaotic answers fail, so breakers open now and then: probes come within seconds, as the schedule does
      BREAKER_PROBE_INITIAL_SECONDS: '1',
      BREAKER_PROBE_MAX_SECONDS: '4',
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      EVENT_CATALOG_FILE: catalogFile,
    },
  });
  const { documentClient, apiKeys } = platform;
  const sqs = new SQSClient(localClientConfig(platform.sqsEndpoint));

  // The handlers run in this process and share one SQS client: make some of their sends fail, as SQS may.
  // Whole requests to the deliveries queue and its DLQ fail at `sendFailureRate`; the deliveries of "stuck"
  // events are refused entry by entry (all but their first webhook's) until they are released, so their
  // fan-out stays half done and, after maxReceiveCount receives, they land in the events DLQ to be replayed.
  const sendFailureRate = options.sendFailureRate ?? 0.02;
  const stuckEvents = new Set<string>();
  let stuckReleased = false;
  let injectedSendFailures = 0;
  const orderedQueueOrder: { webhookId: string; eventId: string; sentAt: number; acceptedAt: number }[] = [];
  const originalSend = sqsClient.send.bind(sqsClient) as (command: unknown) => Promise<unknown>;
  const faultySend = async (command: unknown): Promise<unknown> => {
    if (!(command instanceof SendMessageBatchCommand)) return originalSend(command);
    const { QueueUrl, Entries = [] } = command.input;
    const { deliveries, slowDeliveries, orderedDeliveries, slowOrderedDeliveries } = platform.queues;
    const faultable = [
      deliveries.queueUrl,
      slowDeliveries.queueUrl,
      orderedDeliveries.queueUrl,
      slowOrderedDeliveries.queueUrl,
      deliveries.dlqUrl,
    ].includes(QueueUrl!);
    if (faultable && Math.random() < sendFailureRate) {
      injectedSendFailures += 1;
      throw new Error('soak: SendMessageBatch failed (injected)');
    }
    if (QueueUrl === orderedDeliveries.queueUrl) {
      // the ordered lane's queue order: an event whose send was accepted before another's began is ahead of it
      const sentAt = Date.now();
      const result = (await originalSend(command)) as SendMessageBatchResult;
      const acceptedAt = Date.now();
      const failedIds = new Set((result.Failed ?? []).map((failure) => failure.Id));
      for (const entry of Entries) {
        const task = JSON.parse(entry.MessageBody!) as { eventId: string; webhookId: string };
        if (!failedIds.has(entry.Id))
          orderedQueueOrder.push({ webhookId: task.webhookId, eventId: task.eventId, sentAt, acceptedAt });
      }
      return result;
    }
    if (QueueUrl !== platform.queues.deliveries.queueUrl || stuckReleased) return originalSend(command);
    const refused = Entries.filter((entry) => {
      const task = JSON.parse(entry.MessageBody!) as { eventId: string; webhookId: string };
      return stuckEvents.has(task.eventId) && !letThrough.has(task.webhookId);
    });
    if (refused.length === 0) return originalSend(command);
    const accepted = Entries.filter((entry) => !refused.includes(entry));
    const result = (
      accepted.length ? await originalSend(new SendMessageBatchCommand({ QueueUrl, Entries: accepted })) : {}
    ) as SendMessageBatchResult;
    return {
      ...result,
      Failed: [
        ...(result.Failed ?? []),
        ...refused.map((entry) => ({
          Id: entry.Id!,
          SenderFault: false,
          Code: 'InternalError',
          Message: 'soak: refused (injected)',
        })),
      ],
    };
  };
  (sqsClient as unknown as { send: typeof faultySend }).send = faultySend;
  // each tenant's first webhook gets its delivery of a stuck event (so the fan-out is half done, not undone)
  const letThrough = new Set<string>();
  const receiverAnswers: Record<string, number> = {};
  const receivers: Receiver[] = [];

  try {
    // two tenants, each with its own receiver and W webhooks subscribed to every event type
    const webhookTenant = new Map<string, string>();
    const tenants: { tenantId: string; receiver: Receiver }[] = [];
    let exhaustingFailsUntil = 0;
    const exhausting = (): ReturnType<typeof chaos> => {
      exhaustingFailsUntil ||= Date.now() + EXHAUSTING_FAIL_SECONDS * 1000;
      return Date.now() < exhaustingFailsUntil ? { status: 500 } : { status: 200 };
    };
    for (const tenantId of [`soak-a-${id}`, `soak-b-${id}`]) {
      const { key } = await apiKeys.create(tenantId, 'soak');
      const ordered = tenantId.startsWith('soak-b-') ? `/hook-${ORDERED_HOOK}` : undefined;
      const receiver = await startReceiver({
        behaviour: {
          decide: (delivery) => {
            const decision =
              delivery.path === ordered ? orderedChaos() : delivery.path === EXHAUSTING_PATH ? exhausting() : chaos();
            const label = typeof decision === 'string' ? decision : String(decision.status);
            receiverAnswers[label] = (receiverAnswers[label] ?? 0) + 1;
            return decision;
          },
        },
      });
      receivers.push(receiver);
      for (let index = 0; index < options.webhooksPerTenant; index += 1) {
        const response = await fetch(`${platform.apiUrl}/v2/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            url: `${receiver.url}/hook-${index}`,
            events: [...PRODUCER_EVENT_TYPES],
            ...(ordered && index === ORDERED_HOOK ? { ordering: 'fifo' } : {}),
            ...(ordered && index === THROTTLED_HOOK ? { throttleRate: THROTTLE_RATE } : {}),
          }),
        });
        const webhook = (await response.json()) as { id: string; secret: string };
        receiver.secrets.push(webhook.secret);
        webhookTenant.set(`${receiver.url}/hook-${index}`, tenantId);
        if (index === 0) letThrough.add(webhook.id);
      }
      if (ordered) {
        const response = await fetch(`${platform.apiUrl}/v2/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            url: receiver.url + EXHAUSTING_PATH,
            events: [...PRODUCER_EVENT_TYPES],
            ordering: 'fifo',
          }),
        });
        receiver.secrets.push(((await response.json()) as { secret: string }).secret);
        webhookTenant.set(receiver.url + EXHAUSTING_PATH, tenantId);
      }
      tenants.push({ tenantId, receiver });
    }

    // publish: 80 % tenant A, 20 % tenant B, ~1 % poison; 10 % without an id (the platform derives it)
    const eventTenant = new Map<number, string>();
    const poisonRate = options.poisonRate ?? 0.01;
    const stuckRate = options.stuckRate ?? 0.005;
    const bodies: string[] = [];
    let poisonPublished = 0;
    for (let index = 0; index < options.events; index += 1) {
      if (Math.random() < poisonRate) {
        bodies.push(poisonBody(poisonPublished));
        poisonPublished += 1;
        continue;
      }
      const tenantId = tenants[Math.random() < 0.8 ? 0 : 1]!.tenantId;
      eventTenant.set(index, tenantId);
      const type = PRODUCER_EVENT_TYPES[index % PRODUCER_EVENT_TYPES.length];
      if (index % 10 === 5) {
        bodies.push(JSON.stringify({ tenantId, type, data: { index } }));
        continue;
      }
      const eventId = `evt_soak_${index}_${id}`;
      if (Math.random() < stuckRate) stuckEvents.add(eventId);
      bodies.push(JSON.stringify({ tenantId, id: eventId, type, data: { index } }));
    }
    for (let start = 0; start < bodies.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: platform.queues.events.queueUrl,
          Entries: bodies.slice(start, start + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
    log(
      `published ${bodies.length} messages (${poisonPublished} poison, ${stuckEvents.size} to be left half fanned out)`,
    );

    // wait until both queues stay empty for a while
    const depth = (queueUrl: string) => queueDepth(sqs, queueUrl);
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let lastReport = Date.now();
    const quiet = async () => {
      let quietSince = 0;
      for (;;) {
        const { events, deliveries, slowDeliveries, orderedDeliveries, slowOrderedDeliveries } = platform.queues;
        const pending =
          (await depth(events.queueUrl)) +
          (await depth(deliveries.queueUrl)) +
          (await depth(slowDeliveries.queueUrl)) +
          (await depth(orderedDeliveries.queueUrl)) +
          (await depth(slowOrderedDeliveries.queueUrl));
        if (pending === 0) {
          quietSince ||= Date.now();
          if (Date.now() - quietSince > 2000) return;
        } else {
          quietSince = 0;
        }
        if (Date.now() > deadline) throw new Error(`soak: ${pending} messages still queued at the deadline`);
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          log(`still queued: ${pending} (events and deliveries, visible, in flight or delayed)`);
        }
        await sleep(250);
      }
    };
    await quiet();
    // the stuck events went to the events DLQ after maxReceiveCount receives: replay the DLQ, as the runbook says
    stuckReleased = true;
    const halfFannedOutReplayed = stuckEvents.size;
    log(`replaying the events DLQ (${stuckEvents.size} half fanned-out events, and the poison, which comes back)`);
    await sleep(6000); // the stuck events' last claims lapse (one visibility timeout)
    await moveMessages(sqs, platform.queues.events.dlqUrl, platform.queues.events.queueUrl);
    await quiet();
    await Promise.all(receivers.map((receiver) => receiver.stop()));

    // accounting, by (published index, webhook): events without an id are known by their data's index
    const drain = (queueUrl: string) => drainQueue(sqs, queueUrl, 300);
    const all: (ReceivedDelivery & { receiverUrl: string })[] = tenants.flatMap(({ receiver }) =>
      receiver.deliveries.map((delivery) => ({ ...delivery, receiverUrl: receiver.url })),
    );
    const webhookIdOf = new Map<string, string>();
    for (const { tenantId } of tenants) {
      const { Items } = await documentClient.send(
        new QueryCommand({
          TableName: platform.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.tenant(tenantId), ':prefix': keys.webhookPrefix },
        }),
      );
      for (const item of Items ?? []) webhookIdOf.set(item.url as string, item.id as string);
    }
    const indexOf = (payload: string) => (JSON.parse(payload) as { data: { index: number } }).data.index;
    const pairOf = (delivery: (typeof all)[number]) =>
      `${indexOf(delivery.body)}|${webhookIdOf.get(delivery.receiverUrl + delivery.path)}`;

    const delivered = new Map<string, number>();
    const webhookIdsOfPair = new Map<string, Set<string>>();
    let wrongTenantDeliveries = 0;
    let unverifiableSignatures = 0;
    let duplicatesWithDifferentWebhookId = 0;
    for (const delivery of all) {
      if (!delivery.standardVerified || !delivery.githubVerified) unverifiableSignatures += 1;
      if (webhookTenant.get(delivery.receiverUrl + delivery.path) !== eventTenant.get(indexOf(delivery.body)))
        wrongTenantDeliveries += 1;
      if (delivery.webhookId !== delivery.eventId) duplicatesWithDifferentWebhookId += 1;
      const pair = pairOf(delivery);
      webhookIdsOfPair.set(pair, (webhookIdsOfPair.get(pair) ?? new Set()).add(delivery.webhookId));
      if (delivery.answeredStatus >= 200 && delivery.answeredStatus < 300)
        delivered.set(pair, (delivered.get(pair) ?? 0) + 1);
    }
    const pairsUnderTwoWebhookIds = [...webhookIdsOfPair.values()].filter((ids) => ids.size > 1).length;
    // a dead letter counts only with its reason: one without is as good as lost
    const dlqEventOfPair = new Map<string, string>();
    for (const message of await drain(platform.queues.deliveries.dlqUrl)) {
      const task = JSON.parse(message.Body!) as { eventId: string; webhookId: string; payload: string };
      if (message.MessageAttributes?.failureReason?.StringValue)
        dlqEventOfPair.set(`${indexOf(task.payload)}|${task.webhookId}`, task.eventId);
    }
    const poisonBodies = new Set(Array.from({ length: poisonPublished }, (_, n) => poisonBody(n)));
    const poisonInDlq = new Set(
      (await drain(platform.queues.events.dlqUrl))
        .filter((message) => poisonBodies.has(message.Body!) && message.MessageAttributes?.failureReason?.StringValue)
        .map((message) => message.Body),
    ).size;
    // each webhook's delivery log, read once: status by event id
    const statusOf = new Map<string, string>();
    for (const webhookId of webhookIdOf.values()) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient.send(
          new QueryCommand({
            TableName: platform.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.webhook(webhookId), ':prefix': keys.deliveryPrefix },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) statusOf.set(`${webhookId}|${item.eventId}`, item.status as string);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }

    let pairsExpected = 0;
    let pairsDelivered = 0;
    let pairsFailedAndInDlq = 0;
    let pairsLost = 0;
    const lostExamples: string[] = [];
    for (const [index, tenantId] of eventTenant) {
      const receiver = tenants.find((tenant) => tenant.tenantId === tenantId)!.receiver;
      for (let webhook = 0; webhook < options.webhooksPerTenant; webhook += 1) {
        pairsExpected += 1;
        const webhookId = webhookIdOf.get(`${receiver.url}/hook-${webhook}`)!;
        const pair = `${index}|${webhookId}`;
        if (delivered.has(pair)) {
          pairsDelivered += 1;
          continue;
        }
        const eventId = dlqEventOfPair.get(pair);
        const status = eventId ? statusOf.get(`${webhookId}|${eventId}`) : undefined;
        if (status === 'failed') pairsFailedAndInDlq += 1;
        else {
          pairsLost += 1;
          if (lostExamples.length < 5)
            lostExamples.push(
              `event #${index} → ${webhookId}: record status ${status ?? 'none'}, in DLQ: ${eventId !== undefined}`,
            );
        }
      }
    }
    const duplicateDeliveries = [...delivered.values()].reduce((sum, count) => sum + count - 1, 0);

    // tenant B's exhausting ordered webhook: each of its events delivered, or parked with its reason and failed
    const tenantBState = tenants.find((tenant) => tenant.tenantId.startsWith('soak-b-'))!;
    const exhaustingId = webhookIdOf.get(tenantBState.receiver.url + EXHAUSTING_PATH)!;
    const exhaustingOrdered = {
      expected: 0,
      delivered: 0,
      exhaustedInDlqWithReason: 0,
      lost: 0,
      lostExamples: [] as string[],
    };
    for (const [index, tenantId] of eventTenant) {
      if (tenantId !== tenantBState.tenantId) continue;
      exhaustingOrdered.expected += 1;
      const pair = `${index}|${exhaustingId}`;
      const eventId = dlqEventOfPair.get(pair);
      const status = eventId ? statusOf.get(`${exhaustingId}|${eventId}`) : undefined;
      if (delivered.has(pair)) exhaustingOrdered.delivered += 1;
      else if (status === 'failed') exhaustingOrdered.exhaustedInDlqWithReason += 1;
      else {
        exhaustingOrdered.lost += 1;
        if (exhaustingOrdered.lostExamples.length < 5)
          exhaustingOrdered.lostExamples.push(
            `event #${index}: record status ${status ?? 'none'}, in DLQ: ${eventId !== undefined}`,
          );
      }
    }

    // each ordered webhook: no request for an event before every event queued ahead of it for that webhook was
    // settled (delivered, or exhausted: its last attempt made); an event is known by its first send to the queue
    const tenantB = tenantBState.receiver;
    const orderedWebhookId = webhookIdOf.get(`${tenantB.url}/hook-${ORDERED_HOOK}`)!;
    const orderViolationsOf = (path: string, webhookId: string) => {
      const requests = tenantB.deliveries
        .filter((delivery) => delivery.path === path)
        .sort((a, b) => a.receivedAt - b.receivedAt);
      const firstSend = new Map<string, { sentAt: number; acceptedAt: number }>();
      for (const { webhookId: queuedFor, eventId, sentAt, acceptedAt } of orderedQueueOrder)
        if (queuedFor === webhookId && !firstSend.has(eventId)) firstSend.set(eventId, { sentAt, acceptedAt });
      const settledAt = new Map<string, number>();
      for (const request of requests) {
        const done = request.answeredStatus >= 200 && request.answeredStatus < 300;
        if (done && !settledAt.has(request.eventId)) settledAt.set(request.eventId, request.receivedAt);
      }
      for (const [pair, eventId] of dlqEventOfPair) {
        if (!pair.endsWith(`|${webhookId}`)) continue;
        const attempts = requests.filter((request) => request.eventId === eventId);
        settledAt.set(eventId, attempts.at(-1)?.receivedAt ?? 0);
      }
      let violations = 0;
      for (const request of requests) {
        const own = firstSend.get(request.eventId);
        if (!own) continue;
        const aheadUnsettled = [...firstSend].some(
          ([eventId, send]) =>
            eventId !== request.eventId &&
            send.acceptedAt < own.sentAt &&
            (settledAt.get(eventId) ?? Infinity) > request.receivedAt,
        );
        if (aheadUnsettled) violations += 1;
      }
      return { violations, requests: requests.length };
    };
    const ordered = orderViolationsOf(`/hook-${ORDERED_HOOK}`, orderedWebhookId);
    const exhaustingOrder = orderViolationsOf(EXHAUSTING_PATH, exhaustingId);
    const throttledTimes = tenantB.deliveries
      .filter((delivery) => delivery.path === `/hook-${THROTTLED_HOOK}`)
      .map((delivery) => delivery.receivedAt);
    // a few duplicated pairs with every request they saw (answer, webhook-timestamp, ms after the first), to explain
    // them
    const duplicateExamples = [...delivered.entries()]
      .filter(([, count]) => count > 1)
      .slice(0, 5)
      .map(([pair]) => {
        const requests = all.filter((delivery) => pairOf(delivery) === pair);
        const first = requests[0]!.receivedAt;
        const seen = requests.map(
          (request) =>
            `${request.answeredStatus}@${request.headers['webhook-timestamp']}+${request.receivedAt - first}ms`,
        );
        return `${pair}: ${seen.join(', ')}`;
      });

    return {
      eventsPublished: eventTenant.size,
      poisonPublished,
      pairsExpected,
      pairsDeliveredAndVerified: pairsDelivered,
      pairsFailedAndInDlq,
      pairsLost,
      lostExamples,
      poisonInEventsDlqWithReason: poisonInDlq,
      wrongTenantDeliveries,
      unverifiableSignatures,
      duplicateDeliveries,
      duplicatesWithDifferentWebhookId,
      duplicateExamples,
      pairsUnderTwoWebhookIds,
      deliverCrashes,
      injectedSendFailures,
      halfFannedOutReplayed,
      orderViolations: ordered.violations + exhaustingOrder.violations,
      orderedDeliveries: ordered.requests,
      exhaustingOrdered,
      throttledBusiestSecond: busiestSecond(throttledTimes),
      throttleRate: THROTTLE_RATE,
      receiverAnswers,
      durationMs: Date.now() - started,
    };
  } finally {
    (sqsClient as unknown as { send: unknown }).send = originalSend;
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    sqs.destroy();
    await platform.stop();
  }
}
