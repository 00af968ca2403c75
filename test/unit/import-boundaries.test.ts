import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
});
