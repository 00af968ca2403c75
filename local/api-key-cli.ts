import { parseArgs } from 'node:util';
import { hashApiKey, type ApiKeyRecord } from '../lambdas/core/access/api-keys';
import { DomainError } from '../lambdas/core/common/errors';
import { apiKeyServiceFor, TABLE_TARGET_OPTIONS, TABLE_TARGET_USAGE } from './table-target';

const USAGE = `Usage:
  npm run api-key -- create --tenant <id> [--name <label>]   mint a key; it is printed once, on the last line
  npm run api-key -- list                                    list keys (hash, tenant, name, state)
  npm run api-key -- revoke --hash <sha256>                  revoke a key by the hash that list shows
  npm run api-key -- revoke --key <key>                      revoke a key you hold

Portal tokens (npm run portal-link) are listed too, and revoked the same way.

${TABLE_TARGET_USAGE}`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    hash: { type: 'string' },
    key: { type: 'string' },
    ...TABLE_TARGET_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function stateOf(record: ApiKeyRecord): string {
  if (record.revokedAt) return `revoked ${record.revokedAt}`;
  if (record.expiresAt !== undefined) {
    const expiry = new Date(record.expiresAt * 1000);
    return `${expiry.getTime() <= Date.now() ? 'expired' : 'expires'} ${expiry.toISOString()}`;
  }
  return 'active';
}

const [command] = positionals;
if (values.help || !command) fail('Tell me what to do.');
const apiKeys = apiKeyServiceFor(values);

try {
  if (command === 'create') {
    if (!values.tenant) fail('create needs --tenant <id>.');
    const { key, record } = await apiKeys.create(values.tenant, values.name ?? `key for ${values.tenant}`);
    console.log(`Created an API key for tenant "${record.tenantId}" (hash ${record.keyHash}). It is shown only once:`);
    console.log(key);
  } else if (command === 'list') {
    for (const record of await apiKeys.list()) {
      console.log(
        `${record.keyHash}  ${record.tenantId}  ${stateOf(record)}  created ${record.createdAt}  ${record.name}`,
      );
    }
  } else if (command === 'revoke') {
    const hash =
      values.hash ?? (values.key ? hashApiKey(values.key) : fail('revoke needs --hash <sha256> or --key <key>.'));
    if (!(await apiKeys.revoke(hash))) fail(`No API key has the hash ${hash}.`);
    console.log(`Revoked ${hash}. API Gateway may keep accepting it for up to its authorizer cache time.`);
  } else {
    fail(`Unknown command "${command}".`);
  }
} catch (error) {
  if (error instanceof DomainError) fail(error.message);
  const message = (error as Error).message;
  console.error(
    `Could not reach the table: ${message}\n(Is 'npm start' running, or did you pass --table and --region for AWS?)`,
  );
  process.exit(1);
}
