import { describe, expect, it } from 'vitest';
import { METRICS } from '../../lambdas/platform-settings';
import { resourceByPrefix, resourcesOfType, synthesizeWebhooks, synthesizeWithContext } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { template } = synthesizeWebhooks();
const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

describe('Construct: Monitoring, who the alarms wake', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('makes every alarm notify one SNS topic, named in the stack outputs, that refuses plain HTTP', () => {
    const [topicId] = resourceByPrefix(template, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: topicId });
    const [, policy] = resourcesOfType(template, 'AWS::SNS::TopicPolicy')[0]!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('aws:SecureTransport');
  });

  it('subscribes the address given as alarmEmail', () => {
    const withEmail = synthesizeWithContext({ alarmEmail: 'oncall@example.com' });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it("notifies the team's own topic given as alarmTopicArn, and creates none", () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:pager';
    const withTopic = synthesizeWithContext({ alarmTopicArn: arn });
    withTopic.resourceCountIs('AWS::SNS::Topic', 0);
    for (const [, alarm] of resourcesOfType(withTopic, 'AWS::CloudWatch::Alarm'))
      expect(alarm.Properties.AlarmActions).toEqual([arn]);
  });

  it('refuses an alarmEmail that is not an address, naming the setting', () => {
    expect(() => synthesizeWithContext({ alarmEmail: 'oncall' })).toThrow(/alarmEmail: must be an e-mail address/);
  });
});

describe('Construct: Monitoring', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it.each(['DeliveryEventsDlq', 'DeliveryDeliveriesDlq', 'DeliveryOrderedDeliveriesDlq', 'RecoveryRecoveriesDlq'])(
    'alarms as soon as %s holds a message',
    (prefix) => {
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
    },
  );

  it("alarms on any error of each deliver lane's function", () => {
    // Prepare
    const deliverIds = [
      'DeliveryDeliver',
      'DeliveryDeliverSlowLane',
      'DeliveryDeliverOrdered',
      'DeliveryDeliverOrderedSlowLane',
    ].map((prefix) => resourceByPrefix(template, 'AWS::Lambda::Function', prefix)[0]);

    // Act
    const errorAlarms = alarms.filter((candidate) => candidate.MetricName === 'Errors');

    // Assess
    expect(errorAlarms).toHaveLength(4);
    expect(errorAlarms).toEqual(
      expect.arrayContaining(
        deliverIds.map((deliverId) =>
          expect.objectContaining({
            Namespace: 'AWS/Lambda',
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: deliverId } }],
            Statistic: 'Sum',
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          }),
        ),
      ),
    );
    // five DLQs (the ordered lanes' and the erasures' too), four lanes' functions, two queues' oldest message, breaker
    // opens, table throttling
    expect(alarms).toHaveLength(13);
  });

  it.each(['DeliveryDeliveriesQueue', 'DeliverySlowDeliveriesQueue'])(
    'alarms when a delivery has waited over 30 minutes in %s, three periods running',
    (prefix) => {
      // Prepare
      const [queueId] = resourceByPrefix(template, 'AWS::SQS::Queue', prefix);

      // Act
      const alarm = alarms.find(
        (candidate) =>
          candidate.MetricName === 'ApproximateAgeOfOldestMessage' &&
          JSON.stringify(candidate.Dimensions).includes(`"${queueId}"`),
      );

      // Assess
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1800,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
      });
    },
  );

  it('alarms when many circuit breakers open at once, on the metric deliver publishes', () => {
    // Prepare
    const metric = {
      Namespace: METRICS.namespace,
      MetricName: METRICS.breakerOpened,
      Dimensions: [{ Name: 'service', Value: 'webhooks' }],
    };

    // Act
    const alarm = alarms.find((candidate) => candidate.MetricName === METRICS.breakerOpened);

    // Assess
    expect(alarm).toMatchObject({
      ...metric,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
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
