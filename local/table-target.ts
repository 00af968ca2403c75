import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyRepository } from '../lambdas/adapters/api-key-repository';
import { ApiKeyService } from '../lambdas/core/access/api-key-service';
import { LOCAL_PORTS, LOCAL_TABLE_NAME, localClientConfig } from './local-settings';

/** The command-line options every operator tool that writes to the table takes (parseArgs format). */
export const TABLE_TARGET_OPTIONS = {
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

export const TABLE_TARGET_USAGE = `Target: the local stack of 'npm start' by default. For a deployed stack pass
--table <name> (the stack's TableName output) and --region <region>; credentials come from the usual AWS
environment or profile.
  --endpoint <url>   a DynamoDB endpoint of your own (e.g. another DynamoDB Local)`;

export interface TableTarget {
  table?: string;
  region?: string;
  endpoint?: string;
}

function client({ table, region, endpoint }: TableTarget): DynamoDBClient {
  if (endpoint) return new DynamoDBClient(localClientConfig(endpoint));
  if (table) return new DynamoDBClient(region ? { region } : {});
  return new DynamoDBClient(localClientConfig(`http://127.0.0.1:${LOCAL_PORTS.dynamo}`));
}

/** The API-key service of the table the options name: the local stack's unless --table or --endpoint says otherwise. */
export function apiKeyServiceFor(target: TableTarget): ApiKeyService {
  return new ApiKeyService(
    new DynamoApiKeyRepository(DynamoDBDocumentClient.from(client(target)), target.table ?? LOCAL_TABLE_NAME),
  );
}
