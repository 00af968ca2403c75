import { orderedDeliverHandler } from './deliver-lane';

/**
 * The slow ordered deliveries queue's function (docs/design.md §9, Isolation): ordered webhooks whose endpoints answer
 * slowly or hang, each in order, waiting the whole send timeout.
 */
export const handler = orderedDeliverHandler('ordered-slow');
