import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;

const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
};

/** The package's subpaths (`.`, `./client`, …) as package.json `exports` declares them. */
export const PACKAGE_SUBPATHS = Object.keys(MANIFEST.exports);

/** `serverless-webhooks` for `.`, `serverless-webhooks/client` for `./client`. */
export const specifierOf = (subpath: string): string => `serverless-webhooks${subpath.slice(1)}`;

/** Packs the repository as `npm pack` does for a release (prepack builds dist/) and answers the tarball's path. */
export function packTarball(destination: string): string {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as [{ filename: string }];
  return join(destination, packed[0].filename);
}

/**
 * Installs the tarball into an app's node_modules as npm would: the package, its dependencies (its declarations name
 * zod; the entries load the team's own SQS client), the peer dependencies (aws-cdk-lib, constructs) and the given
 * tools of the app (with their commands in node_modules/.bin), all linked from this repository's node_modules.
 * Offline: no registry is asked.
 */
export function installTarball(tarball: string, app: string, tools: { packages: string[]; commands: string[] }): void {
  const modules = join(app, 'node_modules');
  const installed = join(modules, 'serverless-webhooks');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const name of [...Object.keys(MANIFEST.dependencies), 'aws-cdk-lib', 'constructs', ...tools.packages]) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const command of tools.commands) {
    symlinkSync(realpathSync(join(ROOT, 'node_modules', '.bin', command)), join(modules, '.bin', command));
  }
}
