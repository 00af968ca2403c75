import * as z from 'zod/mini';
import { documented, text } from '../common/schema-docs';

const PolicyStatementSchema = z.strictObject({
  Sid: z.string(),
  Effect: z.literal('Allow'),
  Principal: z.strictObject({ AWS: text("the platform's DestinationsRole") }),
  Action: z.string(),
  Resource: z.string(),
  Condition: z.strictObject({ StringEquals: z.record(z.string(), z.string()) }),
});

export const DestinationPolicySchema = documented(
  z.strictObject({
    type: z.enum(['sqs', 'sns', 'eventbridge']),
    arn: z.string(),
    policy: documented(
      z.strictObject({ Version: z.literal('2012-10-17'), Statement: z.array(PolicyStatementSchema) }),
      {
        description: 'a whole resource policy, for a queue, topic or bus that has none',
      },
    ),
    statement: documented(PolicyStatementSchema, { description: 'the statement alone, to add to an existing policy' }),
  }),
  {
    id: 'DestinationPolicy',
    description:
      "The resource policy that lets the platform deliver this tenant's events, and only this tenant's, into the " +
      'resource',
  },
);
