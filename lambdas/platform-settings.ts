/**
 * Settings of the table and queues, read by both the CDK stack (lib/) and the local runtime (local/),
 * so what runs on a laptop is what deploys. Plain data: no CDK or SDK types.
 */

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  /**
   * A tenant's events, newest first (`GET /v2/events`): partition `EVENTS#<tenantId>`, sort key time-ordered.
   * Projects only what the list shows: an event item carries the producer's data, and every index write
   * costs one write unit per KB projected, so ALL would double the write cost of large events; the detail
   * route reads the event by its key. Changing the projection later means replacing the index.
   */
  eventsByTime: {
    indexName: 'EventsByTime',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    partitionPrefix: 'EVENTS#',
    projectedAttributes: ['type', 'receivedAt'],
  },
} as const;

/** Delays after each failed attempt, in seconds (docs/design.md §9): 8 attempts over about 28 hours. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

/**
 * The one place each tunable value of the platform has its default. lib/stack-config.ts reads them as the
 * defaults of CDK context (cdk.json spells them out, a test keeps the two equal) and hands them to the
 * functions' environment; lambdas/adapters/config.ts falls back to them when a variable is unset (tests,
 * the local runtime). Names are the context keys; each function reads the UPPER_SNAKE_CASE variable.
 */
export const SETTING_DEFAULTS = {
  /** Plain-http webhook URLs: off on AWS; the local runtime turns it on. */
  allowHttpUrls: false,
  /** Bounds the fan-out Query of a tenant's webhooks (docs/design.md §5). */
  maxWebhooksPerTenant: 100,
  retryScheduleSeconds: DEFAULT_RETRY_SCHEDULE_SECONDS,
  /** Stored events and delivery records expire after this (TTL). */
  eventRetentionDays: 30,
  /** A webhook whose deliveries have all failed this long is disabled (docs/design.md §9). */
  autoDisableAfterSeconds: 5 * 24 * 3600,
  /**
   * Circuit breaker (docs/design.md §9): consecutive failed attempts that open it, and its probe interval's bounds.
   */
  breakerFailureThreshold: 10,
  breakerProbeInitialSeconds: 30,
  breakerProbeMaxSeconds: 3600,
  /** One delivery attempt: time to connect, and to get the whole answer. */
  connectTimeoutSeconds: 5,
  sendTimeoutSeconds: 15,
  /**
   * Isolation (docs/design.md §9): the fast lane waits this long for an answer (Slack's limit for its own webhooks); a
   * webhook whose endpoint takes longer has its deliveries sent through the slow lane, which waits the whole
   * send timeout, for the hold after its last slow answer.
   */
  fastLaneSendTimeoutSeconds: 3,
  slowLaneHoldSeconds: 3600,
  /**
   * Endpoint verification (docs/design.md §18): `handshake` sends an HTTP webhook nothing but a challenge until its
   * endpoint consents (the CloudEvents OPTIONS handshake, or echoing a signed POST's challenge); `off` sends at once.
   */
  endpointVerification: 'handshake' as 'handshake' | 'off',
  /** The name the handshake gives as WebHook-Request-Origin (a DNS name of the deployment's choosing). */
  verificationOrigin: 'serverless-webhooks',
  /** Waits between a run's challenges (odd ones OPTIONS, even ones POST); when they are used up, it has failed. */
  verificationRetrySeconds: [5, 60, 600, 3600, 21600] as readonly number[],
} as const;

export const FUNCTION_TIMEOUT_SECONDS = {
  api: 10,
  fanOut: 30,
  // a delivery may take SETTING_DEFAULTS.sendTimeoutSeconds (15 s); a batch runs its records in parallel,
  // so one batch takes little more
  deliver: 30,
  // one page of a recovery: a Query, a BatchGetItem of up to 100 events and eleven SQS requests
  recover: 60,
  // one run of a tenant's erasure: a bounded number of pages of 25 deletes each, then the job is sent on
  eraseTenant: 60,
  // at most 5,000 notices a run, a conditional write each (a few ms), in pages of 100 with one SQS batch per 10
  announceCertificates: 300,
} as const;

/**
 * Each function's memory, chosen from `npm run bench`'s memory-sizing scenario, which imports each bundle under the
 * CPU share Lambda gives a size (one vCPU at 1,769 MB) and prices the cold start. The API routes, the authorizer and
 * fan-out do CPU work: at 1,024 MB their cold start takes 90-115 ms instead of 500-600 ms at 256 MB, and costs
 * less, and their warm time shrinks about as fast as its price per ms grows. The deliver lanes mostly wait for
 * receivers, billed per MB while they wait: 512 MB, where a cold start is about a quarter of a second (221-283 ms
 * in two runs) for twice the price per waiting ms of 256 MB (about 500-600 ms).
 * Recover is rare and pages through the table: 512 MB. The console serves files it holds in memory: 128 MB.
 */
