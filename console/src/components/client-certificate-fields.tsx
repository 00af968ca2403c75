import type { WebhookInput } from '../api-client';
import type { EndpointTls } from '../api-types';
import type { DraftSectionProps } from './draft-section';
import { FieldError } from './field-error';
import { type BoundText, LabelledField, textBinder } from './labelled-field';
import { RadioChoices } from './radio-choices';

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

function PemField({ value, onInput, ...field }: BoundText & { label: string; hint: string }) {
  return (
    <LabelledField {...field}>
      {(described) => (
        <textarea
          {...described}
          rows={5}
          spellcheck={false}
          autoComplete="off"
          value={value}
          onInput={(event) => onInput(event.currentTarget.value)}
        />
      )}
    </LabelledField>
  );
}

/** Mutual TLS: the client certificate the platform presents (its key write-only), and a private CA to trust. */
export function ClientCertificateFields({ draft, stored, errors, onChange }: DraftSectionProps<TlsDraft, EndpointTls>) {
  const pem = textBinder('tls', draft, errors, onChange);
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
      <RadioChoices
        name="tls-choice"
        choices={choices}
        checked={draft.choice}
        onChoose={(choice) => onChange({ ...draft, choice })}
      />
      {draft.choice === 'new' && (
        <>
          <PemField
            {...pem('clientCertificate')}
            label="Client certificate (PEM)"
            hint="-----BEGIN CERTIFICATE-----…, the leaf first, then any intermediates."
          />
          <PemField
            {...pem('privateKey')}
            label="Private key (PEM)"
            hint="Unencrypted, matching the certificate. Write-only: once saved it is never shown again."
          />
          <PemField
            {...pem('caCertificate')}
            label="Private CA certificate (PEM, optional)"
            hint={
              stored?.caCertificate
                ? 'A private CA is trusted now; saving replaces the TLS settings as a whole, so paste it ' +
                  'again to keep trusting it.'
                : "Only if your endpoint's server certificate chains to a private CA."
            }
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
