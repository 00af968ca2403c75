import type { WebhookInput } from '../api-client';
import type { EndpointAuth } from '../api-types';
import type { DraftSectionProps } from './draft-section';
import { FieldError } from './field-error';
import { type BoundText, LabelledField, textBinder } from './labelled-field';

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

function TextField({
  value,
  onInput,
  inputMode,
  secret,
  ...field
}: BoundText & {
  label: string;
  hint?: string;
  inputMode?: 'url';
  /** Write-only: typed into a password box, never filled from what is stored. */
  secret?: boolean;
}) {
  return (
    <LabelledField {...field}>
      {(described) => {
        const common = {
          ...described,
          spellcheck: false,
          value,
          onInput: (event: { currentTarget: HTMLInputElement }) => onInput(event.currentTarget.value),
        };
        return secret ? (
          // a password box, never filled from what is stored: it starts empty on every edit
          <input type="password" autoComplete="new-password" {...common} />
        ) : (
          <input type="text" autoComplete="off" inputMode={inputMode} {...common} />
        );
      }}
    </LabelledField>
  );
}

/** How the platform authenticates to the endpoint; the secret is write-only (typed, never shown back). */
export function EndpointAuthFields({ draft, stored, errors, onChange }: DraftSectionProps<AuthDraft, EndpointAuth>) {
  const text = textBinder('auth', draft, errors, onChange);
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
          onChange={(event) => onChange({ ...draft, type: event.currentTarget.value as AuthDraft['type'], secret: '' })}
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
            {...text('tokenUrl')}
            label="Token URL"
            inputMode="url"
            hint="The token endpoint (https); a new token URL needs the client secret again."
          />
          <TextField {...text('clientId')} label="Client ID" />
          <TextField {...text('secret', 'clientSecret')} label="Client secret" secret hint={secretHint} />
          <TextField {...text('scope')} label="Scope (optional)" />
          <TextField {...text('audience')} label="Audience (optional)" />
        </>
      )}
      {draft.type === 'basic' && (
        <>
          <TextField {...text('username')} label="Username" />
          <TextField {...text('secret', 'password')} label="Password" secret hint={secretHint} />
        </>
      )}
      <FieldError id="auth" errors={errors.auth} />
    </fieldset>
  );
}
