import type { WebhookInput } from '../api-client';
import type { AwsDestination, AwsDestinationType } from '../api-types';
import { useAction } from '../use-api';
import { CopyButton } from './copy-button';
import { FieldError } from './field-error';
import { describedBy, fieldErrors } from './form-errors';

/** The API paths of destination's fields, as the form's error lookup names them. */
export const DESTINATION_FIELDS = [
  'destination.queueArn',
  'destination.topicArn',
  'destination.eventBusArn',
  'destination.detailType',
  'destination',
] as const;

const KINDS: Record<AwsDestinationType, { label: string; arnLabel: string; example: string }> = {
  sqs: { label: 'SQS queue', arnLabel: 'Queue ARN', example: 'arn:aws:sqs:eu-west-1:123456789012:orders' },
  sns: { label: 'SNS topic', arnLabel: 'Topic ARN', example: 'arn:aws:sns:eu-west-1:123456789012:orders' },
  eventbridge: {
    label: 'EventBridge bus',
    arnLabel: 'Event bus ARN',
    example: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders',
  },
};

export interface DestinationDraft {
  type: AwsDestinationType;
  arn: string;
  detailType: string;
}

export function destinationDraftOf(destination: AwsDestination | null | undefined): DestinationDraft {
  if (!destination) return { type: 'sqs', arn: '', detailType: '' };
  if (destination.type === 'sqs') return { type: 'sqs', arn: destination.queueArn, detailType: '' };
  if (destination.type === 'sns') return { type: 'sns', arn: destination.topicArn, detailType: '' };
  return { type: 'eventbridge', arn: destination.eventBusArn, detailType: destination.detailType ?? '' };
}

export function destinationChange(draft: DestinationDraft): Pick<WebhookInput, 'destination'> {
  const arn = draft.arn.trim();
  if (draft.type === 'sqs') return { destination: { type: 'sqs', queueArn: arn } };
  if (draft.type === 'sns') return { destination: { type: 'sns', topicArn: arn } };
  const detailType = draft.detailType.trim();
  return { destination: { type: 'eventbridge', eventBusArn: arn, ...(detailType ? { detailType } : {}) } };
}

/** The errors of the ARN field, whichever kind's name the API gave it. */
const arnErrors = (errors: Record<string, string[]>) =>
  errors['destination.queueArn'] ?? errors['destination.topicArn'] ?? errors['destination.eventBusArn'];

/**
 * A customer's own queue, topic or bus, reached with no stored key: the resource policy to paste comes from
 * GET /v2/destination-policy, for this tenant only.
 */
export function AwsDestinationFields({
  draft,
  errors,
  onChange,
}: {
  draft: DestinationDraft;
  errors: Record<string, string[]>;
  onChange: (draft: DestinationDraft) => void;
}) {
  const policy = useAction((api, { type, arn }: DestinationDraft) => api.destinationPolicy(type, arn.trim()));
  const set = (change: Partial<DestinationDraft>) => onChange({ ...draft, ...change });
  const kind = KINDS[draft.type];
  const policyErrors = fieldErrors(policy.error, ['arn', 'type']);
  const arnProblems = [...(arnErrors(errors) ?? []), ...(policyErrors.byField.arn ?? [])];
  const shown =
    policy.result?.arn === draft.arn.trim() && policy.result.type === draft.type ? policy.result : undefined;
  return (
    <fieldset class="field">
      <legend>AWS destination</legend>
      <div class="field">
        <label for="destination-type">Kind</label>
        <select
          id="destination-type"
          value={draft.type}
          onChange={(event) => set({ type: event.currentTarget.value as AwsDestinationType })}
        >
          {Object.entries(KINDS).map(([type, { label }]) => (
            <option key={type} value={type}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="destination-arn">{kind.arnLabel}</label>
        <input
          {...describedBy('destination-arn', arnProblems.length ? arnProblems : undefined, 'destination-arn-hint')}
          spellcheck={false}
          autoComplete="off"
          placeholder={kind.example}
          value={draft.arn}
          onInput={(event) => set({ arn: event.currentTarget.value })}
        />
        <p class="hint" id="destination-arn-hint">
          In your own AWS account. No key of yours is stored: its resource policy lets the platform send this account's
          events, and only these.
        </p>
        <FieldError id="destination-arn" errors={arnProblems.length ? arnProblems : undefined} />
      </div>
      {draft.type === 'eventbridge' && (
        <div class="field">
          <label for="destination-detailType">Detail type (optional)</label>
          <input
            {...describedBy('destination-detailType', errors['destination.detailType'])}
            spellcheck={false}
            autoComplete="off"
            value={draft.detailType}
            onInput={(event) => set({ detailType: event.currentTarget.value })}
          />
          <FieldError id="destination-detailType" errors={errors['destination.detailType']} />
        </div>
      )}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={policy.running || draft.arn.trim() === ''}
          onClick={() => policy.run(draft)}
        >
          {policy.running ? 'Loading the policy…' : 'Show the resource policy'}
        </button>
      </div>
      {policyErrors.general.length > 0 && (
        <p class="field-error" role="alert">
          {policyErrors.general.join('; ')}
        </p>
      )}
      {shown && (
        <div class="field">
          <p id="destination-policy-hint" class="hint">
            Put this policy on the {kind.label.split(' ')[1]} (or add its statement to the policy it has). It admits the
            platform only in sessions of your account.
          </p>
          <pre class="payload" aria-label="Resource policy" tabIndex={0}>
            {JSON.stringify(shown.policy, null, 2)}
          </pre>
          <div class="secret-row">
            <CopyButton text={JSON.stringify(shown.policy, null, 2)} label="resource policy" caption="Copy policy" />
            <CopyButton
              text={JSON.stringify(shown.statement, null, 2)}
              label="policy statement"
              caption="Copy statement only"
            />
          </div>
        </div>
      )}
      <FieldError id="destination" errors={errors.destination} />
    </fieldset>
  );
}
