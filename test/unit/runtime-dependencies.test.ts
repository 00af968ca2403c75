import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(directory, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(directory, entry.name)]
        : [],
  );
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

describe('Runtime dependencies', () => {
  it('declares every package the Lambda code imports at run time as a dependency, not a devDependency', () => {
    const missing = new Set<string>();
    // the OpenAPI generator under lambdas/api/openapi runs at build time (npm run openapi), in no function
    for (const file of sources(join(root, 'lambdas')).filter((path) => !path.includes('/lambdas/api/openapi/'))) {
      for (const [, kind, specifier] of readFileSync(file, 'utf8').matchAll(
        /^import (type )?[^;]*? from '([^.'#][^']*)';$/gm,
      )) {
        if (kind || specifier!.startsWith('node:') || builtinModules.includes(specifier!)) continue;
        // type-only packages are erased by esbuild
        if (specifier === 'aws-lambda') continue;
        if (!(packageOf(specifier!) in manifest.dependencies))
          missing.add(`${packageOf(specifier!)} (${file.slice(root.length)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
