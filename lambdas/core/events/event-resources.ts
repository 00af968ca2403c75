import * as z from 'zod/mini';
import { EVENT_TYPE_NAME_PATTERN } from './event-catalog';
import { documented } from '../common/schema-docs';

export const EventTypeSchema = documented(z.string().check(z.regex(EVENT_TYPE_NAME_PATTERN)), {
  id: 'EventType',
  description:
    "A type of the deployment's catalog (GET /v2/event-types lists them; a team's catalog replaces the product's)",
});

export const EventTypeListSchema = documented(
  z.strictObject({
    data: z.array(
      z.strictObject({
        name: EventTypeSchema,
        description: z.string(),
        example: z.record(z.string(), z.unknown()),
        // the JSON Schema the type's data must match, when the team gave one
        schema: z.optional(z.record(z.string(), z.unknown())),
        operational: z.boolean(),
      }),
    ),
  }),
  { id: 'EventTypeList', description: 'The catalog' },
);
