import type { Webhook, WebhookSummary } from '../api-types';
import { ErrorNotice, Time } from './feedback';
import { useAction } from '../use-api';

const LABELS = {
  pending: 'endpoint not verified yet',
  verified: 'endpoint verified',
  failed: 'endpoint verification failed',
};

/** Whether the endpoint consented to deliveries (docs/design.md §18); nothing when they are not held back. */
export function VerificationBadge({ webhook }: { webhook: WebhookSummary }) {
  const verification = webhook.verification;
  if (!verification) return null;
  const badge =
    verification.state === 'verified' ? 'delivered' : verification.state === 'failed' ? 'failed' : 'pending';
  return <span class={`badge badge-${badge}`}>{LABELS[verification.state]}</span>;
}

/**
 * The verification's details for the webhook page: the last challenge's answer, and "Verify again", which starts a
 * new run (deliveries wait until it succeeds; recover then sends those skipped meanwhile).
 */
export function VerificationDetails({
  webhook,
  onChanged,
}: {
  webhook: Webhook;
  onChanged: (webhook: Webhook) => void;
}) {
  const again = useAction((api) => api.verifyWebhook(webhook.id));
  const verification = webhook.verification;
  if (!verification) return null;
  return (
    <>
      <dt>Endpoint</dt>
      <dd class="verification">
        <VerificationBadge webhook={webhook} />{' '}
        {verification.state === 'verified' ? (
          <span class="muted">
            {verification.method === 'handshake' ? 'answered the OPTIONS handshake' : 'echoed the signed challenge'}
            {verification.verifiedAt && (
              <>
                {' '}
                <Time iso={verification.verifiedAt} />
              </>
            )}
          </span>
        ) : (
          <span class="muted">
            {verification.state === 'pending'
              ? 'nothing but the verification challenge is sent until the endpoint answers it; events meanwhile are ' +
                'skipped (recover sends them once verified). '
              : 'the endpoint did not answer any challenge; nothing is sent to it. '}
            {verification.attempts} challenge{verification.attempts === 1 ? '' : 's'} sent
            {verification.lastError && (
              <>
                ; the last answer: <span class="reason">{verification.lastError}</span>
              </>
            )}
          </span>
        )}
        {verification.state !== 'verified' && (
          <button
            type="button"
            class="secondary"
            disabled={again.running}
            onClick={() => again.run().then((changed) => changed && onChanged(changed))}
          >
            {again.running ? 'Starting…' : 'Verify again'}
          </button>
        )}
        {again.error && <ErrorNotice error={again.error} title="The verification was not started" />}
      </dd>
    </>
  );
}
