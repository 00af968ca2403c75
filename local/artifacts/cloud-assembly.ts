import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateValue } from './intrinsics';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_ASSEMBLY_DIR = join(PROJECT_ROOT, 'cdk.out');

/** What the app's source is made of: when any of it is newer than the assembly, the assembly is stale. */
const SOURCES = ['bin', 'lib', 'lambdas', 'console', 'cdk.json', 'package-lock.json'];

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
  Metadata?: Record<string, unknown>;
}

export interface StackTemplate {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: TemplateValue }>;
}

export interface CloudAssembly {
  directory: string;
  stackName: string;
  template: StackTemplate;
  /** The directory `cdk deploy` would zip and upload for an S3Key (`<hash>.zip`). */
  assetDirectory(s3Key: string): string;
}

function newestModification(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path)
      .filter((name) => name !== 'node_modules' && name !== 'dist')
      .map((name) => newestModification(join(path, name))),
  );
}

export function isStale(directory: string): boolean {
  const manifest = join(directory, 'manifest.json');
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  return SOURCES.some(
    (source) => existsSync(join(PROJECT_ROOT, source)) && newestModification(join(PROJECT_ROOT, source)) > built,
  );
}

/**
 * `cdk synth` with the project's own CLI, as a team runs it before `cdk deploy` (context as `-c key=value`); `app`
 * replaces cdk.json's app (a file run with tsx, relative to the project).
 */
export function synthesize(
  directory: string,
  context: Record<string, string> = {},
  { app }: { app?: string } = {},
): void {
  const contextArgs = Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const appArgs = app ? ['--app', `npx tsx ${app}`] : [];
  const result = spawnSync(
    join(PROJECT_ROOT, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--output', directory, ...appArgs, ...contextArgs],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`cdk synth failed:\n${result.stdout}\n${result.stderr}`);
}

export function readCloudAssembly(directory: string): CloudAssembly {
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  if (stacks.length !== 1) throw new Error(`expected one stack in ${directory}, found ${stacks.length}`);
  const [stackName, stack] = stacks[0]!;
  const template = JSON.parse(readFileSync(join(directory, stack.properties!.templateFile!), 'utf8')) as StackTemplate;
  return {
    directory,
    stackName,
    template,
    assetDirectory: (s3Key) => {
      const path = join(directory, `asset.${s3Key.replace(/\.zip$/, '')}`);
      if (!existsSync(path)) throw new Error(`the template names asset ${s3Key}, which is not in ${directory}`);
      return path;
    },
  };
}

/** The assembly in `directory`, synthesized first when the source changed since. */
export function freshCloudAssembly(directory = DEFAULT_ASSEMBLY_DIR): CloudAssembly {
  if (isStale(directory)) synthesize(directory);
  return readCloudAssembly(directory);
}

export function resourcesOfType(template: StackTemplate, type: string): [string, TemplateResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * A resource's construct path below the stack (`Delivery/Deliver`), from the template's metadata, without the
 * `Resource` and `Default` steps that logical ids leave out too.
 */
export function constructPath(template: StackTemplate, logicalId: string): string {
  const path = String(template.Resources[logicalId]?.Metadata?.['aws:cdk:path'] ?? logicalId);
  return path
    .split('/')
    .slice(1)
    .filter((part) => part !== 'Resource' && part !== 'Default')
    .join('/');
}
