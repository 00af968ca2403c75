import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeFunctions } from '../../lambdas/api/routes';
import { ESM_REQUIRE_BANNER } from '../../lib/function-code';
import { FUNCTION_MEMORY_MB } from '../../lambdas/platform-settings';
import { resourcesOfType, synthesizeWebhooks } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { template, outdir } = synthesizeWebhooks();
const functions = resourcesOfType(template, 'AWS::Lambda::Function');
const resources = template.toJSON().Resources;

/** The bundle cdk synth staged for a function (the asset directory is named after the S3 key's hash). */
function bundleOf(fn: (typeof functions)[number][1]): string {
  const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
  return join(outdir, `asset.${hash}`);
}

describe('Construct: WebhooksFunction', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it(
    'is every function of the stack: one per route (the erasure routes share one), the authorizer, fan-out, ' +
      'deliver (four lanes), recover, the daily certificate job, the erasure worker and the console',
    () => {
      // Prepare
      const expected = routeFunctions().length + 10;

      // Act
      const count = functions.length;

      // Assess
      expect(count).toBe(expected);
    },
  );

  it.each(functions)('runs %s on Node.js 24, arm64, traced, with the memory its kind measured best at', (id, fn) => {
    // Prepare: the sizes of lambdas/platform-settings.ts, by kind
    const kind = id.startsWith('ConsoleServe')
      ? 'console'
      : id.startsWith('Api')
        ? 'api'
        : id.startsWith('DeliveryFanOut')
          ? 'fanOut'
          : id.startsWith('DeliveryDeliver')
            ? 'deliver'
            : id.startsWith('CertificateNotices')
              ? 'announceCertificates'
              : 'recover';
    const expected = {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: FUNCTION_MEMORY_MB[kind],
      Handler: 'index.handler',
    };

    // Act
    const properties = fn.Properties;

    // Assess
    expect(properties).toMatchObject(expected);
    expect(properties.Environment.Variables).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'webhooks',
      POWERTOOLS_METRICS_NAMESPACE: 'Webhooks',
    });
  });

  it.each(functions)('logs %s to its own log group, kept for the configured days', (_, fn) => {
    // Prepare
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;

    // Act
    const logGroup = resources[logGroupId];

    // Assess
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    expect(functions.filter(([, other]) => other.Properties.LoggingConfig.LogGroup.Ref === logGroupId)).toHaveLength(1);
  });

  it.each(functions)('bundles %s locally as minified ESM, with the AWS SDK inside and a source map', (_, fn) => {
    // Prepare
    const directory = bundleOf(fn);
    // a module left outside the bundle is loaded by a static import or a require() of its name
    const external = /(?:from\s*|import\(\s*|require\(\s*)["'](@aws-sdk\/(?:client|lib)-[^"']+|@smithy\/[^"']+)["']/g;

    // Act
    const code = readFileSync(join(directory, 'index.mjs'), 'utf8');

    // Assess
    expect(code.slice(0, ESM_REQUIRE_BANNER.length)).toBe(ESM_REQUIRE_BANNER);
    // a function given the table has the DynamoDB client's protocol target in the bundle itself
    expect(code.includes('DynamoDB_20120810')).toBe(fn.Properties.Environment.Variables.TABLE_NAME !== undefined);
    expect([...code.matchAll(external)].map((match) => match[1])).toEqual([]);
    // minified: long lines (template literals keep some newlines, so not a single one); a tiny bundle has few
    expect(code.length / code.split('\n').length).toBeGreaterThan(Math.min(1000, code.length / 20));
    expect(existsSync(join(directory, 'index.mjs.map'))).toBe(true);
  });
});
