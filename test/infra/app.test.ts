import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentName, loadConfig } from '../../lambdas/adapters/config';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, SETTING_DEFAULTS } from '../../lambdas/platform-settings';
import { CONTEXT_DEFAULTS, readConfig } from '../../lib/stack-config';
import { CDK_JSON, PROJECT_ROOT } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

describe('App: cdk.json and context', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('runs bin/webhooks.ts with tsx, quietly: no notices, no telemetry', () => {
    // Prepare
    const expected = { app: 'npx tsx bin/webhooks.ts', notices: false };

    // Act
    const { app, notices, context } = CDK_JSON;

    // Assess
    expect({ app, notices }).toEqual(expected);
    expect(context['cli-telemetry']).toBe(false);
  });

  it('spells out the same defaults as the code, retry schedule included', () => {
    // Prepare
    const keys = Object.keys(CONTEXT_DEFAULTS);

    // Act
    const fromCdkJson = Object.fromEntries(keys.map((key) => [key, CDK_JSON.context[key]]));

    // Assess
    expect(fromCdkJson).toEqual(CONTEXT_DEFAULTS);
    expect(fromCdkJson.retryScheduleSeconds).toEqual(DEFAULT_RETRY_SCHEDULE_SECONDS);
  });

  it('reads overrides given on the command line, where every value is a string', () => {
    // Prepare
    const app = new App({
      context: {
        allowHttpUrls: 'true',
        maxWebhooksPerTenant: '50',
        retryScheduleSeconds: '1,2,3',
        logRetentionDays: '90',
      },
    });

    // Act
    const config = readConfig(app);

    // Assess
    expect(config).toMatchObject({
      allowHttpUrls: true,
      maxWebhooksPerTenant: 50,
      retryScheduleSeconds: [1, 2, 3],
      logRetention: RetentionDays.THREE_MONTHS,
    });
  });

  it('reads the settings the functions use from context too: retention, auto-disable, breaker, WAF', () => {
    // Prepare
    const app = new App({
      context: {
        eventRetentionDays: '7',
        autoDisableAfterSeconds: '86400',
        breakerFailureThreshold: 3,
        breakerProbeInitialSeconds: '10',
        breakerProbeMaxSeconds: '600',
        wafEnabled: 'false',
      },
    });

    // Act
    const config = readConfig(app);

    // Assess
    expect(config).toMatchObject({
      eventRetentionDays: 7,
      autoDisableAfterSeconds: 86_400,
      breakerFailureThreshold: 3,
      breakerProbeInitialSeconds: 10,
      breakerProbeMaxSeconds: 600,
      wafEnabled: false,
    });
  });

  it('takes every default from the one defaults module the functions fall back to', () => {
    // Prepare
    const fromFunctions = loadConfig({ TABLE_NAME: 'table' });

    // Act
    const config = readConfig(new App());

    // Assess
    for (const name of Object.keys(SETTING_DEFAULTS) as (keyof typeof SETTING_DEFAULTS)[]) {
      expect(config[name]).toEqual(SETTING_DEFAULTS[name]);
      expect(fromFunctions[environmentName(name)]).toEqual(SETTING_DEFAULTS[name]);
    }
  });

  it.each([
    ['logRetentionDays', 31],
    ['eventRetentionDays', 0],
    ['breakerFailureThreshold', 2.5],
    ['sendTimeoutSeconds', 60],
    ['wafEnabled', 'maybe'],
    ['retryScheduleSeconds', '5,abc'],
    ['retryScheduleSeconds', [50_000]],
    ['maxWebhooksPerTenant', 0],
  ])('stops synthesis on a bad %s, naming it', (key, value) => {
    // Prepare
    const app = new App({ context: { [key]: value } });

    // Act
    const read = () => readConfig(app);

    // Assess
    expect(read).toThrow(new RegExp(`Invalid CDK context: ${key}`));
  });
});

describe('App: cdk synth', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  const outdir = mkdtempSync(join(tmpdir(), 'webhooks-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes with the CDK CLI, offline, bundling locally, cdk-nag passing', { timeout: 330_000 }, () => {
    // Prepare
    const environment = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };

    // Act
    const run = () =>
      execFileSync('npx', ['cdk', 'synth', '--quiet', '-o', outdir], {
        cwd: PROJECT_ROOT,
        env: environment,
        timeout: 300_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    // Assess
    expect(run).not.toThrow();
    const template = JSON.parse(readFileSync(join(outdir, 'Webhooks.template.json'), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
  });
});