export const FUNCTION_MEMORY_MB = {
  api: 1024,
  fanOut: 1024,
  deliver: 512,
  recover: 512,
  eraseTenant: 512,
  // once a day, waiting on DynamoDB and SQS: the recover function's size
  announceCertificates: 512,
  console: 128,
} as const;

export interface QueueSettings {
  name: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
}

export interface ConsumedQueueSettings extends QueueSettings {
  dlq: QueueSettings;
  /** A FIFO queue (names end in .fifo): high-throughput mode, order and deduplication per message group. */
  fifo?: true;
  maxReceiveCount: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
}

const FOURTEEN_DAYS = 14 * 24 * 3600;
const FOUR_DAYS = 4 * 24 * 3600;

/**
 * A standard queue named `name`, with its DLQ `<name>-dlq`, read by a function that may run `consumerTimeoutSeconds`.
 * Four days hold a whole retry schedule with room for redrives; what is parked stays two weeks to be looked at.
 */
function standardQueue(
  name: string,
  consumerTimeoutSeconds: number,
  consumer: Pick<ConsumedQueueSettings, 'maxReceiveCount' | 'batchSize' | 'maxConcurrency'>,
): ConsumedQueueSettings {
  return {
    name,
    // Lambda's guidance: at least six times the consumer's timeout
    visibilityTimeoutSeconds: 6 * consumerTimeoutSeconds,
    retentionSeconds: FOUR_DAYS,
    dlq: { name: `${name}-dlq`, visibilityTimeoutSeconds: 30, retentionSeconds: FOURTEEN_DAYS },
    maxReceiveCount: consumer.maxReceiveCount,
    batchSize: consumer.batchSize,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: consumer.maxConcurrency,
  };
}

export const EVENTS_QUEUE = standardQueue('webhooks-events', FUNCTION_TIMEOUT_SECONDS.fanOut, {
  // fan-out errors are infrastructure errors (DynamoDB, SQS); poison messages never reach this count
  maxReceiveCount: 5,
  batchSize: 10,
  maxConcurrency: 10,
});

/**
 * The platform's own events (operational and test events): the same fan-out reads them, but only the platform's
 * roles may send here, so their origin is proven by the queue they came from (a record's eventSourceARN), which no
 * producer can forge. Poison from here goes to the events DLQ.
 */
export const PLATFORM_EVENTS_QUEUE: ConsumedQueueSettings = {
  ...EVENTS_QUEUE,
  name: 'webhooks-platform-events',
  // operational events come one per disable, exhaustion or recovery: a little concurrency is plenty
  maxConcurrency: 2,
};

export const DELIVERIES_QUEUE = standardQueue('webhooks-deliveries', FUNCTION_TIMEOUT_SECONDS.deliver, {
  // a safety net for crashes only: attempts are counted in the message body, and every wait is a fresh message
  // with a delay, so a receive count this high means the deliver function failed on it again and again
  maxReceiveCount: 10,
  batchSize: 10,
  maxConcurrency: 20,
});

/**
 * The slow lane: deliveries to webhooks whose endpoints answer slowly or hang, with a function of its own, so
 * their waits never hold the deliveries queue's concurrency. Exhausted deliveries go to the deliveries DLQ.
 */
export const SLOW_DELIVERIES_QUEUE: ConsumedQueueSettings = {
  ...DELIVERIES_QUEUE,
  name: 'webhooks-deliveries-slow',
};

/**
 * The ordered lane: deliveries to webhooks with `ordering: "fifo"`, one message group per webhook, in SQS's
 * high-throughput FIFO mode (throughput and deduplication per group). A group's head waits for its retry in
 * flight, so the group behind it waits and nothing else does. Its own DLQ (a FIFO queue's must be FIFO) only
 * catches crashes: exhausted deliveries go to the deliveries DLQ with their reason, like the other lanes'.
 */
export const ORDERED_DELIVERIES_QUEUE: ConsumedQueueSettings = {
  ...DELIVERIES_QUEUE,
  name: 'webhooks-deliveries-ordered.fifo',
  dlq: { name: 'webhooks-deliveries-ordered-dlq.fifo', visibilityTimeoutSeconds: 30, retentionSeconds: FOURTEEN_DAYS },
  fifo: true,
  // every wait of the ordered lane is a receive, and each receive of a waiting head also hands out the messages
  // behind it: the redrive policy must never cut a retry schedule short (orderedReceivesNeeded, checked at synth)
  maxReceiveCount: 1000,
  // as the fast lane's: a receive may hand out one webhook's messages alone, so each ordered webhook whose endpoint
  // turns slow holds a batch for the fast-lane timeout (3 s) once; this many at once leave room for the others
  // (issue 24's audit: twelve at once)
  maxConcurrency: 20,
};

