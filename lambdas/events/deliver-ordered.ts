import { orderedDeliverHandler } from './deliver-lane';

/**
 * The ordered deliveries queue's function (docs/design.md §9, per-webhook options): each webhook's deliveries in
 * order.
 */
export const handler = orderedDeliverHandler('ordered');
