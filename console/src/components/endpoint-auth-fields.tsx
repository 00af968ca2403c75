import type { WebhookInput } from '../api-client';
import type { EndpointAuth } from '../api-types';
import { FieldError } from './field-error';
import { describedBy } from './form-errors';

/** The API paths of auth's fields, as the form's error lookup names them. */
export const AUTH_FIELDS = [
  'auth.tokenUrl',
  'auth.clientId',
  'auth.clientSecret',
  'auth.scope',
  'auth.audience',
  'auth.username',
  'auth.password',
  'auth',
] as const;

export interface AuthDraft {
  type: 'none' | EndpointAuth['type'];
  tokenUrl: string;
  clientId: string;
  scope: string;
  audience: string;
  username: string;
  /** The client secret or the password: always empty at first, as the API never returns it. */
  secret: string;
}

export function authDraftOf(auth: EndpointAuth | null | undefined): AuthDraft {
  return {
    type: auth?.type ?? 'none',
    tokenUrl: auth?.type === 'oauth2_client_credentials' ? auth.tokenUrl : '',
    clientId: auth?.type === 'oauth2_client_credentials' ? auth.clientId : '',
    scope: auth?.type === 'oauth2_client_credentials' ? (auth.scope ?? '') : '',
    audience: auth?.type === 'oauth2_client_credentials' ? (auth.audience ?? '') : '',
    username: auth?.type === 'basic' ? auth.username : '',
    secret: '',
  };
}

/**
 * What the form sends for auth. A secret left empty on edit is left out, and the API keeps the stored one (same
 * type and token URL); unchanged auth is not sent at all; `none` removes it. On create an empty secret is sent, so
 * the API's own message names the field.
 */
export function authChange(draft: AuthDraft, stored: EndpointAuth | null | undefined): Pick<WebhookInput, 'auth'> {
  if (draft.type === 'none') return stored ? { auth: null } : {};
  const keep = stored !== undefined && draft.secret === '';
  if (keep && JSON.stringify(authDraftOf(stored)) === JSON.stringify(draft)) return {};
  if (draft.type === 'basic')
    return { auth: { type: 'basic', username: draft.username.trim(), ...(keep ? {} : { password: draft.secret }) } };
  return {
    auth: {
      type: 'oauth2_client_credentials',
      tokenUrl: draft.tokenUrl.trim(),
      clientId: draft.clientId.trim(),
      ...(keep ? {} : { clientSecret: draft.secret }),
      ...(draft.scope.trim() ? { scope: draft.scope.trim() } : {}),
      ...(draft.audience.trim() ? { audience: draft.audience.trim() } : {}),
    },
  };
}

const TYPES = [
  { value: 'none', label: 'None (the signature only)' },
  { value: 'oauth2_client_credentials', label: 'OAuth2 client credentials (a bearer token)' },
  { value: 'basic', label: 'Basic (username and password)' },
] as const;

function TextField(props: {
  id: string;
  label: string;
  value: string;
  errors?: string[];
  hint?: string;
  inputMode?: 'url';
  /** Write-only: typed into a password box, never filled from what is stored. */
  secret?: boolean;
  onInput: (value: string) => void;
}) {
  const common = {
    ...describedBy(props.id, props.errors, props.hint ? `${props.id}-hint` : undefined),
    spellcheck: false,
    value: props.value,
    onInput: (event: { currentTarget: HTMLInputElement }) => props.onInput(event.currentTarget.value),
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.secret ? (
        // a password box, never filled from what is stored: it starts empty on every edit
        <input type="password" autoComplete="new-password" {...common} />
      ) : (
        <input type="text" autoComplete="off" inputMode={props.inputMode} {...common} />
      )}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      <FieldError id={props.id} errors={props.errors} />
    </div>
  );
}

/** How the platform authenticates to the endpoint; the secret is write-only (typed, never shown back). */
export function EndpointAuthFields({
  draft,
  stored,
  errors,
  onChange,
}: {
  draft: AuthDraft;
  stored: EndpointAuth | null | undefined;
  errors: Record<string, string[]>;
  onChange: (draft: AuthDraft) => void;
}) {
  const set = (change: Partial<AuthDraft>) => onChange({ ...draft, ...change });
  const storedSecret = stored?.type === draft.type;
  const secretHint = storedSecret
    ? 'A secret is stored and never shown. Leave empty to keep it, or type a new one to replace it.'
    : 'Write-only: once saved it is never shown again, here or by the API.';
  return (
    <fieldset class="field" aria-describedby={errors.auth ? 'auth-error' : undefined}>
      <legend>Endpoint authentication</legend>
      <div class="field">
        <label for="auth-type">Authentication</label>
        <select
          id="auth-type"
          aria-describedby="auth-type-hint"
          value={draft.type}
          onChange={(event) => set({ type: event.currentTarget.value as AuthDraft['type'], secret: '' })}
        >
          {TYPES.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
        <p class="hint" id="auth-type-hint">
          {stored
            ? 'Choose None to remove the stored credentials.'
            : 'What your endpoint asks for besides the signature.'}
        </p>
      </div>
      {draft.type === 'oauth2_client_credentials' && (
        <>
          <TextField
            id="auth-tokenUrl"
            label="Token URL"
            inputMode="url"
            value={draft.tokenUrl}
            errors={errors['auth.tokenUrl']}
            hint="The token endpoint (https); a new token URL needs the client secret again."
            onInput={(tokenUrl) => set({ tokenUrl })}
          />
          <TextField
            id="auth-clientId"
            label="Client ID"
            value={draft.clientId}
            errors={errors['auth.clientId']}
            onInput={(clientId) => set({ clientId })}
          />
          <TextField
            id="auth-clientSecret"
            label="Client secret"
            secret
            value={draft.secret}
            errors={errors['auth.clientSecret']}
            hint={secretHint}
            onInput={(secret) => set({ secret })}
          />
          <TextField
            id="auth-scope"
            label="Scope (optional)"
            value={draft.scope}
            errors={errors['auth.scope']}
            onInput={(scope) => set({ scope })}
          />
          <TextField
            id="auth-audience"
            label="Audience (optional)"
            value={draft.audience}
            errors={errors['auth.audience']}
            onInput={(audience) => set({ audience })}
          />
        </>
      )}
      {draft.type === 'basic' && (
        <>
          <TextField
            id="auth-username"
            label="Username"
            value={draft.username}
            errors={errors['auth.username']}
            onInput={(username) => set({ username })}
          />
          <TextField
            id="auth-password"
            label="Password"
            secret
            value={draft.secret}
            errors={errors['auth.password']}
            hint={secretHint}
            onInput={(secret) => set({ secret })}
          />
        </>
      )}
      <FieldError id="auth" errors={errors.auth} />
    </fieldset>
  );
}
