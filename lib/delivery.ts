import { SECRETS_ACCESS } from '../lambdas/secrets-access';
import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { scheduleRefusal } from '../lambdas/core/delivery/retry-schedule';
import {
  DELIVERIES_QUEUE,
  EVENTS_QUEUE,
  PLATFORM_EVENTS_QUEUE,
  ORDERED_DELIVERIES_QUEUE,
  SLOW_ORDERED_DELIVERIES_QUEUE,
  FUNCTION_TIMEOUT_SECONDS,
  SLOW_DELIVERIES_QUEUE,
  FUNCTION_MEMORY_MB,
} from '../lambdas/platform-settings';
import { TABLE_ACCESS, type TableAccess } from '../lambdas/table-access';
import { consume, queueSharingDlq, queueWithDlq } from './queues';
import type { FunctionEntry } from './function-code';
import type { StaticEgress } from './static-egress';
import { settingsEnvironment, sharedEnvironment, type WebhooksConfig } from './stack-config';
import { WebhooksFunction } from './webhooks-function';

export interface DeliveryProps {
  table: ITableV2;
  config: WebhooksConfig;
  /** The stack's customer-managed key (context encryptionKey): the queues and log groups use it. */
  dataKey?: IKey;
  /** Seals endpoint secrets: the deliver lanes open a webhook's and seal the OAuth2 tokens they cache. */
  secretsKey: IKey;
  /** Where the deliver lanes run when deliveries must leave from fixed addresses (context staticEgress). */
  egress?: StaticEgress;
}

/**
 * The delivery pipeline of docs/design.md §2 and §9: producers' events queue → fan-out → deliveries queue (one
 * message per event and webhook, so each delivery has its own retry clock) → deliver → subscriber.
 *
 * Each queue has its own DLQ. A failed delivery waits for its next attempt as a new message with a delay (the
 * attempt number in its body), so nothing waits in flight; the deliver function parks what is exhausted in the
 * deliveries DLQ with its reason, and the queues' `maxReceiveCount` only catches messages a function keeps
 * failing on. Queue settings come from lambdas/platform-settings.ts, which the local runtime reads too; on AWS
 * CloudFormation names the queues.
 */
export class Delivery extends Construct {
  /** Where producers send events (docs/design.md §7); use {@link grantPublish} to let one do so. */
  public readonly eventsQueue: Queue;
  public readonly eventsDlq: Queue;
  /** The platform's own events (docs/design.md §6e): only the platform's functions may send here. */
  public readonly platformEventsQueue: Queue;
  public readonly deliveriesQueue: Queue;
  public readonly deliveriesDlq: Queue;
  /** The slow lane (docs/design.md §9, Isolation): deliveries to endpoints that answer slowly or hang. */
  public readonly slowDeliveriesQueue: Queue;
  /** The ordered lane (FIFO, a message group per webhook): deliveries to webhooks with `ordering: "fifo"`. */
  public readonly orderedDeliveriesQueue: Queue;
  /**
   * The slow ordered lane (docs/design.md §9, Isolation): the ordered lane forwards here, in order, the deliveries of
   * ordered webhooks whose endpoints answer slowly or hang.
   */
  public readonly slowOrderedDeliveriesQueue: Queue;
  /** Only what the ordered functions kept failing on (exhausted deliveries go to the deliveries DLQ). */
  public readonly orderedDeliveriesDlq: Queue;
  public readonly deliverOrderedFunction: WebhooksFunction;
  public readonly deliverOrderedSlowLaneFunction: WebhooksFunction;
  public readonly fanOutFunction: WebhooksFunction;
  public readonly deliverFunction: WebhooksFunction;
  public readonly deliverSlowLaneFunction: WebhooksFunction;

  private readonly dataKey?: IKey;
  private readonly secretsKey: IKey;
  private readonly egress?: StaticEgress;

