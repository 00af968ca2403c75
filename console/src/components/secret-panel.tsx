import { useState } from 'preact/hooks';
import type { Webhook } from '../api-types';
import { ErrorNotice, Success } from './feedback';
import { useAction } from '../use-api';

const GRACE_PERIODS = [
  { seconds: 0, label: 'none: the old secret stops now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 604_800, label: '7 days' },
];

/** The signing secret: hidden until asked for, copyable, and rotated with a grace period for the old one. */
export function SecretPanel({ webhook, onRotated }: { webhook: Webhook; onRotated: (webhook: Webhook) => void }) {
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const [grace, setGrace] = useState(86_400);
  const rotate = useAction((api, gracePeriodSeconds: number) => api.rotateSecret(webhook.id, gracePeriodSeconds));
  const secret = webhook.secret ?? '';

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

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
        <button type="button" class="secondary" onClick={copy}>
          Copy
        </button>
      </div>
      <p role="status" class="muted">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'The browser did not allow copying; reveal the secret and copy it by hand.'
            : ''}
      </p>
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
