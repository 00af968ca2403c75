import { ROUTES, type Route } from '../routes';
import { OPERATIONS, PATH_PARAMETERS, type Operation } from './operations';
import { ERROR_STATUS, schemaDocs } from './response-schemas';
import { stringify } from 'yaml';
import * as z from 'zod/mini';

type JsonSchema = Record<string, unknown>;

const COMPONENT = '#/components/schemas/';
const JSON_TYPE = 'application/json';

/** A JSON Schema as OpenAPI 3.1 embeds it: no dialect or id of its own. */
function embedded({ $schema: _dialect, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

function requestSchema(schema: z.ZodMiniType): JsonSchema {
  return embedded(z.toJSONSchema(schema, { io: 'input', metadata: schemaDocs, unrepresentable: 'any' }) as JsonSchema);
}

/** A named response schema is referenced; any other is written in place. */
function responseSchema(schema: z.ZodMiniType): JsonSchema {
  const id = schemaDocs.get(schema)?.id;
  return id ? { $ref: `${COMPONENT}${id}` } : embedded(z.toJSONSchema(schema, { metadata: schemaDocs }) as JsonSchema);
}

function components() {
  const { schemas } = z.toJSONSchema(schemaDocs, {
    uri: (id) => `${COMPONENT}${id}`,
    metadata: schemaDocs,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonSchema> };
  const codesByStatus = new Map<number, string[]>();
  for (const [code, status] of Object.entries(ERROR_STATUS))
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  return {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'An API key (npm run api-key -- create) or a portal token',
      },
    },
    responses: Object.fromEntries(
      [...codesByStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, codes]) => [
          `Error${status}`,
          {
            description: `The error shape; code: ${codes.join(', ')}`,
            content: {
              [JSON_TYPE]: {
                schema: {
                  allOf: [
                    { $ref: `${COMPONENT}Error` },
                    { properties: { error: { properties: { code: { enum: codes } } } } },
                  ],
                },
              },
            },
          },
        ]),
    ),
    schemas: Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, embedded(schema)])),
  };
}

/** The error statuses a route can answer, from its shape and the operation's own. */
function errorStatuses(route: Route, operation: Operation): number[] {
  // 503: every authorized route passes the authorizer, which fails while a JWT issuer's JWKS cannot be had
  const statuses = new Set([429, 500, ...(operation.errors ?? [])]);
  if (!route.public) {
    statuses.add(401);
    statuses.add(503);
  }
  if (route.path.includes('{')) statuses.add(404);
  if (operation.query || operation.body) statuses.add(400);
  if (operation.body) [413, 415].forEach((status) => statuses.add(status));
  return [...statuses].sort((a, b) => a - b);
}

function parameters(route: Route, operation: Operation) {
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const parameter = PATH_PARAMETERS[name!];
    if (!parameter) throw new Error(`${route.name}: path parameter {${name}} is not in PATH_PARAMETERS`);
    return {
      name,
      in: 'path',
      required: true,
      description: parameter.description,
      schema: { type: 'string', pattern: parameter.pattern.source },
    };
  });
  const query = operation.query ? requestSchema(operation.query) : { properties: {} };
  const required = new Set((query.required as string[] | undefined) ?? []);
  const inQuery = Object.entries(query.properties as Record<string, JsonSchema>).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function operationObject(route: Route, operation: Operation) {
  const { success } = operation;
  const params = parameters(route, operation);
  return {
    operationId: route.name[0]!.toLowerCase() + route.name.slice(1),
    // a public route takes no credential at all
    ...(route.public ? { security: [] } : {}),
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { [JSON_TYPE]: { schema: requestSchema(operation.body) } } } }
      : {}),
    responses: {
      [success.status]: {
        description: success.description,
        ...(success.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(success.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
        ...(success.schema ? { content: { [JSON_TYPE]: { schema: responseSchema(success.schema) } } } : {}),
      },
      ...Object.fromEntries(
        errorStatuses(route, operation).map((status) => [status, { $ref: `#/components/responses/Error${status}` }]),
      ),
    },
  };
}

/**
 * The API description (docs/design.md §12): every route of the route table, with the handlers' own request schemas
 * and the response schemas. `npm run openapi` writes it to docs/openapi.yaml; a test fails when they differ.
 */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const operation = OPERATIONS[route.name];
    if (!operation) throw new Error(`Route ${route.name} has no entry in lambdas/api/openapi/operations.ts`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationObject(route, operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Webhooks API',
      version: '2',
      description:
        "Webhooks of the tenant that owns the API key, their delivery log, and the tenant's events. Every error has the Error shape.",
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }],
    security: [{ bearer: [] }],
    paths,
    components: components(),
  };
}

/** docs/openapi.yaml's text: what `npm run openapi` writes and the drift test compares. */
export function openApiYaml(): string {
  return `# Generated by \`npm run openapi\` from lambdas/api/routes.ts and lambdas/api/openapi/: edit those, not this file.\n${stringify(openApiDocument(), { lineWidth: 0 })}`;
}
