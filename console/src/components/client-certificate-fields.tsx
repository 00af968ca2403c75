import type { WebhookInput } from '../api-client';
import type { EndpointTls } from '../api-types';
import { FieldError } from './field-error';
import { describedBy } from './form-errors';

/** The API paths of tls's fields, as the form's error lookup names them. */
export const TLS_FIELDS = ['tls.clientCertificate', 'tls.privateKey', 'tls.caCertificate', 'tls'] as const;

export interface TlsDraft {
  /** keep what is stored, set new PEMs, or have none */
  choice: 'keep' | 'new' | 'none';
  clientCertificate: string;
  /** Write-only: typed here, never shown back. */
  privateKey: string;
  caCertificate: string;
}

export const tlsDraftOf = (tls: EndpointTls | null | undefined): TlsDraft => ({
  choice: tls ? 'keep' : 'none',
  clientCertificate: '',
  privateKey: '',
  caCertificate: '',
});

/** What the form sends for tls: nothing to keep it, the new PEMs (replacing the whole), or null to remove it. */
export function tlsChange(draft: TlsDraft, stored: EndpointTls | null | undefined): Pick<WebhookInput, 'tls'> {
  if (draft.choice === 'keep') return {};
  if (draft.choice === 'none') return stored ? { tls: null } : {};
  const given = (pem: string) => (pem.trim() ? pem.trim() : undefined);
  return {
    tls: Object.fromEntries(
      Object.entries({
        clientCertificate: given(draft.clientCertificate),
        privateKey: given(draft.privateKey),
        caCertificate: given(draft.caCertificate),
      }).filter(([, pem]) => pem !== undefined),
    ),
  };
}

const describe = (tls: EndpointTls) =>
  [
    tls.certificateSubject
      ? `client certificate ${tls.certificateSubject}, expires ${new Date(tls.certificateExpiresAt!).toLocaleString()}`
      : 'no client certificate',
    tls.caCertificate ? 'private CA trusted' : '',
  ]
    .filter(Boolean)
    .join('; ');

function PemField(props: {
  id: string;
  label: string;
  value: string;
  errors?: string[];
  hint: string;
  onInput: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        {...describedBy(props.id, props.errors, `${props.id}-hint`)}
        rows={5}
        spellcheck={false}
        autoComplete="off"
        value={props.value}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      <p class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
      <FieldError id={props.id} errors={props.errors} />
    </div>
  );
}

/** Mutual TLS: the client certificate the platform presents (its key write-only), and a private CA to trust. */
export function ClientCertificateFields({
  draft,
  stored,
  errors,
  onChange,
}: {
  draft: TlsDraft;
  stored: EndpointTls | null | undefined;
  errors: Record<string, string[]>;
  onChange: (draft: TlsDraft) => void;
}) {
  const set = (change: Partial<TlsDraft>) => onChange({ ...draft, ...change });
  const choices = stored
    ? ([
        ['keep', `Keep the current one: ${describe(stored)}`],
        ['new', 'Replace it with a new certificate and key'],
        ['none', 'Remove it (no mutual TLS)'],
      ] as const)
    : ([
        ['none', 'None'],
        ['new', 'Present a client certificate'],
      ] as const);
  return (
    <fieldset class="field" aria-describedby={errors.tls ? 'tls-error' : undefined}>
      <legend>Mutual TLS (client certificate)</legend>
      <div class="radios">
        {choices.map(([value, label]) => (
          <label key={value} class="checkbox">
            <input
              type="radio"
              name="tls-choice"
              value={value}
              checked={draft.choice === value}
              onChange={() => set({ choice: value })}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
      {draft.choice === 'new' && (
        <>
          <PemField
            id="tls-clientCertificate"
            label="Client certificate (PEM)"
            value={draft.clientCertificate}
            errors={errors['tls.clientCertificate']}
            hint="-----BEGIN CERTIFICATE-----…, the leaf first, then any intermediates."
            onInput={(clientCertificate) => set({ clientCertificate })}
          />
          <PemField
            id="tls-privateKey"
            label="Private key (PEM)"
            value={draft.privateKey}
            errors={errors['tls.privateKey']}
            hint="Unencrypted, matching the certificate. Write-only: once saved it is never shown again."
            onInput={(privateKey) => set({ privateKey })}
          />
          <PemField
            id="tls-caCertificate"
            label="Private CA certificate (PEM, optional)"
            value={draft.caCertificate}
            errors={errors['tls.caCertificate']}
            hint={
              stored?.caCertificate
                ? 'A private CA is trusted now; saving replaces the TLS settings as a whole, so paste it ' +
                  'again to keep trusting it.'
                : "Only if your endpoint's server certificate chains to a private CA."
            }
            onInput={(caCertificate) => set({ caCertificate })}
          />
        </>
      )}
      {draft.choice === 'none' && stored?.caCertificate && (
        <p class="hint">Removing also stops trusting the private CA.</p>
      )}
      <FieldError id="tls" errors={errors.tls} />
    </fieldset>
  );
}
