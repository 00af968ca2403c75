import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, any>;

/**
 * Checks responses against docs/openapi.yaml: the route is found by method and path template, the status
 * must be one the description lists for it, and the body must match that response's schema.
 */
export function openApiValidator() {
  const document: Json = parse(readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: document.components });
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
  }));

  function resolve(node: Json): Json {
    return node.$ref
      ? resolve(
          node.$ref
            .split('/')
            .slice(1)
            .reduce((at: Json, key: string) => at[key], document),
        )
      : node;
  }

  return {
    /** The operation that answered, with every problem of the response (none: it matches). */
    check(method: string, path: string, status: number, body: unknown): { operationId: string; problems: string[] } {
      const pathname = new URL(path, 'http://x').pathname;
      const match = templates.find(({ pattern }) => pattern.test(pathname));
      const operation: Json | undefined = match && document.paths[match.template][method.toLowerCase()];
      if (!operation) return { operationId: '?', problems: [`${method} ${pathname} is not described`] };
      const described = operation.responses[String(status)];
      if (!described)
        return {
          operationId: operation.operationId,
          problems: [`status ${status} is not described for ${operation.operationId}`],
        };
      const content = resolve(described).content?.['application/json'];
      if (!content)
        return {
          operationId: operation.operationId,
          problems: body === undefined ? [] : ['a body where the description has none'],
        };
      const validate = ajv.compile(rebase(content.schema));
      return {
        operationId: operation.operationId,
        problems: validate(body)
          ? []
          : (validate.errors ?? []).map(
              (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
            ),
      };
    },
  };
}

/** Points the schema's local references at the document registered as "openapi". */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"openapi#/'));
}
