import { describe, expect, it, vi } from 'vitest';
import type { Template } from 'aws-cdk-lib/assertions';
import { actionsOf, resourcesOfType, statementsOfFunction, synthesizeWithContext } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

describe('Encryption at rest (context encryptionKey)', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  // the CLI sets these from the profile; a customer-managed key needs the Region
  vi.stubEnv('CDK_DEFAULT_REGION', 'eu-west-1');
  vi.stubEnv('CDK_DEFAULT_ACCOUNT', '123456789012');
  const withKey = synthesizeWithContext({ encryptionKey: 'create' });
  // the data key, not the SecretsKey that every deployment has for endpoint secrets (test/infra/secrets-key.test.ts)
  const dataKeys = (template: Template) =>
    resourcesOfType(template, 'AWS::KMS::Key').filter(([id]) => !id.startsWith('StorageSecretsKey'));
  const [[keyId, key]] = dataKeys(withKey) as [[string, any]];
  const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

  it('uses AWS-managed keys by default: no KMS key for data at rest, queues with SQS-managed encryption', () => {
    // Act
    const template = synthesizeWithContext({});

    // Assess
    expect(dataKeys(template)).toEqual([]);
    for (const [, queue] of resourcesOfType(template, 'AWS::SQS::Queue'))
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('creates one rotated, retained key that CloudWatch Logs of this account may use for its log groups only', () => {
    // Assess
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect((key as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    const logs = key.Properties.KeyPolicy.Statement.find((statement: any) =>
      JSON.stringify(statement.Principal).includes('logs.'),
    );
    expect(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBeDefined();
  });

  it('encrypts the table, every queue and every log group with it', () => {
    // Act
    const [[, table]] = resourcesOfType(withKey, 'AWS::DynamoDB::GlobalTable') as [[string, any]];
    const queues = resourcesOfType(withKey, 'AWS::SQS::Queue');
    const logGroups = resourcesOfType(withKey, 'AWS::Logs::LogGroup');

    // Assess
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.Replicas[0].SSESpecification.KMSMasterKeyId).toEqual(keyArn);
    expect(queues.map(([, queue]) => queue.Properties.KmsMasterKeyId)).toEqual(queues.map(() => keyArn));
    expect(logGroups.length).toBeGreaterThan(20);
    expect(logGroups.map(([, group]) => group.Properties.KmsKeyId)).toEqual(logGroups.map(() => keyArn));
  });

  it('lets each function bound to the table encrypt and decrypt with it, and the console function not', () => {
    // Act
    const functions = resourcesOfType(withKey, 'AWS::Lambda::Function');
    const usesKey = (id: string) =>
      statementsOfFunction(withKey, id).some(
        (statement) =>
          JSON.stringify(statement.Resource) === JSON.stringify(keyArn) &&
          actionsOf(statement).includes('kms:GenerateDataKey'),
      );

    // Assess
    const bound = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.TABLE_NAME);
    expect(bound.length).toBeGreaterThan(15);
    expect(bound.filter(([id]) => !usesKey(id)).map(([id]) => id)).toEqual([]);
    expect(functions.filter(([id]) => id.startsWith('ConsoleServe')).map(([id]) => usesKey(id))).toEqual([false]);
  });

  it('refuses a value that is neither a choice nor a KMS key ARN, and a key for a stack of no Region', () => {
    // Assess
    expect(() => synthesizeWithContext({ encryptionKey: 'alias/mine' })).toThrow(
      /encryptionKey: must be aws-managed, create, or a KMS key ARN/,
    );
    vi.stubEnv('CDK_DEFAULT_REGION', undefined);
    expect(() => synthesizeWithContext({ encryptionKey: 'create' })).toThrow(/encryptionKey: needs the stack's Region/);
  });
});
