import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEventCatalog, loadEventCatalogFile } from '../../lambdas/adapters/event-catalog-file';
import { compileJsonSchema } from '../../lambdas/adapters/json-schema';
import { createEventCatalog, isOperational, PRODUCT_EVENT_TYPES } from '../../lambdas/core/events/event-catalog';

const ORDER_PAID = {
  name: 'order.paid',
  description: 'An order was paid',
  example: { orderId: 'o_1', amount: 12 },
  schema: {
    type: 'object',
    required: ['orderId'],
    properties: { orderId: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
  },
};

describe('Module: event-catalog', () => {
  it("is the product's types and the operational ones by default, and tells the two apart", () => {
    // Act
    const catalog = createEventCatalog();

    // Assess
    expect(catalog.types.filter(isOperational)).toEqual([
      'webhook.disabled',
      'delivery.exhausted',
      'webhook.certificate_expiring',
      'delivery.recovered',
      'webhook.verified',
      'webhook.verification_failed',
    ]);
    expect(catalog.types.filter((type) => !isOperational(type))).toEqual(
      PRODUCT_EVENT_TYPES.map((entry) => entry.name),
    );
    for (const entry of catalog.entries) expect(catalog.example(entry.name)).toBe(entry.example);
    expect(catalog.example('webhook.disabled')).toEqual({
      webhookId: expect.stringMatching(/^webhook_/),
      reason: expect.any(String),
    });
  });

  it("replaces the product's types with a team's, and keeps the operational ones", () => {
    // Act
    const catalog = createEventCatalog([ORDER_PAID]);

    // Assess
    expect(catalog.types).toEqual([
      'order.paid',
      'webhook.disabled',
      'delivery.exhausted',
      'webhook.certificate_expiring',
      'delivery.recovered',
      'webhook.verified',
      'webhook.verification_failed',
    ]);
    expect(catalog.has('verification.completed')).toBe(false);
    expect(isOperational('order.paid')).toBe(false);
  });

  it(
    "names the path and the rule of data that does not match its type's schema, and nothing for data that " + 'does',
    () => {
      // Prepare
      const catalog = createEventCatalog([ORDER_PAID], compileJsonSchema);

      // Act
      const missing = catalog.schemaViolation('order.paid', { amount: 3 });
      const negative = catalog.schemaViolation('order.paid', { orderId: 'o_2', amount: -1 });
      const wrongType = catalog.schemaViolation('order.paid', { orderId: 7 });

      // Assess
      expect(catalog.schemaViolation('order.paid', { orderId: 'o_1', amount: 3 })).toBeUndefined();
      expect(missing).toMatch(/^\/ required: .*orderId/);
      expect(negative).toMatch(/^\/amount minimum: /);
      expect(wrongType).toMatch(/^\/orderId type: /);
      // a type without a schema takes any object
      expect(
        createEventCatalog([{ ...ORDER_PAID, schema: undefined }], compileJsonSchema).schemaViolation('order.paid', {
          anything: true,
        }),
      ).toBeUndefined();
      // without a validator (the API's routes), a catalog lists schemas and checks nothing
      expect(createEventCatalog([ORDER_PAID]).schemaViolation('order.paid', {})).toBeUndefined();
    },
  );
});

describe("Module: event-catalog-file (a team's catalog, checked before it is used)", () => {
  it.each([
    [
      'a name that is not dotted lower-case words',
      [{ ...ORDER_PAID, name: 'OrderPaid' }],
      /0\.name: must be lower-case words joined by dots/,
    ],
    ['a type named twice', [ORDER_PAID, ORDER_PAID], /names each event type once/],
    [
      "one of the platform's own types",
      [{ ...ORDER_PAID, name: 'delivery.exhausted' }],
      /must not redefine the platform's own types/,
    ],
    [
      'an example its own schema refuses',
      [{ ...ORDER_PAID, example: { amount: 1 } }],
      /order\.paid: its example does not match its schema: \/ required/,
    ],
    ['an empty list', [], /must list at least one event type/],
    [
      'a pattern that is not a regular expression',
      [withSchema({ type: 'object', properties: { orderId: { type: 'string', pattern: '([a-z]' } } })],
      /order\.paid: its schema cannot be compiled: .*missing closing \)/,
    ],
    [
      'a pattern the linear-time engine cannot run (a lookahead)',
      [withSchema({ type: 'object', properties: { orderId: { type: 'string', pattern: '^(?=o_)' } } })],
      /order\.paid: its schema cannot be compiled: .*unsupported Perl syntax/,
    ],
    [
      'an unresolved $ref',
      [withSchema({ type: 'object', properties: { orderId: { $ref: '#/$defs/missing' } } })],
      /order\.paid: its schema cannot be compiled: can't resolve reference #\/\$defs\/missing/,
    ],
    [
      'an unknown format',
      [withSchema({ type: 'object', properties: { orderId: { type: 'string', format: 'iri' } } })],
      /order\.paid: its schema cannot be compiled: unknown format "iri"/,
    ],
  ])('refuses %s, naming the problem', (_, catalog, message) => {
    // Assess
    expect(() => checkEventCatalog(catalog, 'catalog.json', compileJsonSchema)).toThrow(message);
  });

  it("at start-up with the validator (fan-out, npm start), runs the same check, naming a syntax error's file", () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'catalog-'));
    const refusing = join(directory, 'refusing.json');
    const broken = join(directory, 'broken.json');
    writeFileSync(refusing, JSON.stringify([{ ...ORDER_PAID, example: { amount: 1 } }]));
    writeFileSync(broken, '[{"name": "order.paid",');

    // Assess
    expect(() => loadEventCatalogFile(compileJsonSchema, { EVENT_CATALOG_FILE: refusing })).toThrow(
      /refusing\.json\): order\.paid: its example does not match its schema/,
    );
    expect(() => loadEventCatalogFile(undefined, { EVENT_CATALOG_FILE: broken })).toThrow(
      /^Invalid event catalog \(.*broken\.json\): .*JSON/,
    );
  });
});

