import { PRICES_USD } from './prices';

/**
 * The accounting model of a plain HTTP webhook's deliveries in a deliver lane (no auth, no sealed key, no AWS
 * destination, a healthy receiver), per batch of ten, as docs/architecture.md's paper model counts them: one strongly
 * consistent BatchGetItem of the batch's webhooks (one read unit per distinct webhook) and one BatchWriteItem of its
 * ten log records (one write unit each). The batch's receive and delete are Lambda's, not the handler's. A request
 * beyond these is a cost that a feature puts on webhooks that do not use it.
 */
export function plainDeliveryModel(distinctWebhooksPerBatch: number) {
  return {
    'DynamoDB.BatchGetItemCommand': { requests: 1, items: distinctWebhooksPerBatch },
    'DynamoDB.BatchWriteItemCommand': { requests: 1, items: 10 },
  } as Record<string, { requests: number; items: number }>;
}

const READ_COMMANDS = /^DynamoDB\.(GetItem|BatchGetItem|Query)Command$/;
const WRITE_COMMANDS = /^DynamoDB\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/;

/**
 * Dollars per million deliveries of the handler's own requests: SQS per request, DynamoDB per unit (items ≤ 1 KB).
 */
export function handlerDollarsPerMillion(perDelivery: Record<string, { requests: number; items: number }>): number {
  return Object.entries(perDelivery).reduce((sum, [command, { requests, items }]) => {
    if (command.startsWith('SQS.')) return sum + requests * PRICES_USD.sqsPerMillionRequests;
    if (READ_COMMANDS.test(command)) return sum + items * PRICES_USD.dynamoDbPerMillionReadUnits;
    if (WRITE_COMMANDS.test(command)) return sum + items * PRICES_USD.dynamoDbPerMillionWriteUnits;
    throw new Error(`no price for ${command}`);
  }, 0);
}

/**
 * Measured requests per delivery next to the model's, command by command, with what each costs per million
 * deliveries; `extra` names the commands the model does not expect (or counts that differ from it).
 */
export function compareWithModel(
  deliveries: number,
  counts: Record<string, number>,
  items: Record<string, number>,
  model: Record<string, { requests: number; items: number }>,
) {
  const measured = Object.fromEntries(
    Object.keys(counts).map((command) => [
      command,
      { requests: counts[command]! / deliveries, items: (items[command] ?? 0) / deliveries },
    ]),
  );
  const expected = Object.fromEntries(
    Object.entries(model).map(([command, batch]) => [
      command,
      { requests: batch.requests / 10, items: batch.items / 10 },
    ]),
  );
  const close = (a = 0, b = 0) => Math.abs(a - b) < 1e-9;
  const extra = [...new Set([...Object.keys(measured), ...Object.keys(expected)])].filter(
    (command) =>
      !close(measured[command]?.requests, expected[command]?.requests) ||
      !close(measured[command]?.items, expected[command]?.items),
  );
  return {
    measuredPerDelivery: measured,
    modelPerDelivery: expected,
    extra,
    dollarsPerMillion: { measured: handlerDollarsPerMillion(measured), model: handlerDollarsPerMillion(expected) },
  };
}