  public constructor(scope: Construct, id: string, { table, config, dataKey, secretsKey, egress }: DeliveryProps) {
    super(scope, id);
    assertScheduleFits(config.retryScheduleSeconds, config.eventRetentionDays);

    this.dataKey = dataKey;
    this.secretsKey = secretsKey;
    this.egress = egress;
    const events = queueWithDlq(this, 'Events', EVENTS_QUEUE, dataKey);
    const deliveries = queueWithDlq(this, 'Deliveries', DELIVERIES_QUEUE, dataKey);
    this.eventsQueue = events.queue;
    this.eventsDlq = events.dlq;
    this.platformEventsQueue = queueSharingDlq(this, 'PlatformEvents', PLATFORM_EVENTS_QUEUE, events.dlq, dataKey);
    this.deliveriesQueue = deliveries.queue;
    this.deliveriesDlq = deliveries.dlq;
    this.slowDeliveriesQueue = queueSharingDlq(this, 'SlowDeliveries', SLOW_DELIVERIES_QUEUE, deliveries.dlq, dataKey);
    const ordered = queueWithDlq(this, 'OrderedDeliveries', ORDERED_DELIVERIES_QUEUE, dataKey);
    this.orderedDeliveriesQueue = ordered.queue;
    this.orderedDeliveriesDlq = ordered.dlq;
    this.slowOrderedDeliveriesQueue = queueSharingDlq(
      this,
      'SlowOrderedDeliveries',
      SLOW_ORDERED_DELIVERIES_QUEUE,
      ordered.dlq,
      dataKey,
    );

    const environment = {
      ...sharedEnvironment(config),
      ...settingsEnvironment(config, ['retryScheduleSeconds']),
      DELIVERIES_QUEUE_URL: this.deliveriesQueue.queueUrl,
      ORDERED_DELIVERIES_QUEUE_URL: this.orderedDeliveriesQueue.queueUrl,
    };

    // reads the tenant's webhooks, records the event, queues one delivery per match, parks poison messages
    this.fanOutFunction = new WebhooksFunction(this, 'FanOut', {
      entry: 'events/fan-out',
      description: 'Fans each event out to the matching webhooks of its tenant',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.fanOut),
      memorySize: FUNCTION_MEMORY_MB.fanOut,
      logGroupRetention: config.logRetention,
      dataKey,
      environment: {
        ...environment,
        EVENTS_DLQ_URL: this.eventsDlq.queueUrl,
        PLATFORM_EVENTS_QUEUE_ARN: this.platformEventsQueue.queueArn,
      },
    });
    this.fanOutFunction.bindTable(table, TABLE_ACCESS.fanOut);
    this.deliveriesQueue.grant(this.fanOutFunction, 'sqs:SendMessage');
    this.orderedDeliveriesQueue.grant(this.fanOutFunction, 'sqs:SendMessage');
    this.eventsDlq.grant(this.fanOutFunction, 'sqs:SendMessage');
    consume(this.fanOutFunction, this.eventsQueue, EVENTS_QUEUE, FUNCTION_TIMEOUT_SECONDS.fanOut);
    consume(this.fanOutFunction, this.platformEventsQueue, PLATFORM_EVENTS_QUEUE, FUNCTION_TIMEOUT_SECONDS.fanOut);

    const deliverEnvironment = {
      ...environment,
      ...settingsEnvironment(config, [
        'breakerFailureThreshold',
        'breakerProbeInitialSeconds',
        'breakerProbeMaxSeconds',
        'connectTimeoutSeconds',
        'sendTimeoutSeconds',
        'fastLaneSendTimeoutSeconds',
        'slowLaneHoldSeconds',
        'verificationOrigin',
        'verificationRetrySeconds',
      ]),
      SLOW_DELIVERIES_QUEUE_URL: this.slowDeliveriesQueue.queueUrl,
      SLOW_ORDERED_DELIVERIES_QUEUE_URL: this.slowOrderedDeliveriesQueue.queueUrl,
      DELIVERIES_DLQ_URL: this.deliveriesDlq.queueUrl,
      // operational events (docs/design.md §6e) go through fan-out from the platform's own queue
      PLATFORM_EVENTS_QUEUE_URL: this.platformEventsQueue.queueUrl,
    };
    // the fast lane sends one delivery per record, records the attempt, schedules the retry; the slow lane does
    // the same for webhooks whose endpoints are slow, waiting the whole send timeout
    const lane = { environment: deliverEnvironment, table, config };
    // the fast and slow lanes re-send their waits to either lane
    const resendsTo = [this.deliveriesQueue, this.slowDeliveriesQueue];
    this.deliverFunction = this.deliverLane(
      'Deliver',
      'events/deliver',
      'Signs and sends deliveries; schedules their retries',
      lane,
      TABLE_ACCESS.deliver,
      resendsTo,
    );
    this.deliverSlowLaneFunction = this.deliverLane(
      'DeliverSlowLane',
      'events/deliver-slow-lane',
      'Signs and sends the deliveries of webhooks whose endpoints answer slowly or hang',
      lane,
      TABLE_ACCESS.deliver,
      resendsTo,
    );
    // the ordered lanes' waits stay in flight (the event source grants each the visibility change of its own
    // messages); the ordered lane forwards a slow webhook's deliveries to the slow ordered lane, which sends nowhere
    this.deliverOrderedFunction = this.deliverLane(
      'DeliverOrdered',
      'events/deliver-ordered',
      'Signs and sends the deliveries of ordered webhooks, each webhook in order',
      lane,
      TABLE_ACCESS.deliverOrdered,
      [this.slowOrderedDeliveriesQueue],
    );
    this.deliverOrderedSlowLaneFunction = this.deliverLane(
      'DeliverOrderedSlowLane',
      'events/deliver-ordered-slow-lane',
      'Signs and sends, in order, the deliveries of ordered webhooks whose endpoints answer slowly or hang',
      lane,
      TABLE_ACCESS.deliverOrdered,
      [],
    );
    consume(this.deliverFunction, this.deliveriesQueue, DELIVERIES_QUEUE, FUNCTION_TIMEOUT_SECONDS.deliver);
    consume(
      this.deliverOrderedFunction,
      this.orderedDeliveriesQueue,
      ORDERED_DELIVERIES_QUEUE,
      FUNCTION_TIMEOUT_SECONDS.deliver,
    );
    consume(
      this.deliverOrderedSlowLaneFunction,
      this.slowOrderedDeliveriesQueue,
      SLOW_ORDERED_DELIVERIES_QUEUE,
      FUNCTION_TIMEOUT_SECONDS.deliver,
    );
    consume(
      this.deliverSlowLaneFunction,
      this.slowDeliveriesQueue,
      SLOW_DELIVERIES_QUEUE,
      FUNCTION_TIMEOUT_SECONDS.deliver,
    );

