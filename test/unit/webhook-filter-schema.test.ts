import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambdas/core/common/errors';
import { parseOrThrow } from '../../lambdas/core/common/validation';
import { webhookSchemas } from '../../lambdas/core/webhooks/webhook-schemas';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';

const { create, update } = webhookSchemas(createEventCatalog(), { allowHttp: false, allowLoopback: false });
const base = { url: 'https://example.com/hooks', events: ['verification.completed'] };

function detailsOf(
  filter: unknown,
  schema: typeof create | typeof update = create,
): { path: string; message: string }[] {
  try {
    parseOrThrow(schema, schema === create ? { ...base, filter } : { filter }, 'webhook');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('the filter was accepted');
}

const tenValues = (count: number) => Array.from({ length: count }, (_, index) => `proj_${index}`);
const manyPaths = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`key${index}`, ['x']]));

describe('Schema: webhook filter', () => {
  it('accepts paths of 1 to 5 segments with up to 50 strings, numbers or booleans each, and up to 10 paths', () => {
    const filter = {
      projectId: tenValues(50),
      'metadata.country': ['US', 'CA'],
      'a.b.c.d.e': [1, 2.5, -3, 0, true, false, ''],
      ...manyPaths(7),
    };
    expect(parseOrThrow(create, { ...base, filter }, 'webhook').filter).toEqual(filter);
    expect(parseOrThrow(update, { filter }, 'webhook').filter).toEqual(filter);
  });

  it('takes null: no filter on create, removal on update', () => {
    expect(parseOrThrow(create, { ...base, filter: null }, 'webhook').filter).toBeNull();
    expect(parseOrThrow(update, { filter: null }, 'webhook')).toEqual({ filter: null });
  });

  it.each([
    ['an empty segment in the middle', { 'metadata..country': ['US'] }, 'filter.metadata..country'],
    ['a leading dot', { '.projectId': ['p'] }, 'filter..projectId'],
    ['a trailing dot', { 'projectId.': ['p'] }, 'filter.projectId.'],
    ['an empty path', { '': ['p'] }, 'filter.'],
    ['six segments', { 'a.b.c.d.e.f': ['p'] }, 'filter.a.b.c.d.e.f'],
    ['an empty list', { projectId: [] }, 'filter.projectId'],
    ['51 values', { projectId: tenValues(51) }, 'filter.projectId'],
    ['a value that is an object', { projectId: ['a', 'b', 'c', { id: 'p' }] }, 'filter.projectId.3'],
    ['a value that is an array', { projectId: [['p']] }, 'filter.projectId.0'],
    ['a value that is null', { projectId: [null] }, 'filter.projectId.0'],
    ['a list that is a bare string', { projectId: 'proj_A' }, 'filter.projectId'],
    ['an integer JavaScript cannot hold exactly', { count: [2 ** 53] }, 'filter.count.0'],
    ['a number too small for DynamoDB', { score: [1e-200] }, 'filter.score.0'],
    ['11 paths', manyPaths(11), 'filter'],
    [
      'more than 4 KB of JSON (each path and value within its own limits)',
      Object.fromEntries(
        Array.from({ length: 2 }, (_, path) => [`p${path}`, tenValues(20).map((v) => `${v}`.padEnd(120, 'x'))]),
      ),
      'filter',
    ],
    ['a path named constructor (the table could not store it)', { constructor: ['x'] }, 'filter.constructor'],
    ['no path at all', {}, 'filter'],
    ['an array instead of an object', [['projectId', ['p']]], 'filter'],
    ['a string instead of an object', 'projectId=p', 'filter'],
  ])('refuses %s, naming %s', (_, filter, path) => {
    for (const schema of [create, update]) {
      const details = detailsOf(filter, schema);
      expect(details.map((detail) => detail.path)).toEqual([path]);
      expect(details[0]!.message).not.toBe('Invalid input');
    }
  });

  it('names every problem, each with its own path', () => {
    const details = detailsOf({ 'a..b': ['x'], projectId: [], country: ['US', {}], ok: ['y'] });
    expect(details.map((detail) => detail.path).sort()).toEqual([
      'filter.a..b',
      'filter.country.1',
      'filter.projectId',
    ]);
  });
});
