import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const MAX_LINE = 120;

/**
 * The formatter keeps code within 120 columns but leaves comments and string literals as they are: this holds them
 * too. Generated clients (client/) are written by the OpenAPI generator and are exempt.
 */
describe('Line length', () => {
  it(`keeps every line of the tracked sources within ${MAX_LINE} characters`, () => {
    const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.js', '*.mjs', '*.css', '*.html', '*.sh'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file && !file.startsWith('client/'));
    const long = files.flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => ([...line].length > MAX_LINE ? [`${file}:${index + 1} (${[...line].length})`] : [])),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(long).toEqual([]);
  });
});
