import { deliverHandler } from './deliver-lane';

/**
 * The slow deliveries queue's function (docs/design.md §9, Isolation): the same use case, waiting the whole send
 * timeout.
 */
export const handler = deliverHandler('slow');