    this.output('EventsQueueUrl', 'Producers send events here (SQS SendMessage)', this.eventsQueue.queueUrl);
    this.output('EventsQueueArn', "For producers' IAM policies", this.eventsQueue.queueArn);
    this.output('EventsDlqUrl', 'Events that could not be fanned out', this.eventsDlq.queueUrl);
    this.output(
      'DeliveriesDlqUrl',
      'Deliveries that exhausted their attempts; replay from here',
      this.deliveriesDlq.queueUrl,
    );
    this.output(
      'OrderedDeliveriesDlqUrl',
      'Ordered deliveries the ordered functions kept failing on (no reason attached); ' +
        'replay with npm run redrive -- --queue ordered',
      this.orderedDeliveriesDlq.queueUrl,
    );
    this.output(
      'DeliveriesQueueUrl',
      'Where replayed deliveries go (npm run redrive -- --to)',
      this.deliveriesQueue.queueUrl,
    );
  }

  /** A deliver function: it parks what is exhausted, publishes operational events, and re-sends to `resendsTo`. */
  private deliverLane(
    id: string,
    entry: FunctionEntry,
    description: string,
    { environment, table, config }: { environment: Record<string, string>; table: ITableV2; config: WebhooksConfig },
    access: TableAccess,
    resendsTo: Queue[],
  ) {
    const fn = new WebhooksFunction(this, id, {
      entry,
      description,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.deliver),
      memorySize: FUNCTION_MEMORY_MB.deliver,
      logGroupRetention: config.logRetention,
      dataKey: this.dataKey,
      environment,
      ...(this.egress
        ? { vpc: this.egress.vpc, vpcSubnets: this.egress.subnets, securityGroups: [this.egress.securityGroup] }
        : {}),
    });
    this.egress?.acknowledgeVpcAccess(fn);
    fn.bindTable(table, access);
    fn.bindSecretsKey(this.secretsKey, SECRETS_ACCESS.deliver);
    for (const queue of [...resendsTo, this.deliveriesDlq, this.platformEventsQueue])
      queue.grant(fn, 'sqs:SendMessage');
    return fn;
  }

  /**
   * Lets a producer (a role or function, possibly in another stack) send events to the events queue.
   * Grants only sending (and reading the queue's URL and attributes), never receiving.
   */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.eventsQueue.grantSendMessages(grantee);
  }

  private output(id: string, description: string, value: string): void {
    new CfnOutput(this, `${id}Output`, { description, value }).overrideLogicalId(id);
  }
}

/**
 * A delivery's last attempt must come while its event and record are kept (its retry, recovery and log read them),
 * and the ordered lane's redrive policy must never move a delivery still within its schedule. A tenant's own
 * schedule is checked by the same rule when it is set (core/tenants.ts).
 */
function assertScheduleFits(scheduleSeconds: number[], retentionDays: number): void {
  const refusal = scheduleRefusal(scheduleSeconds, {
    retentionDays,
    orderedMaxReceiveCount: ORDERED_DELIVERIES_QUEUE.maxReceiveCount,
  });
  if (refusal) throw new Error(`retryScheduleSeconds: ${refusal}`);
}
