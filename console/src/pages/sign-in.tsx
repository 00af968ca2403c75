import { useState } from 'preact/hooks';
import { ApiClient, type ApiError } from '../api-client';
import { FieldError } from '../components/field-error';
import { describedBy } from '../components/form-errors';
import { asApiError } from '../use-api';

export type SignInReason = 'signed-out' | 'expired' | 'none';

const REASONS: Record<SignInReason, string | undefined> = {
  none: undefined,
  'signed-out': 'You are signed out.',
  expired:
    'This link or key is no longer valid: it has expired or was revoked. ' +
    'Ask for a new portal link, or sign in with an API key.',
};

/** Shown without a credential, and after any 401: a portal link that expired lands here, never on data. */
export function SignInPage({ reason, onSignedIn }: { reason: SignInReason; onSignedIn: (credential: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError>();
  const [checking, setChecking] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const credential = key.trim();
    setChecking(true);
    setError(undefined);
    try {
      await new ApiClient(credential, () => undefined).verify();
      onSignedIn(credential);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setChecking(false);
    }
  }

  const errors = error
    ? [error.status === 401 ? 'That API key was refused. Check it and try again.' : error.message]
    : undefined;
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the webhooks console</h1>
      {REASONS[reason] && (
        <p class="notice notice-warning" role="status">
          {REASONS[reason]}
        </p>
      )}
      <p>
        Open the portal link you were given, or paste an API key. The key stays in this browser tab only and is
        forgotten when you close it.
      </p>
      <form onSubmit={submit} noValidate>
        <label for="api-key">API key</label>
        <input
          {...describedBy('api-key', errors, 'api-key-hint')}
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <p class="hint" id="api-key-hint">
          Starts with <code>whk_</code>. Create one with <code>npm run api-key -- create --tenant &lt;id&gt;</code>.
        </p>
        <FieldError id="api-key" errors={errors} />
        <button type="submit" disabled={checking || key.trim() === ''}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
