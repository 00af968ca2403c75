import { CfnOutput, Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../lambdas/platform-settings';
import type { Api } from './api';
import type { Delivery } from './delivery';
import type { Recovery } from './recovery';
import type { Erasure } from './erasure';

export interface MonitoringProps {
  api: Api;
  delivery: Delivery;
  recovery: Recovery;
  erasure: Erasure;
  table: ITableV2;
  /** Subscribes this address to a new alarm topic. */
  alarmEmail?: string;
  /** Notifies this existing topic instead of creating one. */
  alarmTopicArn?: string;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * A retry waits outside the queue's in-flight state, re-sent in hops of at most 15 minutes (docs/design.md §9), and a
 * received message is handled within the deliver function's visibility window: a visible delivery older than
 * this, for three periods in a row, means deliver is not keeping up or not running.
 */
const OLDEST_DELIVERY_AGE_SECONDS = 30 * 60;

/**
 * One webhook's breaker opening is its receiver's outage, the tenant's business (the webhook shows its health);
 * this many in five minutes looks like a failure on the platform's side (egress, DNS, a bad release).
 */
const BREAKER_OPENS_PER_FIVE_MINUTES = 10;

/** A few throttled requests are retried by the SDK unseen; this many in five minutes slows deliveries down. */
const TABLE_THROTTLES_PER_FIVE_MINUTES = 10;

const throttleMetric = (metricName: string, table: ITableV2) =>
  new Metric({
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensionsMap: { TableName: table.tableName },
    period: FIVE_MINUTES,
    statistic: Stats.SUM,
  });

/**
 * Alarms for what needs a human (docs/operations.md says what to do for each): a message in either DLQ is
 * an event that was not fanned out or a delivery that exhausted its attempts; an error of the deliver
 * function is a bug or an AWS failure (a subscriber's failure is a reported batch item, not an error); an old
 * delivery waiting means deliver is stuck or behind; many breakers opening at once means a platform-side failure.
 * Every alarm notifies one SNS topic (stack output `AlarmTopicArn`): a new one, which context `alarmEmail`
 * subscribes an address to, or the team's own (`alarmTopicArn`), already wired to its chat or pager.
 *
 * The dashboard answers "is it flowing?" on one screen: queue depth and age, DLQs, function errors, API.
 */
export class Monitoring extends Construct {
  public readonly alarms: Alarm[];
  public readonly alarmTopic: ITopic;
  public readonly dashboard: Dashboard;

  public constructor(
    scope: Construct,
    id: string,
    { api, delivery, recovery, erasure, table, alarmEmail, alarmTopicArn }: MonitoringProps,
  ) {
    super(scope, id);
    this.alarmTopic = alarmTopicArn
      ? Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn)
      : new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'Webhooks alarms' });
    if (alarmEmail && !alarmTopicArn) this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
    new CfnOutput(this, 'AlarmTopicArnOutput', {
      description: 'Where the alarms notify (subscribe your pager or chat here)',
      value: this.alarmTopic.topicArn,
    }).overrideLogicalId('AlarmTopicArn');

    const dlqs: [string, IQueue][] = [
      ['EventsDlq', delivery.eventsDlq],
      ['DeliveriesDlq', delivery.deliveriesDlq],
      // ordered deliveries the ordered functions kept failing on: each blocks nothing, but has no reason
      ['OrderedDeliveriesDlq', delivery.orderedDeliveriesDlq],
      // a recovery job whose pages kept failing: the subscriber's recover request did not finish
      ['RecoveriesDlq', recovery.dlq],
      // an erasure whose runs kept failing: the tenant is sealed (nothing is sent) but not yet gone
      ['ErasuresDlq', erasure.dlq],
    ];
    this.alarms = [
      ...dlqs.map(([name, dlq]) =>
        this.alarmAtLeastOne(
          `${name}NotEmpty`,
          `${name} holds messages: inspect and replay them (docs/operations.md)`,
          dlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: Stats.MAXIMUM }),
        ),
      ),
      ...[
        delivery.deliverFunction,
        delivery.deliverSlowLaneFunction,
        delivery.deliverOrderedFunction,
        delivery.deliverOrderedSlowLaneFunction,
      ].map((fn) =>
        this.alarmAtLeastOne(
          `${fn.node.id}Errors`,
          `The ${fn.node.id} function failed (not a subscriber failure): check its logs`,
          fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        ),
      ),
      ...(
        [
          ['DeliveriesWaiting', delivery.deliveriesQueue],
          ['SlowDeliveriesWaiting', delivery.slowDeliveriesQueue],
        ] as const
      ).map(
        ([id, queue]) =>
          new Alarm(this, id, {
            alarmDescription:
              `A delivery has waited over ${OLDEST_DELIVERY_AGE_SECONDS / 60} minutes in a deliveries ` +
              `queue (${queue.node.id}): is its deliver function running and keeping up? (docs/operations.md)`,
            metric: queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM }),
            threshold: OLDEST_DELIVERY_AGE_SECONDS,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
      new Alarm(this, 'TableThrottling', {
        alarmDescription:
          `DynamoDB throttled ${TABLE_THROTTLES_PER_FIVE_MINUTES} or more requests within 5 minutes: ` +
          `raise the provisioned bounds (billingMode provisioned) or look for a hot key (docs/operations.md)`,
        metric: new MathExpression({
          expression: 'reads + writes',
          usingMetrics: {
            reads: throttleMetric('ReadThrottleEvents', table),
            writes: throttleMetric('WriteThrottleEvents', table),
          },
          period: FIVE_MINUTES,
        }),
        threshold: TABLE_THROTTLES_PER_FIVE_MINUTES,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'BreakersOpening', {
        alarmDescription:
          `${BREAKER_OPENS_PER_FIVE_MINUTES} or more webhooks' circuit breakers opened within 5 ` +
          `minutes: check whether deliveries fail on the platform's side (egress, DNS, a release)`,
        metric: new Metric({
          namespace: METRICS.namespace,
          metricName: METRICS.breakerOpened,
          dimensionsMap: { service: METRICS.service },
          period: FIVE_MINUTES,
          statistic: Stats.SUM,
        }),
        threshold: BREAKER_OPENS_PER_FIVE_MINUTES,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // no opens published: nothing is wrong
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];

    for (const alarm of this.alarms) alarm.addAlarmAction(new SnsAction(this.alarmTopic));

    const queues = [delivery.eventsQueue, delivery.deliveriesQueue, delivery.slowDeliveriesQueue];
    const functions = [
      delivery.fanOutFunction,
      delivery.deliverFunction,
      delivery.deliverSlowLaneFunction,
      api.authorizerFunction,
      ...api.routeFunctions,
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 })],
        [
          graph(
            'Messages waiting',
            queues.map((queue) => queue.metricApproximateNumberOfMessagesVisible()),
          ),
          graph(
            'Age of oldest message (s)',
            queues.map((queue) => queue.metricApproximateAgeOfOldestMessage()),
          ),
          graph(
            'Messages in DLQs',
            dlqs.map(([, dlq]) => dlq.metricApproximateNumberOfMessagesVisible()),
          ),
        ],
        [
          graph(
            'Function errors',
            functions.map((fn) => fn.metricErrors({ label: fn.node.id })),
          ),
          graph(
            'Function duration p99 (ms)',
            functions.map((fn) => fn.metricDuration({ label: fn.node.id, statistic: Stats.p(99) })),
          ),
          graph('API 4xx / 5xx', [api.restApi.metricClientError(), api.restApi.metricServerError()]),
        ],
      ],
    });
  }

  private alarmAtLeastOne(id: string, description: string, metric: IMetric): Alarm {
    return new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // no data means an empty queue or an idle function: nothing is wrong
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 8 });
}
