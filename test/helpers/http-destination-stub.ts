import { testSigningSealers } from './test-sealer';
import { HttpDestination } from '../../lambdas/adapters/destinations/http-destination';
import type { GuardedHttpClient } from '../../lambdas/adapters/guarded-http-client';

/** What a stubbed receiver answers to one POST. */
export interface StubAnswer {
  statusCode?: number;
  error?: string;
  timedOut?: boolean;
  durationMs: number;
  response?: string;
  retryAfter?: string;
}

export type StubSend = (url: string, headers: Record<string, string>, body: string) => Promise<StubAnswer>;

/** The real HTTP destination (headers, signing, classification) over a stubbed network: `send` sees each POST. */
export function httpDestinationOver(send: StubSend): HttpDestination {
  const client = {
    request: async (url: string, { headers, body }: { headers: Record<string, string>; body?: string }) => {
      const { response, retryAfter, ...answer } = await send(url, headers, body ?? '');
      return {
        ...answer,
        ...(response ? { body: response } : {}),
        headers: retryAfter ? { 'retry-after': retryAfter } : {},
      };
    },
  } as unknown as GuardedHttpClient;
  // the stubbed webhooks have no auth or tls: nothing to open
  return new HttpDestination(client, { for: async () => ({}) }, testSigningSealers());
}
