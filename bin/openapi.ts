import { writeFileSync } from 'node:fs';
import { openApiYaml } from '../lambdas/api/openapi/document';
import { generateClient } from '../client/generate';

/**
 * `npm run openapi`: writes the API descriptions from the route table and the schemas (the tenants' surface and the
 * admin one, docs/design.md §16), then the typed client of each.
 */
const outputs = [
  { surface: 'tenant', description: '../docs/openapi.yaml', client: '../client/webhooks-api.ts', className: 'Api' },
  {
    surface: 'admin',
    description: '../docs/openapi-admin.yaml',
    client: '../client/admin-api.ts',
    className: 'AdminApi',
  },
] as const;
for (const { surface, description, client, className } of outputs) {
  const descriptionFile = new URL(description, import.meta.url);
  writeFileSync(descriptionFile, openApiYaml(surface));
  console.log(`wrote ${descriptionFile.pathname}`);
  const clientFile = new URL(client, import.meta.url);
  writeFileSync(clientFile, await generateClient(descriptionFile.pathname, className));
  console.log(`wrote ${clientFile.pathname}`);
}
