import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES } from '../../lib/function-code';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';
import { installTarball, packTarball, ROOT } from './packed-tarball';

const CONSUMER_APP = `
import { App, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Role, AccountRootPrincipal } from 'aws-cdk-lib/aws-iam';
import { WebhookPlatform } from 'serverless-webhooks';
import { Api, publishEvent } from 'serverless-webhooks/client';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
const certificate = Certificate.fromCertificateArn(
  stack,
  'Cert',
  'arn:aws:acm:eu-west-1:123456789012:certificate/0f8b2f3a-1111-2222-3333-444455556666',
);
const webhooks = new WebhookPlatform(stack, 'Webhooks', {
  eventTypes: [
    {
      name: 'order.paid',
      description: 'An order was paid',
      example: { orderId: 'o_1' },
      schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
    },
  ],
  domain: { domainName: 'api.example.com', certificate, basePath: 'webhooks' },
  auth: { apiKeys: true, jwt: { issuer: 'https://auth.example.com/', audience: 'webhooks', tenantClaim: 'org_id' } },
  alarmEmail: 'oncall@example.com',
  settings: { maxWebhooksPerTenant: 50, retryScheduleSeconds: [5, 60, 600], encryptionKey: 'create' },
});
webhooks.grantPublish(new Role(stack, 'Producer', { assumedBy: new AccountRootPrincipal() }));
app.synth();
void Api;
void publishEvent;
`;

/**
 * A team's fresh CDK app: the packed tarball unpacked into its node_modules, aws-cdk-lib and constructs as its
 * own (the peer dependencies), and nothing else: no esbuild, no Docker, no source of ours.
 */
describe('The packed package (npm pack), in a fresh CDK app', () => {
  const work = mkdtempSync(join(tmpdir(), 'webhooks-consumer-'));
  const app = join(work, 'app');
  let tarball: string;

  beforeAll(() => {
    tarball = packTarball(work);
    mkdirSync(app);
    installTarball(tarball, app, { packages: ['@types/node'], commands: [] }); // Node's types: the type check below
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    writeFileSync(join(app, 'app.mjs'), CONSUMER_APP);
  }, STEP_TIMEOUT_MS.build);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the prebuilt functions, the console and the library, and no source', () => {
    // Act
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);

    // Assess
    expect(files.filter((file) => file.endsWith('/index.mjs'))).toHaveLength(FUNCTION_ENTRIES.length);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/index.js',
        'package/dist/index.cjs',
        'package/dist/types/lib/index.d.ts',
        'package/dist/types-cjs/lib/index.d.ts',
        'package/dist/console/index.html',
        'package/LICENSE',
        'package/CHANGELOG.md',
      ]),
    );
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    // a synth never reads source maps, and they were more than half of the package
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('synthesizes the construct with its props, without esbuild or Docker on the machine', () => {
    // Act: PATH has node and the system's tools only
    const result = spawnSync(process.execPath, ['app.mjs'], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: work },
    });

    // Assess
    expect(result.stderr).not.toMatch(/esbuild|docker/i);
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Consumer.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: any }>;
    };
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_ENTRIES.length);
    // every function's asset is a prebuilt bundle of the package
    const assets = readdirSync(join(app, 'cdk.out')).filter(
      (name) => name.startsWith('asset.') && statSync(join(app, 'cdk.out', name)).isDirectory(),
    );
    const bundles = assets.filter((name) => existsSync(join(app, 'cdk.out', name, 'index.mjs')));
    expect(bundles.length).toBeGreaterThanOrEqual(32);
    const authorizer = functions.find((fn) => fn.Properties.Environment.Variables.AUTH_API_KEYS)!;
    expect(authorizer.Properties.Environment.Variables).toMatchObject({
      AUTH_JWT_ISSUER: 'https://auth.example.com/',
      AUTH_JWT_TENANT_CLAIM: 'org_id',
    });
    for (const type of ['AWS::KMS::Key', 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::BasePathMapping']) {
      expect(Object.values(template.Resources).some((resource) => resource.Type === type)).toBe(true);
    }
    // the catalog's layer holds the team's types
    const catalogLayer = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::Lambda::LayerVersion' && /catalog/i.test(resource.Properties.Description),
    );
    expect(catalogLayer).toBeDefined();
  });

  it('exports the typed client and publishEvent as serverless-webhooks/client', () => {
    // Act
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { Api, publishEvent } from 'serverless-webhooks/client'; " +
          "console.log(typeof new Api({ baseUrl: 'https://api.example.com' }).v2.createWebhook, typeof publishEvent);",
      ],
      { cwd: app, encoding: 'utf8' },
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function function');
  });

  it("exports the receivers' verifier as serverless-webhooks/verify; it checks a Standard Webhooks signature", () => {
    // Act: a v1 signature of the published test vector
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { verifyWebhook } from 'serverless-webhooks/verify'; " +
          'const v = await verifyWebhook(\'{"event_type":"ping","data":{"success":true}}\', ' +
          "{ 'webhook-id': 'msg_loFOjxBNrRLzqYUf', 'webhook-timestamp': '1731705121', " +
          "'webhook-signature': 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=' }, " +
          "{ secret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' }, { now: new Date(1731705121000) }); console.log(v.scheme);",
      ],
      { cwd: app, encoding: 'utf8' },
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('v1');
  });

  it(
    "type-checks a TypeScript consumer against the package's declarations, which are real types, not any",
    () => {
      // Prepare: a wrong prop must be a type error, or the declarations did not resolve
      writeFileSync(
        join(app, 'app.ts'),
        `${CONSUMER_APP}\n// @ts-expect-error settings is an object of the context's settings\n` +
          "new WebhookPlatform(new Stack(app, 'Wrong'), 'Webhooks', { settings: 5 });\n" +
          "// @ts-expect-error the client's create takes a payload\nvoid new Api().v2.createWebhook(5);\n",
      );
      writeFileSync(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: [],
          },
          files: ['app.ts'],
        }),
      );

      // Act
      const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(app, 'tsconfig.json')], {
        encoding: 'utf8',
      });

      // Assess
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
    STEP_TIMEOUT_MS.build,
  );
});
