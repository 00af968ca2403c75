import { NotFoundError } from '../common/errors';
import { WEBHOOK_ID_PATTERN } from '../common/ids';
import { stillPublished, type PublishedPublicKey } from '../webhooks/signing-keys';
import type * as z from 'zod/mini';
import type { PublicKeysSchema } from './public-keys-resource';

/** The published keys of a webhook (the `PUBLICKEYS#<id>` item), nothing else of it. */
export interface PublicKeyStore {
  get(webhookId: string): Promise<PublishedPublicKey[] | undefined>;
}

export type PublicKeysResource = z.infer<typeof PublicKeysSchema>;

const NOT_PUBLISHED = 'No public keys are published for this webhook';

/**
 * `GET /v2/webhooks/{id}/public-keys` (design.md §18): a receiver fetches the keys it verifies `v1a` with, without
 * an API key. Public keys only; a webhook that does not exist and one without an ed25519 key answer the same 404.
 */
export class PublicKeyService {
  constructor(
    private readonly store: PublicKeyStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async publicKeys(webhookId: string): Promise<PublicKeysResource> {
    const keys = WEBHOOK_ID_PATTERN.test(webhookId) ? await this.store.get(webhookId) : undefined;
    const now = this.now();
    const published = (keys ?? []).filter((key) => stillPublished(key, now));
    if (!published.length) throw new NotFoundError(NOT_PUBLISHED);
    return { webhookId, data: published };
  }
}
