import type { AwsDestinationType, DeliveryStatus, ErrorDetail, EventType } from './api-types';
import {
  Api,
  type CreateWebhookPayload,
  type HttpResponse,
  type UpdateWebhookPayload,
} from '../../client/webhooks-api';

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

/** What the webhook form sends: on create, url and events are required (the form checks them before sending). */
export type WebhookInput = UpdateWebhookPayload;

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

/** Query values the forms leave empty ('') are not sent: the API reads an empty value as a wrong one. */
function given<T extends Record<string, unknown>>(query: T): { [Name in keyof T]: Exclude<T[Name], ''> } {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== '')) as {
    [Name in keyof T]: Exclude<T[Name], ''>;
  };
}

/**
 * The public API, relative to the page (the console is served at <API>/console), through the client generated
 * from docs/openapi.yaml (client/webhooks-api.ts). This class maps its answers to the console's types and errors.
 */
export class ApiClient {
  private readonly api: Api<unknown>;

  constructor(
    credential: string,
    private readonly onUnauthorized: () => void,
  ) {
    this.api = new Api({
      // the generated paths start with /v2; the page's base ends in /console/
      baseUrl: new URL('../', document.baseURI).href.replace(/\/$/, ''),
      baseApiParams: {
        headers: { Authorization: `Bearer ${credential}` },
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      },
    });
  }

  listWebhooks = (cursor?: string) => this.call(this.api.v2.listWebhooks(given({ limit: 50, cursor })));
  getWebhook = (webhookId: string) => this.call(this.api.v2.getWebhook(webhookId));
  createWebhook = (input: WebhookInput) => this.call(this.api.v2.createWebhook(input as CreateWebhookPayload));
  updateWebhook = (webhookId: string, input: WebhookInput) => this.call(this.api.v2.updateWebhook(webhookId, input));
  deleteWebhook = (webhookId: string) => this.call(this.api.v2.deleteWebhook(webhookId));
  verifyWebhook = (webhookId: string) => this.call(this.api.v2.verifyWebhook(webhookId));
  rotateSecret = (webhookId: string, gracePeriodSeconds: number) =>
    this.call(this.api.v2.rotateWebhookSecret(webhookId, { gracePeriodSeconds }));
  sendTest = (webhookId: string, eventType?: EventType) =>
    this.call(this.api.v2.testWebhook(webhookId, eventType ? { eventType } : {}));
  listEventTypes = () => this.call(this.api.v2.listEventTypes());
  destinationPolicy = (type: AwsDestinationType, arn: string) =>
    this.call(this.api.v2.getDestinationPolicy({ type, arn }));

  listDeliveries = (webhookId: string, query: DeliveryQuery) =>
    this.call(this.api.v2.listDeliveries(webhookId, given({ limit: 25, ...query })));
  getDelivery = (webhookId: string, eventId: string) => this.call(this.api.v2.getDelivery(webhookId, eventId));
  retryDelivery = (webhookId: string, eventId: string) => this.call(this.api.v2.retryDelivery(webhookId, eventId));
  recover = (webhookId: string, since: string, until?: string) =>
    this.call(this.api.v2.recoverDeliveries(webhookId, until ? { since, until } : { since }));

  listEvents = (query: EventQuery) => this.call(this.api.v2.listEvents(given({ limit: 25, ...query })));
  getEvent = (eventId: string) => this.call(this.api.v2.getEvent(eventId));

  /** Checks a credential before the console keeps it. */
  async verify(): Promise<void> {
    await this.call(this.api.v2.listWebhooks({ limit: 1 }));
  }

  /** The generated client resolves with the answer, or rejects with it (not ok) or with fetch's error (no answer). */
  private async call<T>(request: Promise<HttpResponse<T, unknown>>): Promise<T> {
    try {
      return (await request).data;
    } catch (failure) {
      if (!(failure instanceof Response))
        throw new ApiError(0, 'network_error', 'The API could not be reached. Check your connection and try again.');
      const error = (
        (failure as HttpResponse<unknown, unknown>).error as {
          error?: { code?: string; message?: string; details?: ErrorDetail[]; requestId?: string };
        } | null
      )?.error;
      if (failure.status === 401) this.onUnauthorized();
      throw new ApiError(
        failure.status,
        error?.code ?? 'http_error',
        error?.message ?? `The API answered ${failure.status}`,
        error?.details ?? [],
        error?.requestId,
      );
    }
  }
}
