import { ROUTES, routeMounts, type Route, type Surface } from '../routes';
import { OPERATIONS, PATH_PARAMETERS, type Operation } from './operations';
import { ERROR_STATUS } from './error-body';
import { schemaDocs } from '../../core/common/schema-docs';
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
      sigv4: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        description: "AWS SigV4 (service execute-api) with a principal granted by the construct's grantAdmin",
        'x-amazon-apigateway-authtype': 'awsSigv4',
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

/**
 * The error statuses a route can answer, from its shape and the operation's own: an /admin mount refuses with 403
 * (IAM); a tenant mount passes the authorizer (401, and 503 while a JWT issuer's JWKS cannot be had); a public route
 * neither.
 */
function errorStatuses(route: Route, path: string, operation: Operation): number[] {
  const statuses = new Set([429, 500, ...(operation.errors ?? [])]);
  if (path.startsWith('/admin/')) statuses.add(403);
  else if (!route.public) {
    statuses.add(401);
    statuses.add(503);
  }
  if (path.includes('{')) statuses.add(404);
  if (operation.query || operation.body) statuses.add(400);
  if (operation.body) [413, 415].forEach((status) => statuses.add(status));
  return [...statuses].sort((a, b) => a - b);
}

function parameters(route: Route, path: string, operation: Operation) {
  const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
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

function operationObject(route: Route, path: string, operation: Operation) {
  const { success } = operation;
  const params = parameters(route, path, operation);
  const successContent = success.schema ? { content: { [JSON_TYPE]: { schema: responseSchema(success.schema) } } } : {};
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
        ...successContent,
      },
      ...(success.created ? { 201: { description: success.created, ...successContent } } : {}),
      ...Object.fromEntries(
        errorStatuses(route, path, operation).map((status) => [
          status,
          { $ref: `#/components/responses/Error${status}` },
        ]),
      ),
    },
  };
}

/**
 * The API description (docs/design.md §12): every route of the route table, with the handlers' own request schemas
 * and the response schemas. `npm run openapi` writes it to docs/openapi.yaml; a test fails when they differ.
 */
export function openApiDocument(surface: Surface = 'tenant') {
  const paths: Record<string, Record<string, unknown>> = {};
  const mounts = routeMounts(ROUTES).filter(({ authorization }) =>
    surface === 'tenant' ? authorization !== 'AWS_IAM' : authorization === 'AWS_IAM',
  );
  for (const { route, path } of mounts) {
    const operation = OPERATIONS[route.name];
    if (!operation) throw new Error(`Route ${route.name} has no entry in lambdas/api/openapi/operations.ts`);
    (paths[path] ??= {})[route.method.toLowerCase()] = operationObject(route, path, operation);
  }
  return withoutUnusedComponents({
    openapi: '3.1.0',
    info: INFO[surface],
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }],
    security: [surface === 'tenant' ? { bearer: [] } : { sigv4: [] }],
    paths,
    components: components(),
  });
}

/**
 * Both surfaces draw on one set of schemas, error responses and security schemes: each description keeps only those
 * its paths reach (directly or through other components) and the scheme it requires.
 */
function withoutUnusedComponents<D extends { paths: unknown; security: Record<string, unknown>[]; components: any }>(
  document: D,
): D {
  const reached = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && !reached.has(inner)) {
        reached.add(inner);
        const [, , kind, name] = inner.split('/');
        visit(document.components[kind!]?.[name!]);
      } else visit(inner);
    }
  };
  visit(document.paths);
  const keep = (kind: string) =>
    Object.fromEntries(
      Object.entries(document.components[kind] as Record<string, unknown>).filter(([name]) =>
        reached.has(`#/components/${kind}/${name}`),
      ),
    );
  const schemes = new Set(document.security.flatMap((requirement) => Object.keys(requirement)));
  return {
    ...document,
    components: {
      securitySchemes: Object.fromEntries(
        Object.entries(document.components.securitySchemes as Record<string, unknown>).filter(([name]) =>
          schemes.has(name),
        ),
      ),
      responses: keep('responses'),
      schemas: keep('schemas'),
    },
  };
}

const LICENSE = { name: 'UNLICENSED', identifier: 'UNLICENSED' };

const INFO: Record<Surface, Record<string, unknown>> = {
  tenant: {
    title: 'Webhooks API',
    version: '2',
    description:
      "Webhooks of the tenant that owns the API key, their delivery log, and the tenant's events. " +
      'Every error has the Error shape.',
    license: LICENSE,
  },
  admin: {
    title: 'Webhooks admin API',
    version: '2',
    description:
      "The team's backend (docs/design.md §16), signed with AWS SigV4: tenants, their keys and portal links, " +
      'and every tenant route for any tenant under /admin/tenants/{tenantId}/v2. Every error has the Error shape.',
    license: LICENSE,
  },
};

/**
 * docs/openapi.yaml's (or, for the admin surface, docs/openapi-admin.yaml's) text: what `npm run openapi` writes and
 * the drift test compares.
 */
export function openApiYaml(surface: Surface = 'tenant'): string {
  const header =
    '# Generated by `npm run openapi` from lambdas/api/routes.ts and lambdas/api/openapi/: edit those, not this file.';
  return `${header}\n${stringify(openApiDocument(surface), { lineWidth: 0 })}`;
}
