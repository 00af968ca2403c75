import type {
  DeliveryDetail,
  DeliveryStatus,
  DeliverySummary,
  ErrorDetail,
  EventDetail,
  EventSummary,
  EventType,
  EventTypeDescription,
  Filter,
  Page,
  QueuedRetry,
  SentTest,
  StartedRecovery,
  Webhook,
} from './api-types';

/** An answer in the API's error shape (docs/design.md §6), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** API Gateway's answer for a route that is not deployed (yet): the console hides what needs it. */
  get isMissingRoute(): boolean {
    return this.status === 404 && this.message === 'No such route';
  }
}

export interface WebhookInput {
  url?: string;
  events?: EventType[];
  description?: string | null;
  active?: boolean;
  filter?: Filter | null;
  ordering?: 'none' | 'fifo';
  /** Deliveries per second at most; null removes the limit. */
  throttleRate?: number | null;
  /** Replaces every custom header; null removes them. */
  headers?: Record<string, string> | null;
}

export interface DeliveryQuery {
  status?: DeliveryStatus | '';
  eventType?: EventType | '';
  since?: string;
  until?: string;
  cursor?: string;
}

export interface EventQuery {
  type?: EventType | '';
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

type Query = Record<string, string | number | undefined>;

const id = encodeURIComponent;

/** The public API, relative to the page (the console is served at <API>/console). */
export class ApiClient {
  private readonly base = new URL('../', document.baseURI);

  constructor(
    private readonly credential: string,
    private readonly onUnauthorized: () => void,
  ) {}

  listWebhooks = (cursor?: string) => this.call<Page<Webhook>>('GET', 'v2/webhooks', { query: { limit: 50, cursor } });
  getWebhook = (webhookId: string) => this.call<Webhook>('GET', `v2/webhooks/${id(webhookId)}`);
  createWebhook = (input: WebhookInput) => this.call<Webhook>('POST', 'v2/webhooks', { body: input });
  updateWebhook = (webhookId: string, input: WebhookInput) => this.call<Webhook>('PUT', `v2/webhooks/${id(webhookId)}`, { body: input });
  deleteWebhook = (webhookId: string) => this.call<void>('DELETE', `v2/webhooks/${id(webhookId)}`);
  rotateSecret = (webhookId: string, gracePeriodSeconds: number) =>
    this.call<Webhook>('POST', `v2/webhooks/${id(webhookId)}/rotate-secret`, { body: { gracePeriodSeconds } });
  sendTest = (webhookId: string, eventType?: EventType) =>
    this.call<SentTest>('POST', `v2/webhooks/${id(webhookId)}/test`, { body: eventType ? { eventType } : {} });
  listEventTypes = () => this.call<{ data: EventTypeDescription[] }>('GET', 'v2/event-types');

  listDeliveries = (webhookId: string, query: DeliveryQuery) =>
    this.call<Page<DeliverySummary>>('GET', `v2/webhooks/${id(webhookId)}/deliveries`, { query: { limit: 25, ...query } });
  getDelivery = (webhookId: string, eventId: string) =>
    this.call<DeliveryDetail>('GET', `v2/webhooks/${id(webhookId)}/deliveries/${id(eventId)}`);
  retryDelivery = (webhookId: string, eventId: string) =>
    this.call<QueuedRetry>('POST', `v2/webhooks/${id(webhookId)}/deliveries/${id(eventId)}/retry`);
  recover = (webhookId: string, since: string, until?: string) =>
    this.call<StartedRecovery>('POST', `v2/webhooks/${id(webhookId)}/recover`, { body: until ? { since, until } : { since } });

  listEvents = (query: EventQuery) => this.call<Page<EventSummary>>('GET', 'v2/events', { query: { limit: 25, ...query } });
  getEvent = (eventId: string) => this.call<EventDetail>('GET', `v2/events/${id(eventId)}`);

  /** Checks a credential before the console keeps it. */
  async verify(): Promise<void> {
    await this.call('GET', 'v2/webhooks', { query: { limit: 1 } });
  }

  private async call<T>(method: string, path: string, { query, body }: { query?: Query; body?: unknown } = {}): Promise<T> {
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.credential}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError(0, 'network_error', 'The API could not be reached. Check your connection and try again.');
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (response.ok) return parsed as T;
    const error = (parsed as { error?: { code?: string; message?: string; details?: ErrorDetail[]; requestId?: string } } | undefined)?.error;
    if (response.status === 401) this.onUnauthorized();
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `The API answered ${response.status}`,
      error?.details ?? [],
      error?.requestId,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
