import { describe, expect, it } from 'vitest';
import { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS, TABLE } from '../../lambdas/platform-settings';
import { keys } from '../../lambdas/adapters/table-keys';
import {
  actionsOf,
  queueIdsOf,
  resourceByPrefix,
  resourcesOfType,
  statementsOfFunction,
  synthesizeWebhooks,
  tableGrantsOf,
} from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { template } = synthesizeWebhooks();
const resources = template.toJSON().Resources;
const queues = queueIdsOf(template);
const [functionId] = resourceByPrefix(template, 'AWS::Lambda::Function', 'CertificateNoticesAnnounceCertificates');
const [tableId] = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'StorageTable');

describe('Construct: CertificateNotices (the daily certificate-expiry job)', {
  timeout: STEP_TIMEOUT_MS.synthesis,
}, () => {
  it('runs AnnounceCertificates once a day, from an EventBridge rule', () => {
    // Act
    const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) =>
      JSON.stringify(rule.Properties.Targets).includes(`"${functionId}"`),
    );

    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    expect(
      resourcesOfType(template, 'AWS::Lambda::Permission').filter(
        ([, permission]) =>
          JSON.stringify(permission.Properties.FunctionName).includes(`"${functionId}"`) &&
          permission.Properties.Principal === 'events.amazonaws.com',
      ),
    ).toHaveLength(1);
    expect(resources[functionId].Properties).toMatchObject({
      Timeout: FUNCTION_TIMEOUT_SECONDS.announceCertificates,
      MemorySize: FUNCTION_MEMORY_MB.announceCertificates,
    });
  });

  it("queries only the index's certificate notices partition and updates only webhooks, nothing else", () => {
    expect(tableGrantsOf(template, functionId, tableId)).toEqual([
      { actions: ['dynamodb:Query'], index: TABLE.eventsByTime.indexName, leadingKeys: [keys.certificateNotices] },
      { actions: ['dynamodb:UpdateItem'], index: undefined, leadingKeys: ['TENANT#*'] },
    ]);
  });

  it('sends only to the platform events queue, whose URL is all it knows of the queues', () => {
    // Act
    const sqsStatements = statementsOfFunction(template, functionId).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('sqs:')),
    );

    // Assess
    expect(sqsStatements.flatMap(actionsOf)).toEqual(['sqs:SendMessage']);
    expect(JSON.stringify(sqsStatements[0]!.Resource)).toContain(`"${queues.platformEvents}"`);
    expect(resources[functionId].Properties.Environment.Variables).toMatchObject({
      PLATFORM_EVENTS_QUEUE_URL: { Ref: queues.platformEvents },
    });
  });
});
