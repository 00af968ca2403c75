import { useState } from 'preact/hooks';
import type { Webhook } from '../api-types';
import { FieldError } from './field-error';
import { ErrorNotice, Success, Time } from './feedback';
import { describedBy, fieldErrors } from './form-errors';
import { isoFromLocal } from './delivery-log';
import { useAction } from '../use-api';

/** Re-queues every failed delivery since a time (the API works through them in the background). */
export function RecoverForm({ webhook }: { webhook: Webhook }) {
  const [since, setSince] = useState('');
  const recover = useAction((api, from: string) => api.recover(webhook.id, from));
  if (recover.error?.isMissingRoute) return null;
  const { byField, general } = fieldErrors(recover.error, ['since']);
  const errors = byField.since ?? (since === '' && recover.error ? general : undefined);

  return (
    <section aria-labelledby="recover-title" class="card">
      <h2 id="recover-title">Recover failed deliveries</h2>
      <form
        class="inline-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const from = isoFromLocal(since);
          if (from) void recover.run(from);
        }}
      >
        <label for="recover-since">Resend everything that failed since</label>
        <input
          {...describedBy('recover-since', errors)}
          type="datetime-local"
          required
          value={since}
          onChange={(event) => setSince(event.currentTarget.value)}
        />
        <button type="submit" class="secondary" disabled={recover.running || since === '' || !webhook.active}>
          {recover.running ? 'Queuing…' : 'Recover'}
        </button>
      </form>
      {!webhook.active && <p class="muted">Resume the webhook to recover its deliveries.</p>}
      <FieldError id="recover-since" errors={errors} />
      {recover.error && !errors && <ErrorNotice error={recover.error} />}
      {recover.result && (
        <Success>
          Recovery {recover.result.recoveryId} queued for failures since <Time iso={recover.result.since} />.
        </Success>
      )}
    </section>
  );
}
