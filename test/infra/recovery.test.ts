import { describe, expect, it } from 'vitest';
import { ROUTES, routeFunctions } from '../../lambdas/api/routes';
import {
  ERASURES_QUEUE,
  FUNCTION_TIMEOUT_SECONDS,
  RECOVERIES_QUEUE,
  ROUTE_QUEUE_URL_VARIABLES,
} from '../../lambdas/platform-settings';
import { TABLE_ACCESS } from '../../lambdas/table-access';
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
const [recoverId] = resourceByPrefix(template, 'AWS::Lambda::Function', 'RecoveryRecover');
const [eraseId] = resourceByPrefix(template, 'AWS::Lambda::Function', 'ErasureEraseTenant');
const [tableId] = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'StorageTable');

/** Every SQS action a function may take, as `action on queue`, whatever the statement's shape. */
function sqsGrants(functionId: string): string[] {
  return statementsOfFunction(template, functionId)
    .filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')))
    .flatMap((statement) => {
      const named = Object.entries(queues)
        .filter(([, id]) => JSON.stringify(statement.Resource).includes(`"${id}"`))
        .map(([name]) => name);
      return actionsOf(statement).flatMap((action) =>
        (named.length ? named : ['?']).map((queue) => `${action} on ${queue}`),
      );
    })
    .sort();
}

/** The function behind each route (the API's functions are named after their routes). */
const routeFunctionId = (name: string) => resourceByPrefix(template, 'AWS::Lambda::Function', `Api${name}`)[0];

describe('Construct: Recovery', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it("parks jobs that keep failing in the recoveries DLQ, with the settings' retention and visibility", () => {
    // Act
    const queue = resources[queues.recoveries].Properties;

    // Assess
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [queues.recoveriesDlq, 'Arn'] },
      maxReceiveCount: RECOVERIES_QUEUE.maxReceiveCount,
    });
    expect(queue).toMatchObject({
      VisibilityTimeout: RECOVERIES_QUEUE.visibilityTimeoutSeconds,
      MessageRetentionPeriod: RECOVERIES_QUEUE.retentionSeconds,
      SqsManagedSseEnabled: true,
    });
  });

  it('runs Recover on the recoveries queue, one job at a time, with partial batch failures', () => {
    // Act
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) => mapping.Properties.FunctionName.Ref === recoverId,
    );

    // Assess
    expect(mappings.map(([, mapping]) => mapping.Properties)).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [queues.recoveries, 'Arn'] },
        BatchSize: RECOVERIES_QUEUE.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: RECOVERIES_QUEUE.maxConcurrency },
      }),
    ]);
    expect(resources[recoverId].Properties.Timeout).toBe(FUNCTION_TIMEOUT_SECONDS.recover);
  });

  it('lets Recover read the webhook, query delivery logs and batch-read events, and nothing else of the table', () => {
    // Prepare
    const expected = TABLE_ACCESS.recover
      .map((grant) => ({
        actions: grant.actions.map((action) => `dynamodb:${action}`).sort(),
        index: undefined,
        leadingKeys: [...grant.leadingKeys].sort(),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    // Act
    const grants = tableGrantsOf(template, recoverId, tableId);

    // Assess
    expect(grants).toEqual(expected);
  });

  it(
    'lets Recover send to the deliveries queue, to its own (the continuation) and to its DLQ (poison), consume its ' +
      'own, and nothing more',
    () => {
      // Act
      const consuming = [
        'ReceiveMessage',
        'DeleteMessage',
        'ChangeMessageVisibility',
        'GetQueueAttributes',
        'GetQueueUrl',
      ];
      const consumesOwnQueue = new RegExp(`sqs:(${consuming.join('|')}) on recoveries`);
      const grants = sqsGrants(recoverId).filter((grant) => !consumesOwnQueue.test(grant));

      // Assess
      expect(grants).toEqual([
        'sqs:SendMessage on deliveries',
        'sqs:SendMessage on recoveries',
        'sqs:SendMessage on recoveriesDlq',
      ]);
      expect(resources[recoverId].Properties.Environment.Variables).toMatchObject({
        DELIVERIES_QUEUE_URL: { Ref: queues.deliveries },
        RECOVERIES_QUEUE_URL: { Ref: queues.recoveries },
        RECOVERIES_DLQ_URL: { Ref: queues.recoveriesDlq },
      });
    },
  );
});

// the other background job of the stack: a tenant's erasure (docs/design.md §16), on a queue and function of its own
describe('Construct: Erasure', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('runs EraseTenant on its own queue, one job at a time, with its DLQ and partial batch failures', () => {
    // Act
    const queue = resources[queues.erasures].Properties;
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) => mapping.Properties.FunctionName.Ref === eraseId,
    );

    // Assess
    expect(queue).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [queues.erasuresDlq, 'Arn'] },
        maxReceiveCount: ERASURES_QUEUE.maxReceiveCount,
      },
      VisibilityTimeout: ERASURES_QUEUE.visibilityTimeoutSeconds,
    });
    expect(mappings.map(([, mapping]) => mapping.Properties)).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [queues.erasures, 'Arn'] },
        BatchSize: ERASURES_QUEUE.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: ERASURES_QUEUE.maxConcurrency },
      }),
    ]);
    expect(resources[eraseId].Properties.Timeout).toBe(FUNCTION_TIMEOUT_SECONDS.eraseTenant);
  });

  it("holds exactly the worker's table access, and sends only to its own queue and DLQ", () => {
    // Prepare
    const expected = TABLE_ACCESS.eraseTenantWorker
      .map((grant) => ({
        actions: grant.actions.map((action) => `dynamodb:${action}`).sort(),
        index: 'index' in grant ? grant.index : undefined,
        leadingKeys: [...grant.leadingKeys].sort(),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const consumesOwnQueue =
      /sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility|GetQueueAttributes|GetQueueUrl) on erasures$/;

    // Act
    const grants = tableGrantsOf(template, eraseId, tableId);
    const sends = sqsGrants(eraseId).filter((grant) => !consumesOwnQueue.test(grant));

    // Assess
    expect(grants).toEqual(expected);
    expect(sends).toEqual(['sqs:SendMessage on erasures', 'sqs:SendMessage on erasuresDlq']);
  });
});

