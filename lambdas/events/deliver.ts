import { deliverHandler } from './deliver-lane';

/**
 * The deliveries queue's function: the fast lane (docs/design.md §9). Each lane's bundle builds only its own sender.
 */
export const handler = deliverHandler('fast');
