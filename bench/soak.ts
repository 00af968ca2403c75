import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PRODUCER_EVENT_TYPES } from '../lambdas/core/event-catalog';
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
  deliverCrashes: number;
  receiverAnswers: Record<string, number>;
  durationMs: number;
}

// compressed schedule (5 attempts within ~8 s) and timeouts, so the soak finishes in minutes, not days
const RETRY_SCHEDULE = [1, 1, 2, 3];
const POISON_BODIES = ['not json at all', '{"tenantId":"acme","type":"no.such.type","data":{}}', '{"type":"document.uploaded","data":{}}'];

/** The chaotic receiver of the soak: 30 % 500, 5 % hangs past the timeout, 5 % resets, 5 % 429 + Retry-After, 5 % slow. */
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
  const crashAt = new Set(Array.from({ length: crashes }, (_, index) => Math.floor(((index + 1) * expectedBatches) / (crashes + 2))));

  const wrapConsumer = (name: 'fan-out' | 'deliver', handler: SqsHandler): SqsHandler =>
    name === 'fan-out'
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
    environment: { WEBHOOK_CACHE_SECONDS: '5', SEND_TIMEOUT_SECONDS: '1.5', CONNECT_TIMEOUT_SECONDS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  const { documentClient, apiKeys } = platform;
  const sqs = new SQSClient(localClientConfig(platform.sqsEndpoint));
  const receiverAnswers: Record<string, number> = {};
  const receivers: Receiver[] = [];

  try {
    // two tenants, each with its own receiver and W webhooks subscribed to every event type
    const webhookTenant = new Map<string, string>();
    const tenants: { tenantId: string; receiver: Receiver }[] = [];
    for (const tenantId of [`soak-a-${id}`, `soak-b-${id}`]) {
      const { key } = await apiKeys.create(tenantId, 'soak');
      const receiver = await startReceiver({
        behaviour: {
          decide: () => {
            const decision = chaos();
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
          body: JSON.stringify({ url: `${receiver.url}/hook-${index}`, events: [...PRODUCER_EVENT_TYPES] }),
        });
        const webhook = (await response.json()) as { id: string; secret: string };
        receiver.secrets.push(webhook.secret);
        webhookTenant.set(`${receiver.url}/hook-${index}`, tenantId);
      }
      tenants.push({ tenantId, receiver });
    }

    // publish: 80 % tenant A, 20 % tenant B, ~1 % poison
    const eventTenant = new Map<string, string>();
    const poisonRate = options.poisonRate ?? 0.01;
    const bodies: string[] = [];
    let poisonPublished = 0;
    for (let index = 0; index < options.events; index += 1) {
      if (Math.random() < poisonRate) {
        bodies.push(POISON_BODIES[poisonPublished % POISON_BODIES.length]!);
        poisonPublished += 1;
        continue;
      }
      const tenantId = tenants[Math.random() < 0.8 ? 0 : 1]!.tenantId;
      const eventId = `evt_soak_${index}_${id}`;
      eventTenant.set(eventId, tenantId);
      bodies.push(JSON.stringify({ tenantId, id: eventId, type: PRODUCER_EVENT_TYPES[index % PRODUCER_EVENT_TYPES.length], data: { index } }));
    }
    for (let start = 0; start < bodies.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: platform.queues.events.queueUrl,
          Entries: bodies.slice(start, start + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
    log(`published ${bodies.length} messages (${poisonPublished} poison)`);

    // wait until both queues stay empty for a while
    const depth = (queueUrl: string) => queueDepth(sqs, queueUrl);
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let quietSince = 0;
    for (;;) {
      const pending = (await depth(platform.queues.events.queueUrl)) + (await depth(platform.queues.deliveries.queueUrl));
      if (pending === 0) {
        quietSince ||= Date.now();
        if (Date.now() - quietSince > 2000) break;
      } else {
        quietSince = 0;
      }
      if (Date.now() > deadline) throw new Error(`soak: ${pending} messages still queued at the deadline`);
      await sleep(250);
    }
    await Promise.all(receivers.map((receiver) => receiver.stop()));

    // accounting
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
          ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': 'WEBHOOK#' },
        }),
      );
      for (const item of Items ?? []) webhookIdOf.set(item.url as string, item.id as string);
    }
    const pairOf = (delivery: (typeof all)[number]) => `${delivery.webhookId}|${webhookIdOf.get(delivery.receiverUrl + delivery.path)}`;

    const delivered = new Map<string, number>();
    let wrongTenantDeliveries = 0;
    let unverifiableSignatures = 0;
    let duplicatesWithDifferentWebhookId = 0;
    for (const delivery of all) {
      if (!delivery.standardVerified || !delivery.githubVerified) unverifiableSignatures += 1;
      if (webhookTenant.get(delivery.receiverUrl + delivery.path) !== eventTenant.get(delivery.eventId)) wrongTenantDeliveries += 1;
      if (delivery.webhookId !== delivery.eventId) duplicatesWithDifferentWebhookId += 1;
      if (delivery.answeredStatus >= 200 && delivery.answeredStatus < 300) delivered.set(pairOf(delivery), (delivered.get(pairOf(delivery)) ?? 0) + 1);
    }
    const dlqPairs = new Set(
      (await drain(platform.queues.deliveries.dlqUrl)).map((message) => {
        const task = JSON.parse(message.Body!) as { eventId: string; webhookId: string };
        return `${task.eventId}|${task.webhookId}`;
      }),
    );
    const poisonInDlq = (await drain(platform.queues.events.dlqUrl)).filter(
      (message) => POISON_BODIES.includes(message.Body!) && message.MessageAttributes?.failureReason?.StringValue,
    ).length;

    let pairsExpected = 0;
    let pairsDelivered = 0;
    let pairsFailedAndInDlq = 0;
    let pairsLost = 0;
    const lostExamples: string[] = [];
    for (const [eventId, tenantId] of eventTenant) {
      const receiver = tenants.find((tenant) => tenant.tenantId === tenantId)!.receiver;
      for (let index = 0; index < options.webhooksPerTenant; index += 1) {
        pairsExpected += 1;
        const webhookId = webhookIdOf.get(`${receiver.url}/hook-${index}`)!;
        const pair = `${eventId}|${webhookId}`;
        if (delivered.has(pair)) {
          pairsDelivered += 1;
          continue;
        }
        const { Item } = await documentClient.send(
          new GetCommand({ TableName: platform.tableName, Key: { pk: `WEBHOOK#${webhookId}`, sk: `DELIVERY#${eventId}` } }),
        );
        if (Item?.status === 'failed' && dlqPairs.has(pair)) pairsFailedAndInDlq += 1;
        else {
          pairsLost += 1;
          if (lostExamples.length < 5) lostExamples.push(`${pair}: record ${JSON.stringify(Item ?? null)}, in DLQ: ${dlqPairs.has(pair)}`);
        }
      }
    }
    const duplicateDeliveries = [...delivered.values()].reduce((sum, count) => sum + count - 1, 0);

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
      deliverCrashes,
      receiverAnswers,
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    sqs.destroy();
    await platform.stop();
  }
}
