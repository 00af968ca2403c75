import * as z from 'zod/mini';
import { documented, text } from '../common/schema-docs';

export const PublicKeysSchema = documented(
  z.strictObject({
    webhookId: z.string(),
    data: z.array(
      z.strictObject({
        publicKey: text('whpk_ + base64 of 32 bytes: verifies v1a entries of webhook-signature'),
        expiresAt: documented(z.nullable(z.string()), {
          format: 'date-time',
          description: 'a rotated key: it stops signing then; null for the current key',
        }),
      }),
    ),
  }),
  { id: 'PublicKeys', description: "A webhook's ed25519 public keys, current first" },
);
