import { useState } from 'preact/hooks';
import type { Webhook } from '../api-types';
import { CopyButton } from './copy-button';
import { ErrorNotice, Success } from './feedback';
import { useAction } from '../use-api';

const GRACE_PERIODS = [
  { seconds: 0, label: 'none: the old secret stops now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 604_800, label: '7 days' },
];

/**
 * The signing secret, rotated with a grace period for the old one. The API shows a secret only once (in the answer of
 * create or of a rotation): then it is hidden until asked for, and copyable; afterwards the panel says how to get a
 * new one.
 */
export function SecretPanel({ webhook, onRotated }: { webhook: Webhook; onRotated: (webhook: Webhook) => void }) {
  const [revealed, setRevealed] = useState(false);
  const [grace, setGrace] = useState(86_400);
  const rotate = useAction((api, gracePeriodSeconds: number) => api.rotateSecret(webhook.id, gracePeriodSeconds));
  const secret = webhook.secret;

  async function submitRotation(event: Event) {
    event.preventDefault();
    const rotated = await rotate.run(grace);
    if (rotated) {
      setRevealed(true);
      onRotated(rotated);
    }
  }

  return (
    <section aria-labelledby="secret-title" class="card">
      <h2 id="secret-title">Signing secret</h2>
      {secret ? (
        <>
          <p class="muted">Shown this once: copy it to your receiver now.</p>
          <div class="secret-row">
            <code class="secret" id="secret-value" aria-label={revealed ? 'Signing secret' : 'Signing secret, hidden'}>
              {revealed ? secret : `whsec_${'•'.repeat(24)}`}
            </code>
            <button
              type="button"
              class="secondary"
              aria-pressed={revealed}
              aria-controls="secret-value"
              onClick={() => setRevealed(!revealed)}
            >
              {revealed ? 'Hide' : 'Reveal'}
            </button>
            <CopyButton text={secret} label="signing secret" />
          </div>
        </>
      ) : (
        <p class="muted">
          The secret is stored encrypted and shown only once, when the webhook is created or its secret rotated. Rotate
          it to get a new one.
        </p>
      )}
      <form class="inline-form" onSubmit={submitRotation}>
        <label for="grace">Keep the old secret signing for</label>
        <select id="grace" value={grace} onChange={(event) => setGrace(Number(event.currentTarget.value))}>
          {GRACE_PERIODS.map((period) => (
            <option key={period.seconds} value={period.seconds}>
              {period.label}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary" disabled={rotate.running}>
          {rotate.running ? 'Rotating…' : 'Rotate secret'}
        </button>
      </form>
      {rotate.error &&
        (rotate.error.isMissingRoute ? (
          <p class="muted">Rotation is not available on this API yet.</p>
        ) : (
          <ErrorNotice error={rotate.error} />
        ))}
      {rotate.result && (
        <Success>
          Secret rotated. Deliveries are now signed with the new secret
          {grace > 0 ? ' and, during the grace period, the old one too' : ''}.
        </Success>
      )}
    </section>
  );
}
