import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ApiKeyService } from '../lambdas/core/access/api-key-service';

export const DEV_TENANT = 'dev';

/**
 * The development key of tenant `dev`: DEV_API_KEY when set, else the one generated on the first start and
 * kept in .local/ (only its hash is in the table, so the file is what lets us print it again).
 */
export async function ensureDevApiKey(
  apiKeys: ApiKeyService,
  keyFile: string,
  fromEnvironment?: string,
): Promise<string> {
  const key = fromEnvironment ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (key && (await apiKeys.exists(key))) return key;
  const created = await apiKeys.create(DEV_TENANT, 'development key (npm start)', key);
  if (!fromEnvironment) writeFileSync(keyFile, `${created.key}\n`, { mode: 0o600 });
  return created.key;
}
