import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../local/platform';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestPlatform extends RunningPlatform {
  /** A fresh tenant with its own key. */
  newTenant(prefix?: string): Promise<{ tenantId: string; key: string }>;
  request<T = any>(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
}

/** The local platform on the run's shared emulators, with a table and queues of its own. */
export async function startTestPlatform(
  environment: Record<string, string> = {},
  options: Pick<
    PlatformOptions,
    'retryScheduleSeconds' | 'visibilityTimeoutSeconds' | 'wrapConsumer' | 'deliverConcurrency'
  > = {},
): Promise<TestPlatform> {
  const id = randomUUID().slice(0, 8);
  const platform = await startPlatform({
    apiPort: 0,
    dynamo: { endpoint: inject('dynamoEndpoint') },
    sqs: { endpoint: inject('sqsEndpoint') },
    tableName: `webhooks-${id}`,
    queuePrefix: `t${id}-`,
    // endpoint verification is off unless a test turns it on (test/integration/endpoint-verification.test.ts)
    environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', ENDPOINT_VERIFICATION: 'off', ...environment },
    ...options,
  });
  return {
    ...platform,
    async newTenant(prefix = 'tenant') {
      const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
      const { key } = await platform.apiKeys.create(tenantId, 'test');
      return { tenantId, key };
    },
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${platform.apiUrl}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
  };
}
