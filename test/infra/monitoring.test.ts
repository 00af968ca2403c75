import { describe, expect, it } from 'vitest';
import { resourceByPrefix, resourcesOfType, synthesizeWebhooks } from './synthesize';

const { template } = synthesizeWebhooks();
const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

describe('Construct: Monitoring', () => {
  it.each(['DeliveryEventsDlq', 'DeliveryDeliveriesDlq'])('alarms as soon as %s holds a message', (prefix) => {
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

  it('alarms on any error of the deliver function', () => {
    // Prepare
    const [deliverId] = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryDeliver');

    // Act
    const alarm = alarms.find((candidate) => candidate.MetricName === 'Errors');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: deliverId } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarms).toHaveLength(3);
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
