import { writeFileSync } from 'node:fs';
import { openApiYaml } from '../lambdas/api/openapi/document';
import { generateClient } from '../client/generate';

/**
 * `npm run openapi`: writes the API description from the route table and the schemas, then the typed client from it.
 */
const description = new URL('../docs/openapi.yaml', import.meta.url);
writeFileSync(description, openApiYaml());
console.log(`wrote ${description.pathname}`);
const client = new URL('../client/webhooks-api.ts', import.meta.url);
writeFileSync(client, await generateClient(description.pathname));
console.log(`wrote ${client.pathname}`);
