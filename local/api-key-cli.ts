import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyRepository } from '../lambdas/adapters/api-key-repository';
import { hashApiKey } from '../lambdas/core/api-keys';
import { ApiKeyService } from '../lambdas/core/api-key-service';
import { DomainError } from '../lambdas/core/errors';
import { localClientConfig } from './platform';
import { LOCAL_PORTS, LOCAL_TABLE_NAME } from './local-settings';

const USAGE = `Usage:
  npm run api-key -- create --tenant <id> [--name <label>]   mint a key; it is printed once, on the last line
  npm run api-key -- list                                    list keys (hash, tenant, name, state)
  npm run api-key -- revoke --hash <sha256>                  revoke a key by the hash that list shows
  npm run api-key -- revoke --key <key>                      revoke a key you hold

Target: the local stack of 'npm start' by default. For a deployed stack pass --table <name> (the stack's
TableName output) and --region <region>; credentials come from the usual AWS environment or profile.
  --endpoint <url>   a DynamoDB endpoint of your own (e.g. another DynamoDB Local)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    hash: { type: 'string' },
    key: { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function client(): DynamoDBClient {
  if (values.endpoint) return new DynamoDBClient(localClientConfig(values.endpoint));
  if (values.table) return new DynamoDBClient(values.region ? { region: values.region } : {});
  return new DynamoDBClient(localClientConfig(`http://127.0.0.1:${LOCAL_PORTS.dynamo}`));
}

const [command] = positionals;
if (values.help || !command) fail('Tell me what to do.');
const apiKeys = new ApiKeyService(
  new DynamoApiKeyRepository(DynamoDBDocumentClient.from(client()), values.table ?? LOCAL_TABLE_NAME),
);

try {
  if (command === 'create') {
    if (!values.tenant) fail('create needs --tenant <id>.');
    const { key, record } = await apiKeys.create(values.tenant, values.name ?? `key for ${values.tenant}`);
    console.log(`Created an API key for tenant "${record.tenantId}" (hash ${record.keyHash}). It is shown only once:`);
    console.log(key);
  } else if (command === 'list') {
    for (const record of await apiKeys.list()) {
      const state = record.revokedAt ? `revoked ${record.revokedAt}` : 'active';
      console.log(`${record.keyHash}  ${record.tenantId}  ${state}  created ${record.createdAt}  ${record.name}`);
    }
  } else if (command === 'revoke') {
    const hash = values.hash ?? (values.key ? hashApiKey(values.key) : fail('revoke needs --hash <sha256> or --key <key>.'));
    if (!(await apiKeys.revoke(hash))) fail(`No API key has the hash ${hash}.`);
    console.log(`Revoked ${hash}. API Gateway may keep accepting it for up to its authorizer cache time.`);
  } else {
    fail(`Unknown command "${command}".`);
  }
} catch (error) {
  if (error instanceof DomainError) fail(error.message);
  const message = (error as Error).message;
  console.error(`Could not reach the table: ${message}\n(Is 'npm start' running, or did you pass --table and --region for AWS?)`);
  process.exit(1);
}
