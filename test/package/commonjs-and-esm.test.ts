import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES } from '../../lib/function-code';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';
import { installTarball, PACKAGE_SUBPATHS, packTarball, ROOT, specifierOf } from './packed-tarball';

const work = mkdtempSync(join(tmpdir(), 'webhooks-cjs-esm-'));
let tarball: string;
beforeAll(() => {
  tarball = packTarball(work);
}, STEP_TIMEOUT_MS.build);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The init project's stack, with the platform added as a team adds it (bin/ and the rest stay as cdk init wrote them).
 */
const STACK = `import * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { WebhookPlatform } from 'serverless-webhooks';
import { publishEvent } from 'serverless-webhooks/client';

export class HooksAppStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const webhooks = new WebhookPlatform(this, 'Webhooks', {
      alarmEmail: 'oncall@example.com',
      settings: { maxWebhooksPerTenant: 50, retryScheduleSeconds: [5, 60, 600] },
    });
    new cdk.CfnOutput(this, 'Publish', { value: typeof publishEvent });
    void webhooks;
  }
}
`;

/**
 * The project the CDK's own \`cdk init app --language typescript\` makes: CommonJS (no "type" in its package.json),
 * TypeScript in NodeNext mode, \`npx tsc && npx tsx bin/….ts\` as its app. Its dependencies come from this
 * repository's node_modules (offline); jest is not among them, so its jest test and type are left out.
 */
describe('The packed package in a `cdk init app --language typescript` project (CommonJS)', () => {
  const app = join(work, 'hooks-app');

  beforeAll(() => {
    mkdirSync(app);
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'cdk'),
      ['init', 'app', '--language', 'typescript', '--generate-only'],
      {
        cwd: app,
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
        stdio: 'ignore',
      },
    );
    installTarball(tarball, app, {
      packages: ['aws-cdk', 'typescript', 'tsx', '@types/node'],
      commands: ['cdk', 'tsc', 'tsx'],
    });
    rmSync(join(app, 'test'), { recursive: true });
    const tsconfig = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { types: string[] };
    };
    tsconfig.compilerOptions.types = tsconfig.compilerOptions.types.filter((type) => type !== 'jest');
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(app, 'lib', 'hooks-app-stack.ts'), STACK);
  });

  it('is a CommonJS project', () => {
    // Assess: the premise of the test
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { type?: string };
    expect(manifest.type ?? 'commonjs').toBe('commonjs');
  });

  it(
    'synthesizes WebhookPlatform with `npx cdk synth`, its type check included',
    () => {
      // Act
      const result = spawnSync('npx', ['cdk', 'synth', '--no-notices', '--quiet'], {
        cwd: app,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: work,
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_EC2_METADATA_DISABLED: 'true',
          npm_config_offline: 'true',
        },
      });

      // Assess
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.status).toBe(0);
      const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'HooksAppStack.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: any }>;
        Outputs: Record<string, { Value: string }>;
      };
      const functions = Object.values(template.Resources).filter(
        (resource) => resource.Type === 'AWS::Lambda::Function',
      );
      expect(functions).toHaveLength(FUNCTION_ENTRIES.length);
      expect(functions.some((fn) => fn.Properties.Environment?.Variables?.MAX_WEBHOOKS_PER_TENANT === '50')).toBe(true);
      expect(template.Outputs.Publish.Value).toBe('function');
    },
    STEP_TIMEOUT_MS.build,
  );
});

/** Every entry of `exports`, from plain node scripts: `require` in a .cjs script, `import` in a .mjs one. */
describe('Every entry of the packed package, by require and by import', () => {
  const app = join(work, 'scripts');

  beforeAll(() => {
    mkdirSync(app);
    installTarball(tarball, app, { packages: [], commands: [] });
  });

  it('declares the construct and the client', () => {
    expect(PACKAGE_SUBPATHS).toEqual(expect.arrayContaining(['.', './client']));
  });

  it.each(PACKAGE_SUBPATHS)('%s loads with require and with import, with the same exports', (subpath) => {
    // Prepare
    const specifier = specifierOf(subpath);
    writeFileSync(
      join(app, 'load.cjs'),
      `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()));`,
    );
    writeFileSync(
      join(app, 'load.mjs'),
      `const names = Object.keys(await import(${JSON.stringify(specifier)}));\n` +
        "console.log(JSON.stringify(names.filter((name) => name !== 'default').sort()));",
    );

    // Act
    const required = spawnSync(process.execPath, ['load.cjs'], { cwd: app, encoding: 'utf8' });
    const imported = spawnSync(process.execPath, ['load.mjs'], { cwd: app, encoding: 'utf8' });

    // Assess
    expect(required.stderr).toBe('');
    expect(imported.stderr).toBe('');
    const requiredNames = JSON.parse(required.stdout) as string[];
    expect(requiredNames.length).toBeGreaterThan(0);
    expect(JSON.parse(imported.stdout)).toEqual(requiredNames);
  });
});
