import {
  AWS_DESTINATION_TYPES,
  destinationPolicy,
  findDestinationProblem,
  type DestinationPolicy,
  type PlatformIdentity,
} from './aws-destination';
import { ValidationError } from '../common/errors';
import { parseOrThrow } from '../common/validation';
import * as z from 'zod/mini';
import '../common/zod-messages';

export const destinationPolicyQuerySchema = z.strictObject({
  type: z.enum(AWS_DESTINATION_TYPES, { error: `must be one of ${AWS_DESTINATION_TYPES.join(', ')}` }),
  arn: z.string({ error: 'must be the ARN of the queue, topic or bus' }),
});

/**
 * docs/design.md §17: the resource policy a tenant puts on its queue, topic or bus so that the platform delivers
 * there for this tenant only. The ARN is checked as a webhook's destination is, so a policy given is one that works.
 */
export function destinationPolicyFor(
  tenantId: string,
  query: unknown,
  platform: PlatformIdentity | undefined,
): DestinationPolicy {
  const { type, arn } = parseOrThrow(destinationPolicyQuerySchema, query, 'query');
  const problem = findDestinationProblem(type, arn, platform);
  if (problem || !platform) {
    const message = problem ?? 'AWS destinations are not enabled in this deployment';
    throw new ValidationError(`Invalid query: arn: ${message}`, [{ path: 'arn', message }]);
  }
  return destinationPolicy(type, arn, tenantId, platform);
}
