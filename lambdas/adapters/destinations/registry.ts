import type {
  AttemptOutcome,
  DeliveryAttemptRequest,
  DeliveryDestination,
} from '../../core/delivery/delivery-destination';
import type { UrlPolicy } from '../../core/common/url-guard';
import type { Webhook } from '../../core/webhooks/webhook';
import { OAuth2Tokens, type SharedTokenStore } from '../../core/delivery/oauth2-tokens';
import type { SecretSealer } from '../../core/common/secret-sealer';
import type { SigningSealers } from '../../core/webhooks/signing-keys';
import { GuardedHttpClient, type SendingLimits } from '../guarded-http-client';
import { HttpTokenEndpoint } from '../oauth2-token-endpoint';
import { EndpointCredentials } from './endpoint-credentials';
import { HttpDestination } from './http-destination';
import { LazyDestination } from './lazy-destination';

/** What a lane's adapters are built from: its URL policy and how long one attempt may take. */
export interface DestinationSettings {
  policy: UrlPolicy;
  limits: SendingLimits;
  /** Opens webhooks' sealed endpoint secrets and seals the OAuth2 tokens shared in `tokens`. */
  sealer: SecretSealer;
  tokens: SharedTokenStore;
  /** Opens webhooks' signing keys: every kind that signs (HTTP, SQS, SNS) signs with the same keys. */
  signing: SigningSealers;
}

/** An HTTP endpoint: its endpoint auth's token requests go through the same guarded client as the deliveries. */
function httpDestination({ policy, limits, sealer, tokens, signing }: DestinationSettings): HttpDestination {
  const client = new GuardedHttpClient(policy, { limits });
  const oauth2 = new OAuth2Tokens({ store: tokens, endpoint: new HttpTokenEndpoint(client), sealer });
  return new HttpDestination(client, new EndpointCredentials(sealer, oauth2), signing);
}

/**
 * One entry per kind of destination: how to build its adapter (once per lane and container, on first use, so a
 * kind nobody uses loads nothing). Adding a kind: its adapter file in this folder, its entry here and in
 * `destinationKind`, its IAM grant (lib/delivery.ts) and its schema (core/webhooks/webhook-schemas.ts); see
 * docs/architecture.md, "Adding a destination kind".
 */
const ADAPTERS = {
  http: httpDestination,
  // a customer's own queue, topic or bus (docs/design.md §17): each adapter and its SDK clients are a chunk of the
  // bundle, loaded on the kind's first attempt, so webhooks without AWS destinations pay nothing at cold start
  sqs: (settings: DestinationSettings) =>
    new LazyDestination(async () =>
      (await import('./sqs-destination')).sqsDestination(settings.limits, settings.signing),
    ),
  sns: (settings: DestinationSettings) =>
    new LazyDestination(async () =>
      (await import('./sns-destination')).snsDestination(settings.limits, settings.signing),
    ),
  eventbridge: (settings: DestinationSettings) =>
    new LazyDestination(async () =>
      (await import('./eventbridge-destination')).eventBridgeDestination(settings.limits),
    ),
} satisfies Record<string, (settings: DestinationSettings) => DeliveryDestination>;

export type DestinationKind = keyof typeof ADAPTERS;

/** Where a webhook's deliveries go: its AWS destination's kind, or else its URL. */
export function destinationKind(webhook: Webhook): DestinationKind {
  return webhook.destination?.type ?? 'http';
}

/** The destination port for a lane: hands each attempt to its webhook's kind of adapter. */
export class DestinationRegistry implements DeliveryDestination {
  private readonly adapters = new Map<DestinationKind, DeliveryDestination>();

  constructor(private readonly settings: DestinationSettings) {}

  attempt(delivery: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    const kind = destinationKind(delivery.webhook);
    let adapter = this.adapters.get(kind);
    if (!adapter) {
      adapter = ADAPTERS[kind](this.settings);
      this.adapters.set(kind, adapter);
    }
    return adapter.attempt(delivery);
  }
}
