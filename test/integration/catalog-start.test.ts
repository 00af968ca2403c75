import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../helpers/test-platform';

/** `npm start` with a team's catalog runs the check synth runs: a catalog it refuses never starts. */
describe('The local platform with a catalog it cannot use', () => {
  const directory = mkdtempSync(join(tmpdir(), 'webhooks-catalog-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('does not start, naming the file, the type and the problem of a pattern that does not compile', async () => {
    // Prepare
    const file = join(directory, 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          name: 'order.paid',
          description: 'An order was paid',
          example: { orderId: 'o_1' },
          schema: { type: 'object', properties: { orderId: { type: 'string', pattern: '([a-z]' } } },
        },
      ]),
    );

    // Assess
    await expect(startTestPlatform({ EVENT_CATALOG_FILE: file })).rejects.toThrow(
      /^Invalid event catalog \(.*catalog\.json\): order\.paid: its schema cannot be compiled: .*missing closing \)/,
    );
  });
});
