import { LRUCache } from 'lru-cache';
import type { AttemptOutcome } from '../../core/delivery/delivery-destination';
import { tooLargeReason } from '../../core/delivery/destination-message';
import { loadConfig, required } from '../config';
import { DestinationSessions } from '../destination-sessions';

/** Clients a container keeps per kind: one per (tenant, region), each signing with that tenant's role session. */
const MAX_CLIENTS = 200;
const REASON_LENGTH = 500;

export interface AwsSendLimits {
  connectTimeoutMs: number;
  totalTimeoutMs: number;
}

/** What every AWS destination adapter is built from. */
export interface AwsDestinationContext {
  sessions: DestinationSessions;
  limits: AwsSendLimits;
}

let sessions: DestinationSessions | undefined;

/**
 * The context of a lane's AWS destination adapters: one set of role sessions per container, shared by every kind
 * (one AssumeRole per tenant). Locally (an emulator's endpoint in AWS_ENDPOINT_URL_SQS) nothing is assumed: fauxqs
 * takes the local credentials. Deployed, the role is required: without it a send would go out as the deliver
 * function itself, which no customer's policy names.
 */
export function awsDestinationContext(limits: AwsSendLimits): AwsDestinationContext {
  sessions ??= new DestinationSessions({
    roleArn: process.env.AWS_ENDPOINT_URL_SQS
      ? undefined
      : required(loadConfig().DESTINATIONS_ROLE_ARN, 'DESTINATIONS_ROLE_ARN'),
  });
  return { sessions, limits };
}

/** The settings every client of an AWS destination gets: the tenant's session, the ARN's region, the lane's bounds. */
export function clientSettings(context: AwsDestinationContext, tenantId: string, region: string) {
  const credentials = context.sessions.credentialsFor(tenantId);
  return {
    region,
    ...(credentials ? { credentials } : {}),
    // the platform's retry schedule retries; a retry here would only eat the lane's time
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: context.limits.connectTimeoutMs,
      requestTimeout: context.limits.totalTimeoutMs,
    },
  };
}

/** SDK clients by tenant and region, created on first use and kept while used. */
class ClientCache<Client extends { destroy(): void }> {
  private readonly clients = new LRUCache<string, Client>({
    max: MAX_CLIENTS,
    dispose: (client) => client.destroy(),
  });

  constructor(private readonly create: (tenantId: string, region: string) => Client) {}

  get(tenantId: string, region: string): Client {
    const key = `${tenantId} ${region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.create(tenantId, region);
      this.clients.set(key, client);
    }
    return client;
  }
}

/** Where one message goes, and the texts of it that the service counts against its size limit. */
export interface AwsMessage {
  service: string;
  tenantId: string;
  region: string;
  sizedTexts: readonly string[];
}

/** One kind's sends: each on the client of the tenant's session in the resource's region, within the lane's bounds. */
export class AwsSender<Client extends { destroy(): void }> {
  private readonly clients: ClientCache<Client>;

  constructor(
    private readonly context: AwsDestinationContext,
    create: (settings: ReturnType<typeof clientSettings>) => Client,
  ) {
    this.clients = new ClientCache((tenantId, region) => create(clientSettings(context, tenantId, region)));
  }

  /** A message too large for the service is refused before any client is made: no retry can make it fit. */
  async attempt(
    message: AwsMessage,
    send: (client: Client, abortSignal: AbortSignal) => Promise<string | undefined>,
  ): Promise<AttemptOutcome> {
    const tooLarge = tooLargeReason(message.service, message.sizedTexts);
    if (tooLarge) return { kind: 'failed', reason: tooLarge, permanent: true, durationMs: 0 };
    const client = this.clients.get(message.tenantId, message.region);
    return attemptSend(this.context.limits, (abortSignal) => send(client, abortSignal));
  }
}

/**
 * One send to a customer's resource, as an attempt's outcome. A refusal (AccessDenied, a queue or topic that does
 * not exist, a key the role may not use) is a failed attempt with the service's own words, retried on the schedule
 * and counted by the breaker like an HTTP 403 or 404: it is the customer's configuration, which they can fix while
 * the retries run (and a webhook failing for days is disabled, as any). Only a message the service can never take
 * (too large) fails for good.
 */
export async function attemptSend(
  limits: AwsSendLimits,
  send: (abortSignal: AbortSignal) => Promise<string | undefined>,
): Promise<AttemptOutcome> {
  const startedAt = Date.now();
  const signal = AbortSignal.timeout(limits.totalTimeoutMs);
  try {
    const failure = await send(signal);
    const durationMs = Date.now() - startedAt;
    return failure ? { kind: 'failed', reason: limited(failure), durationMs } : { kind: 'delivered', durationMs };
  } catch (error) {
    const durationMs = Date.now() - startedAt;
    if (signal.aborted || (error as Error).name === 'TimeoutError')
      return {
        kind: 'failed',
        reason: `timeout: no answer within ${limits.totalTimeoutMs} ms`,
        timedOut: true,
        durationMs,
      };
    return { kind: 'failed', reason: limited(describeError(error)), durationMs };
  }
}

/**
 * `AccessDenied: User: arn:… is not authorized to perform: sqs:SendMessage on resource: …`: what the service said.
 */
function describeError(error: unknown): string {
  const { name, message } = error as Error;
  return message && message !== name ? `${name}: ${message}` : name || String(error);
}

const limited = (reason: string) => (reason.length > REASON_LENGTH ? `${reason.slice(0, REASON_LENGTH - 1)}…` : reason);
