import { writeFileSync } from 'node:fs';
import { openApiYaml } from '../lambdas/api/openapi/document';

/** `npm run openapi`: writes the API description from the route table and the schemas. */
const target = new URL('../docs/openapi.yaml', import.meta.url);
writeFileSync(target, openApiYaml());
console.log(`wrote ${target.pathname}`);