const withSchema = (schema: Record<string, unknown>) => ({ ...ORDER_PAID, schema });

/** The slowest of three runs of a check, in milliseconds. */
function slowestRun(check: () => unknown): number {
  let slowest = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    check();
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

describe('Function: compileJsonSchema (time and memory bounded whatever the data)', () => {
  it('checks format "url" in linear time: the 30- and 32-character links that took 2 s and 9.6 s, and 100,000', () => {
    // Prepare
    const check = compileJsonSchema({ type: 'object', properties: { link: { type: 'string', format: 'url' } } });
    const link = (length: number) => ({ link: `http://${'a'.repeat(length)}!` });

    // Assess
    for (const length of [30, 32]) expect(slowestRun(() => check(link(length)))).toBeLessThan(100);
    expect(slowestRun(() => check(link(100_000)))).toBeLessThan(1_000);
    expect(check(link(40))).toMatch(/^\/link format: /);
    expect(check({ link: 'https://example.com/a?b=1' })).toBeUndefined();
  });

  it.each(['^(\\w+\\s?)*$', '^(a+)+$'])('matches pattern %s with nested quantifiers in linear time', (pattern) => {
    // Prepare
    const check = compileJsonSchema({ type: 'string', pattern });

    // Assess: 28 characters and "!" took 1.2-1.5 s, 4 times more per 2 characters
    for (const length of [28, 30]) expect(slowestRun(() => check(`${'a'.repeat(length)}!`))).toBeLessThan(100);
    expect(slowestRun(() => check(`${'a'.repeat(100_000)}!`))).toBeLessThan(1_000);
    expect(check(`${'a'.repeat(28)}!`)).toMatch(/^\/ pattern: /);
    expect(check('aaaa')).toBeUndefined();
  });

  it('answers for an array of 65,000 numbers against items of strings, and for uniqueItems on 80,000 objects', () => {
    // Prepare
    const strings = compileJsonSchema({ type: 'array', items: { type: 'string' } });
    const unique = compileJsonSchema({ type: 'array', uniqueItems: true });
    const objects = Array.from({ length: 80_000 }, (_, index) => ({ index }));

    // Assess
    expect(strings(Array.from({ length: 65_000 }, (_, index) => index))).toBe('/0 type: must be string');
    expect(slowestRun(() => unique(objects))).toBeLessThan(1_000);
    expect(unique(objects)).toBeUndefined();
    expect(
      unique([
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toMatch(/^\/ uniqueItems: /);
  });

  it.each([
    ['date-time', '2024-01-15T10:30:00Z', '2024-02-30T10:30:00Z'],
    ['date', '2024-02-29', '2023-02-29'],
    ['time', '23:59:60.5+01:00', '24:00:00Z'],
    ['email', 'ops@example.com', 'ops@example'],
    ['uri', 'mailto:ops@example.com', 'http://host/ok\r\nHost: x'],
    ['uri-reference', '../a?b#c', 'a b'],
    ['url', 'https://[::1]:8443/path', 'mailto:ops@example.com'],
    ['hostname', 'api.example.com', '-bad.example'],
    ['ipv4', '192.0.2.1', '256.0.0.1'],
    ['ipv6', '2001:db8::1', '2001:db8:::1'],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456'],
    ['duration', 'P1DT2H', 'PT'],
    ['json-pointer', '/a/~1b', 'a/b'],
    ['regex', '^[a-z]+$', '(['],
  ])('checks format %s without a backtracking expression: %j passes, %j does not', (format, good, bad) => {
    // Prepare
    const check = compileJsonSchema({ type: 'string', format });

    // Assess
    expect(check(good)).toBeUndefined();
    expect(check(bad)).toMatch(/^\/ format: /);
  });
});
