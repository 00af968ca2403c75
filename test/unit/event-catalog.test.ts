import { describe, expect, it } from 'vitest';
import { checkExamples, parseEventCatalog } from '../../lambdas/adapters/event-catalog-file';
import { compileJsonSchema } from '../../lambdas/adapters/json-schema';
import {
  createEventCatalog,
  exampleData,
  eventCatalog,
  isOperational,
  PRODUCT_EVENT_TYPES,
} from '../../lambdas/core/event-catalog';

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
    const catalog = eventCatalog();

    // Assess
    expect(catalog.types.filter(isOperational)).toEqual([
      'webhook.disabled',
      'delivery.exhausted',
      'delivery.recovered',
    ]);
    expect(catalog.types.filter((type) => !isOperational(type))).toEqual(
      PRODUCT_EVENT_TYPES.map((entry) => entry.name),
    );
    for (const entry of catalog.entries) expect(exampleData(entry.name)).toBe(entry.example);
    expect(exampleData('webhook.disabled')).toEqual({
      webhookId: expect.stringMatching(/^webhook_/),
      reason: expect.any(String),
    });
  });

  it("replaces the product's types with a team's, and keeps the operational ones", () => {
    // Act
    const catalog = createEventCatalog([ORDER_PAID]);

    // Assess
    expect(catalog.types).toEqual(['order.paid', 'webhook.disabled', 'delivery.exhausted', 'delivery.recovered']);
    expect(catalog.has('verification.completed')).toBe(false);
    expect(catalog.isOperational('order.paid')).toBe(false);
  });

  it(
    "names the path and the rule of data that does not match its type's schema, and nothing for data that " + 'does',
    () => {
      // Prepare
      const catalog = createEventCatalog([ORDER_PAID], () => compileJsonSchema);

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
        createEventCatalog([{ ...ORDER_PAID, schema: undefined }], () => compileJsonSchema).schemaViolation(
          'order.paid',
          { anything: true },
        ),
      ).toBeUndefined();
      // without a validator (the API's routes), a catalog lists schemas and checks nothing
      expect(createEventCatalog([ORDER_PAID], () => undefined).schemaViolation('order.paid', {})).toBeUndefined();
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
  ])('refuses %s, naming the problem', (_, catalog, message) => {
    // Assess
    expect(() => checkExamples(parseEventCatalog(catalog, 'catalog.json'), 'catalog.json', compileJsonSchema)).toThrow(
      message,
    );
  });
});
