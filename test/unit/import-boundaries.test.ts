import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(directory, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(directory, entry.name)]
        : [],
  );
}

/** Every module specifier a file imports or re-exports, type-only ones included. */
const specifiers = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*? from '([^']+)';$/gm)].map(([, spec]) => spec!);

describe('Import boundaries', () => {
  it('the console depends on the API contract (the generated client), never on the Lambda code', () => {
    const crossings = sources(join(root, 'console')).flatMap((file) =>
      specifiers(file)
        .filter((spec) => spec.startsWith('.') && relative(root, join(file, '..', spec)).startsWith('lambdas'))
        .map((spec) => `${relative(root, file)} -> ${spec}`),
    );
    expect(crossings).toEqual([]);
  });

  it('the core imports nothing outside itself but Node and its libraries: no Lambda, HTTP framework or AWS SDK', () => {
    const core = join(root, 'lambdas/core');
    const outward = sources(core).flatMap((file) =>
      specifiers(file)
        .filter((spec) =>
          spec.startsWith('.')
            ? relative(core, join(dirname(file), spec)).startsWith('..')
            : /^(@aws-sdk|@smithy|@middy|aws-lambda)/.test(spec),
        )
        .map((spec) => `${relative(root, file)} -> ${spec}`),
    );
    expect(outward).toEqual([]);
  });

  it('no file of the core imports itself back through another (no circle of files, types included)', () => {
    const core = join(root, 'lambdas/core');
    const imports = new Map(
      sources(core).map((file) => [
        file,
        specifiers(file)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => join(dirname(file), `${spec.replace(/\.js$/, '')}.ts`)),
      ]),
    );
    const circles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: string[]) => {
      const seen = path.indexOf(file);
      if (seen >= 0) return void circles.push([...path.slice(seen), file].map((f) => relative(core, f)).join(' -> '));
      if (done.has(file)) return;
      for (const next of imports.get(file) ?? []) visit(next, [...path, file]);
      done.add(file);
    };
    for (const file of imports.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });
});
