import { describe, expect, it } from 'vitest';
import { METRICS } from '../../lambdas/platform-settings';
import { resourceByPrefix, resourcesOfType, synthesizeWebhooks } from './synthesize';

const { template } = synthesizeWebhooks();
const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

describe('Construct: Monitoring', () => {
  it.each(['DeliveryEventsDlq', 'DeliveryDeliveriesDlq', 'RecoveryRecoveriesDlq'])('alarms as soon as %s holds a message', (prefix) => {
    // Prepare
    const [dlqId] = resourceByPrefix(template, 'AWS::SQS::Queue', prefix);

    // Act
    const alarm = alarms.find((candidate) => JSON.stringify(candidate.Dimensions).includes(`"${dlqId}"`));

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on any error of either deliver lane\'s function', () => {
    // Prepare
    const deliverIds = ['DeliveryDeliver', 'DeliveryDeliverSlowLane'].map((prefix) => resourceByPrefix(template, 'AWS::Lambda::Function', prefix)[0]);

    // Act
    const errorAlarms = alarms.filter((candidate) => candidate.MetricName === 'Errors');

    // Assess
    expect(errorAlarms).toHaveLength(2);
    expect(errorAlarms).toEqual(
      expect.arrayContaining(deliverIds.map((deliverId) =>
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: deliverId } }],
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      )),
    );
    // three DLQs, two functions, two queues' oldest message, breaker opens
    expect(alarms).toHaveLength(8);
  });

  it.each(['DeliveryDeliveriesQueue', 'DeliverySlowDeliveriesQueue'])('alarms when a delivery has waited over 30 minutes in %s, three periods running', (prefix) => {
    // Prepare
    const [queueId] = resourceByPrefix(template, 'AWS::SQS::Queue', prefix);

    // Act
    const alarm = alarms.find((candidate) => candidate.MetricName === 'ApproximateAgeOfOldestMessage' && JSON.stringify(candidate.Dimensions).includes(`"${queueId}"`));

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1800,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
    });
  });

  it('alarms when many circuit breakers open at once, on the metric deliver publishes', () => {
    // Prepare
    const metric = { Namespace: METRICS.namespace, MetricName: METRICS.breakerOpened, Dimensions: [{ Name: 'service', Value: 'webhooks' }] };

    // Act
    const alarm = alarms.find((candidate) => candidate.MetricName === METRICS.breakerOpened);

    // Assess
    expect(alarm).toMatchObject({ ...metric, Statistic: 'Sum', Period: 300, Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(METRICS).toMatchObject({ namespace: 'Webhooks', breakerOpened: 'BreakerOpened' });
  });

  it('draws one dashboard', () => {
    // Prepare
    const type = 'AWS::CloudWatch::Dashboard';

    // Act
    const dashboards = resourcesOfType(template, type);

    // Assess
    expect(dashboards).toHaveLength(1);
  });
});
