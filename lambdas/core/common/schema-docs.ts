import * as z from 'zod/mini';

/*
 * What the API's description says of a schema beside its shape. The response schemas live with their concepts in
 * the core and the core's response types are inferred from them, so each shape is written once; the description
 * (docs/openapi.yaml), the generated clients and the console all derive from it.
 */
export interface SchemaDoc {
  /** Makes the schema a named component (`#/components/schemas/<id>`). */
  id?: string;
  description?: string;
  format?: string;
  /** What a refinement checks, where JSON Schema can say it (zod's refinements do not appear in JSON Schema). */
  type?: string;
  pattern?: string;
}

/** Named schemas become components; the others only lend their description and format. */
export const schemaDocs = z.registry<SchemaDoc>();

export function documented<S extends z.ZodMiniType>(schema: S, doc: SchemaDoc): S {
  schemaDocs.add(schema, doc);
  return schema;
}

export const instant = () => documented(z.string(), { format: 'date-time' });
export const text = (description: string) => documented(z.string(), { description });

export function page<S extends z.ZodMiniType>(id: string, item: S) {
  return documented(
    z.strictObject({
      data: z.array(item),
      hasMore: z.boolean(),
      nextCursor: documented(z.nullable(z.string()), { description: 'pass as cursor for the next page' }),
    }),
    { id, description: 'A page; a filtered page may hold fewer items than the limit and still have more' },
  );
}
