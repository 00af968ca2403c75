import * as z from 'zod/mini';
import { documented, instant, text } from '../common/schema-docs';

export const QueuedRetrySchema = documented(z.strictObject({ eventId: z.string(), queuedAt: instant() }), {
  id: 'QueuedRetry',
  description: 'A manual attempt is queued; its outcome shows in the delivery, as an attempt with trigger manual',
});

export const QueuedTestSchema = documented(
  z.strictObject({ eventId: text('the test event: GET /v2/events/{eventId} and the delivery log show it') }),
  {
    id: 'QueuedTest',
    description: 'The test event is on its way through the pipeline',
  },
);

export const StartedRecoverySchema = documented(
  z.strictObject({ recoveryId: z.string(), since: instant(), until: instant() }),
  {
    id: 'StartedRecovery',
    description: 'The recovery runs in the background: every failed delivery of the window gets one manual attempt',
  },
);
