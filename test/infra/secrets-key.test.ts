import { describe, expect, it } from 'vitest';
import { resourceByPrefix, resourcesOfType, synthesizeWebhooks } from './synthesize';

const { template } = synthesizeWebhooks();
const [keyId, key] = resourceByPrefix(template, 'AWS::KMS::Key', 'StorageSecretsKey');
const policies = resourcesOfType(template, 'AWS::IAM::Policy');

/** The KMS actions each role's policies allow on the SecretsKey, by role logical id. */
function secretsKeyActionsByRole(): Record<string, string[]> {
  const byRole: Record<string, string[]> = {};
  for (const [, policy] of policies) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      if (JSON.stringify(statement.Resource) !== JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] })) continue;
      for (const role of policy.Properties.Roles) byRole[role.Ref] = [statement.Action].flat();
      expect(statement.Condition).toEqual({
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'webhookId'] },
        Null: { 'kms:EncryptionContext:tenantId': 'false', 'kms:EncryptionContext:webhookId': 'false' },
      });
    }
  }
  return byRole;
}

describe('SecretsKey (endpoint secrets sealed in the table)', () => {
  it('is a key of the stack, rotated yearly and kept when the stack goes', () => {
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(template.toJSON().Resources[keyId].DeletionPolicy).toBe('Retain');
  });

  it('only the functions that seal or open secrets may use it, with only the actions they need', () => {
    const byRole = secretsKeyActionsByRole();
    const roles = Object.keys(byRole).sort();
    expect(roles.map((role) => role.replace(/ServiceRole[0-9A-F]{8}$/, '')).sort()).toEqual([
      'ApiCreateWebhook',
      'ApiRotateWebhookSecret',
      'ApiUpdateWebhook',
      'DeliveryDeliver',
      'DeliveryDeliverOrdered',
      'DeliveryDeliverOrderedSlowLane',
      'DeliveryDeliverSlowLane',
    ]);
    for (const role of roles) {
      expect(byRole[role]).toEqual(
        role.startsWith('Api') ? ['kms:GenerateDataKey'] : ['kms:GenerateDataKey', 'kms:Decrypt'],
      );
    }
  });

  it('names the key only to the functions allowed to use it', () => {
    const named = resourcesOfType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.SECRETS_KEY_ARN)
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
      .sort();
    expect(named).toEqual([
      'ApiCreateWebhook',
      'ApiRotateWebhookSecret',
      'ApiUpdateWebhook',
      'DeliveryDeliver',
      'DeliveryDeliverOrdered',
      'DeliveryDeliverOrderedSlowLane',
      'DeliveryDeliverSlowLane',
    ]);
  });
});
