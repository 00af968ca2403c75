import { parseArgs } from 'node:util';
import { PORTAL_TOKEN_TTL_SECONDS } from '../lambdas/core/access/api-keys';
import { DomainError } from '../lambdas/core/common/errors';
import { localConsoleUrl, portalLink } from './console-links';
import { apiKeyServiceFor, TABLE_TARGET_OPTIONS, TABLE_TARGET_USAGE } from './table-target';

const TTL = PORTAL_TOKEN_TTL_SECONDS;
const USAGE = `Usage:
  npm run portal-link -- --tenant <id> [--ttl <seconds>] [--console-url <url>]

Mints a short-lived portal token for one tenant and prints a console link that carries it (on the last line).
  --ttl <seconds>        how long the link works: ${TTL.min} to ${TTL.max} (24 h);
                         default ${TTL.default}
  --console-url <url>    the console to open (the stack's ConsoleUrl output); default: the local one
Revoke a link before it expires with: npm run api-key -- revoke --key <token>

${TABLE_TARGET_USAGE}`;

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    ttl: { type: 'string' },
    'console-url': { type: 'string' },
    ...TABLE_TARGET_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

if (values.help) fail('Portal links open the web console for one tenant, for a while.');
if (!values.tenant) fail('Which tenant? Pass --tenant <id>.');
if (values.table && !values.endpoint && !values['console-url'])
  fail("For a deployed stack pass --console-url <url> too (the stack's ConsoleUrl output).");
const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);

try {
  const { token, expiresAt } = await apiKeyServiceFor(values).createPortalToken(values.tenant, ttlSeconds);
  console.log(
    `Portal link for tenant "${values.tenant}", valid until ${expiresAt.toISOString()}. Anyone holding it can manage ` +
      `this tenant's webhooks until then:`,
  );
  console.log(portalLink(values['console-url'] ?? localConsoleUrl(), token));
} catch (error) {
  if (error instanceof DomainError) fail(error.message);
  console.error(
    `Could not reach the table: ${(error as Error).message}\n(Is 'npm start' running, or did you pass --table and ` +
      `--region for AWS?)`,
  );
  process.exit(1);
}
