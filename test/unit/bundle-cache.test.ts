import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cachedBundle } from '../../lib/bundle-cache';

describe('The bundle cache shared by synths in other processes', () => {
  it('reuses a bundle while its inputs keep their bytes, and rebuilds after any input changes', () => {
    // Prepare: a bundle "built" from two inputs
    const work = mkdtempSync(join(tmpdir(), 'bundle-cache-test-'));
    const inputs = [join(work, 'a.ts'), join(work, 'b.ts')];
    for (const input of inputs) writeFileSync(input, `export const ${input.at(-4)} = 1;`);
    const build = vi.fn(() => ({ directory: mkdtempSync(join(work, 'out-')), inputs }));
    const key = `test-${randomUUID()}`;

    // Act
    const first = cachedBundle(key, build);
    const again = cachedBundle(key, build);
    writeFileSync(inputs[1]!, 'export const b = 2;');
    const afterEdit = cachedBundle(key, build);
    const otherKey = cachedBundle(`${key}-other-options`, build);

    // Assess
    expect(again).toBe(first);
    expect(afterEdit).not.toBe(first);
    expect(otherKey).not.toBe(afterEdit);
    expect(build).toHaveBeenCalledTimes(3);
  });
});