/**
 * The slow ordered lane: the ordered lane forwards here, in order, the deliveries of an ordered webhook whose endpoint
 * answers slowly or hangs, so that its waits never hold the ordered lane's concurrency (or a batch another webhook's
 * group shares). It shares the ordered lane's DLQ, and its own function waits the whole send timeout.
 */
export const SLOW_ORDERED_DELIVERIES_QUEUE: ConsumedQueueSettings = {
  ...ORDERED_DELIVERIES_QUEUE,
  name: 'webhooks-deliveries-ordered-slow.fifo',
};

/**
 * Recovery jobs (`POST /v2/webhooks/{id}/recover`): each message is one page of a webhook's failed deliveries;
 * its handler queues the page and sends the job on with its next position, so no call runs long.
 */
export const RECOVERIES_QUEUE = standardQueue('webhooks-recoveries', FUNCTION_TIMEOUT_SECONDS.recover, {
  // a page that failed (throttling, an outage) is tried again; a job that keeps failing is parked
  maxReceiveCount: 5,
  batchSize: 1,
  // Lambda's least; recoveries are rare, and the deliveries they queue are spread by the deliver function anyway
  maxConcurrency: 2,
});

/**
 * Tenant erasures (`DELETE /admin/tenants/{tenantId}`, docs/design.md §16): each message is one run of bounded pages
 * of an erasure, which sends itself on until the tenant is gone. A queue and a function of their own, so an erasure
 * never holds a delivery lane.
 */
export const ERASURES_QUEUE = standardQueue('webhooks-erasures', FUNCTION_TIMEOUT_SECONDS.eraseTenant, {
  // a run that failed (throttling, an outage) resumes from what the table says is left; one that keeps failing is
  // parked
  maxReceiveCount: 5,
  batchSize: 1,
  // Lambda's least: erasures are rare, and their deletes must not crowd the table's throughput
  maxConcurrency: 2,
});

/**
 * The queues an API route may send to (`queues` in lambdas/api/routes.ts), with the environment variable that
 * carries each one's URL: lib/api.ts grants sqs:SendMessage on exactly those and sets these variables.
 */
export const ROUTE_QUEUE_URL_VARIABLES = {
  platformEvents: 'PLATFORM_EVENTS_QUEUE_URL',
  deliveries: 'DELIVERIES_QUEUE_URL',
  recoveries: 'RECOVERIES_QUEUE_URL',
  erasures: 'ERASURES_QUEUE_URL',
} as const;

export type RouteQueue = keyof typeof ROUTE_QUEUE_URL_VARIABLES;

/** API Gateway stage throttling. */
export const API_THROTTLING = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * Per-client limits in front of the API (AWS WAF rate-based rules, on unless context `wafEnabled` is false):
 * requests per evaluation window from one source IP, and with one `Authorization` header (one API key, or one
 * random token of a flood). A key is limited below an IP, since one IP (a NAT) may carry several clients.
 */
export const API_RATE_LIMITS = { evaluationWindowSeconds: 300, perIp: 6000, perAuthorization: 3000 } as const;

/**
 * The authorizer's reserved concurrency: a flood of bad keys (each one an invocation and a DynamoDB read)
 * is throttled at this many concurrent checks instead of taking the account's concurrency from the routes.
 */
export const AUTHORIZER_RESERVED_CONCURRENCY = 20;

/**
 * Custom metrics (Powertools Metrics, CloudWatch embedded metric format): the namespace every function
 * publishes in (POWERTOOLS_METRICS_NAMESPACE) and the default `service` dimension (POWERTOOLS_SERVICE_NAME).
 * lib/monitoring.ts alarms on them by these names.
 */
export const METRICS = {
  namespace: 'Webhooks',
  service: 'webhooks',
  /** Count, published by deliver each time a webhook's circuit breaker opens. */
  breakerOpened: 'BreakerOpened',
  /** Counts of attempts by outcome, and the latency of each attempt (ms). */
  delivered: 'DeliveriesDelivered',
  retried: 'DeliveriesRetried',
  failed: 'DeliveriesFailed',
  skipped: 'DeliveriesSkipped',
  attemptLatency: 'AttemptLatency',
  /** Deliveries sent to the DLQ, and deliveries postponed by an open breaker or waiting for their next hop. */
  deadLettered: 'DeadLettered',
  requeued: 'Requeued',
} as const;

/** How long API Gateway caches an authorizer decision: a revoked key stops working within this time. */
export const AUTHORIZER_CACHE_SECONDS = 60;