describe('Construct: Api, the queues routes send to', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it.each(routeFunctions())('$name may send only to the queues its routes declare, and knows only their URLs', (fn) => {
    // Prepare
    const declared = [...new Set(fn.routes.flatMap((route) => route.queues ?? []))];
    const functionId = routeFunctionId(fn.name);

    // Act
    const grants = sqsGrants(functionId);
    const variables = resources[functionId].Properties.Environment.Variables;

    // Assess
    expect(grants).toEqual(declared.map((queue) => `sqs:SendMessage on ${queue}`).sort());
    for (const [queue, variable] of Object.entries(ROUTE_QUEUE_URL_VARIABLES)) {
      expect(variables[variable]).toEqual(
        declared.includes(queue as never) ? { Ref: queues[queue as keyof typeof queues] } : undefined,
      );
    }
  });

  it('declares a queue on each write route of docs/design.md §6b', () => {
    // Act
    const sending = Object.fromEntries(
      ROUTES.filter((route) => route.queues).map((route) => [route.name, route.queues]),
    );

    // Assess
    expect(sending).toEqual({
      // endpoint verification's first challenge (docs/design.md §18)
      CreateWebhook: ['deliveries'],
      UpdateWebhook: ['deliveries'],
      VerifyWebhook: ['deliveries'],
      RetryDelivery: ['deliveries'],
      TestWebhook: ['platformEvents'],
      RecoverDeliveries: ['recoveries'],
      // the erasure job, run by Erasure/EraseTenant (docs/design.md §16)
      EraseTenant: ['erasures'],
    });
  });
});
