import { describe, expect, it } from 'vitest';
import { resourceByPrefix, resourcesOfType, synthesizeWebhooks } from './synthesize';

const { template } = synthesizeWebhooks();
const [keyId, key] = resourceByPrefix(template, 'AWS::KMS::Key', 'StorageSecretsKey');
const policies = resourcesOfType(template, 'AWS::IAM::Policy');

const WEBHOOK_KEYS = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'webhookId'] },
  Null: { 'kms:EncryptionContext:tenantId': 'false', 'kms:EncryptionContext:webhookId': 'false' },
};
const TENANT_KEYS = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'purpose'] },
  Null: { 'kms:EncryptionContext:tenantId': 'false', 'kms:EncryptionContext:purpose': 'false' },
  StringEquals: { 'kms:EncryptionContext:purpose': 'signing-secrets' },
};

/**
 * The KMS actions each role's policies allow on the SecretsKey, by role logical id: on webhooks' data keys (endpoint
 * secrets, ed25519 keys) and on tenants' signing-secret data keys. Every statement is bound to one of the two contexts.
 */
function secretsKeyActionsByRole(): Record<string, { webhookKeys: string[]; tenantKeys: string[] }> {
  const byRole: Record<string, { webhookKeys: string[]; tenantKeys: string[] }> = {};
  for (const [, policy] of policies) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      if (JSON.stringify(statement.Resource) !== JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] })) continue;
      const kind = JSON.stringify(statement.Condition) === JSON.stringify(TENANT_KEYS) ? 'tenantKeys' : 'webhookKeys';
      if (kind === 'webhookKeys') expect(statement.Condition).toEqual(WEBHOOK_KEYS);
      for (const role of policy.Properties.Roles) {
        byRole[role.Ref] ??= { webhookKeys: [], tenantKeys: [] };
        byRole[role.Ref]![kind].push(...[statement.Action].flat());
      }
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
      // the API seals (a webhook's data key is new each time; the tenant's is made once, then opened to seal under);
      // the deliver lanes open, and seal the OAuth2 tokens they cache under the webhook's key
      expect(byRole[role]).toEqual(
        role.startsWith('Api')
          ? { webhookKeys: ['kms:GenerateDataKey'], tenantKeys: ['kms:GenerateDataKey', 'kms:Decrypt'] }
          : { webhookKeys: ['kms:GenerateDataKey', 'kms:Decrypt'], tenantKeys: ['kms:Decrypt'] },
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
