import { useEffect, useState } from 'preact/hooks';
import type { WebhookInput } from '../api-client';
import type { EventType, Filter, Webhook } from '../api-types';
import {
  AwsDestinationFields,
  DESTINATION_FIELDS,
  destinationChange,
  destinationDraftOf,
  type DestinationDraft,
} from '../components/aws-destination-fields';
import {
  ClientCertificateFields,
  TLS_FIELDS,
  tlsChange,
  tlsDraftOf,
  type TlsDraft,
} from '../components/client-certificate-fields';
import {
  AUTH_FIELDS,
  EndpointAuthFields,
  authChange,
  authDraftOf,
  type AuthDraft,
} from '../components/endpoint-auth-fields';
import { FieldError } from '../components/field-error';
import { ErrorNotice, Loading } from '../components/feedback';
import { RadioChoices } from '../components/radio-choices';
import { describedBy, fieldErrors } from '../components/form-errors';
import { handOverCreated } from '../shown-once';
import { Link, navigate } from '../router';
import { useAction, useLoad } from '../use-api';

const FIELDS = [
  'url',
  'events',
  'description',
  'filter',
  'headers',
  'throttleRate',
  'ordering',
  ...AUTH_FIELDS,
  ...TLS_FIELDS,
  ...DESTINATION_FIELDS,
] as const;
const FILTER_EXAMPLE = '{ "projectId": ["proj_2b8XkV"], "metadata.country": ["US", "CA"] }';

const TARGETS = [
  ['url', 'An HTTPS endpoint'],
  ['aws', 'An AWS destination of yours (SQS queue, SNS topic or EventBridge bus)'],
] as const;

interface Draft {
  /** An HTTPS endpoint (with its auth and client certificate) or an AWS destination: a webhook has one. */
  target: 'url' | 'aws';
  url: string;
  auth: AuthDraft;
  tls: TlsDraft;
  destination: DestinationDraft;
  events: EventType[];
  description: string;
  filter: string;
  /** One `Name: value` per line. */
  headers: string;
  /** Deliveries per second; empty for no limit. */
  throttleRate: string;
  ordered: boolean;
}

const draftOf = (webhook?: Webhook): Draft => ({
  target: webhook?.destination ? 'aws' : 'url',
  url: webhook?.url ?? '',
  auth: authDraftOf(webhook?.auth),
  tls: tlsDraftOf(webhook?.tls),
  destination: destinationDraftOf(webhook?.destination),
  events: webhook?.events ?? [],
  description: webhook?.description ?? '',
  filter: webhook?.filter ? JSON.stringify(webhook.filter, null, 2) : '',
  throttleRate: webhook?.throttleRate ? String(webhook.throttleRate) : '',
  ordered: webhook?.ordering === 'fifo',
  headers: Object.entries(webhook?.headers ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n'),
});

/** The headers box: one `Name: value` per line, blank lines ignored; the API checks names and values. */
function parseHeaders(text: string): { headers: Record<string, string> } | { problem: string } {
  const headers: Record<string, string> = {};
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { problem: `line ${index + 1} is not "Name: value"` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

/** The filter box holds JSON; empty means no filter. */
function parseFilter(text: string): { filter: Filter | null } | { problem: string } {
  if (text.trim() === '') return { filter: null };
  try {
    return { filter: JSON.parse(text) as Filter };
  } catch {
    return { problem: 'is not valid JSON' };
  }
}

function EventTypeChoices({
  draft,
  setDraft,
  errors,
}: {
  draft: Draft;
  setDraft: (draft: Draft) => void;
  errors?: string[];
}) {
  const catalog = useLoad((api) => api.listEventTypes(), []);
  if (catalog.loading && !catalog.data) return <Loading what="Loading event types" />;
  // the catalog route may not be deployed: then the types are typed in
  const types = catalog.data?.data;
  if (!types) {
    return (
      <div class="field">
        <label for="events">Event types</label>
        <input
          {...describedBy('events', errors, 'events-hint')}
          value={draft.events.join(', ')}
          onInput={(event) =>
            setDraft({
              ...draft,
              events: event.currentTarget.value
                .split(',')
                .map((type) => type.trim())
                .filter(Boolean) as EventType[],
            })
          }
        />
        <p class="hint" id="events-hint">
          Comma-separated, e.g. verification.completed
        </p>
        <FieldError id="events" errors={errors} />
      </div>
    );
  }
  return (
    <fieldset class="field" aria-describedby={errors?.length ? 'events-error' : undefined}>
      <legend>Event types</legend>
      <div class="checkboxes">
        {types.map((type) => (
          <div key={type.name} class="event-type">
            <label class="checkbox">
              <input
                type="checkbox"
                name="events"
                value={type.name}
                checked={draft.events.includes(type.name as EventType)}
                onChange={(event) =>
                  setDraft({
                    ...draft,
                    events: event.currentTarget.checked
                      ? [...draft.events, type.name as EventType]
                      : draft.events.filter((name) => name !== type.name),
                  })
                }
              />
              <span>
                <code>{type.name}</code>
                {type.operational && <span class="badge badge-skipped badge-inline">platform</span>}
                <span class="hint">{type.description}</span>
              </span>
            </label>
            {/* outside the label: opening it must not tick the box */}
            <details class="event-type-details">
              <summary>{type.schema ? 'Example and schema' : 'Example'}</summary>
              <pre aria-label={`Example data of ${type.name}`}>{JSON.stringify(type.example, null, 2)}</pre>
              {type.schema && (
                <pre aria-label={`JSON Schema of ${type.name}`}>{JSON.stringify(type.schema, null, 2)}</pre>
              )}
            </details>
          </div>
        ))}
      </div>
      <FieldError id="events" errors={errors} />
    </fieldset>
  );
}

function WebhookForm({ webhook }: { webhook?: Webhook }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(webhook));
  const [filterProblem, setFilterProblem] = useState<string>();
  const [headersProblem, setHeadersProblem] = useState<string>();
  const save = useAction((api, input: WebhookInput) =>
    webhook ? api.updateWebhook(webhook.id, input) : api.createWebhook(input),
  );
  const { byField, general } = fieldErrors(save.error, FIELDS);
  const filterErrors = filterProblem ? [filterProblem] : byField.filter;
  const headerErrors = headersProblem ? [headersProblem] : byField.headers;

  useEffect(() => {
    if (save.error) document.querySelector<HTMLElement>('[aria-invalid="true"], .form-errors')?.focus();
  }, [save.error]);

  async function submit(event: Event) {
    event.preventDefault();
    const parsed = parseFilter(draft.filter);
    if ('problem' in parsed) return setFilterProblem(`The filter ${parsed.problem}`);
    setFilterProblem(undefined);
    const custom = parseHeaders(draft.headers);
    if ('problem' in custom) return setHeadersProblem(`The headers: ${custom.problem}`);
    setHeadersProblem(undefined);
    const hasHeaders = Object.keys(custom.headers).length > 0;
    const throttleRate = draft.throttleRate.trim() === '' ? null : Number(draft.throttleRate);
    const description = draft.description.trim();
    const toUrl = draft.target === 'url';
    const input: WebhookInput = {
      ...(toUrl
        ? { url: draft.url.trim(), ...authChange(draft.auth, webhook?.auth), ...tlsChange(draft.tls, webhook?.tls) }
        : // auth, tls and custom headers go with a URL only: a webhook moving to AWS leaves them
          {
            ...destinationChange(draft.destination),
            ...(webhook?.auth ? { auth: null } : {}),
            ...(webhook?.tls ? { tls: null } : {}),
          }),
      events: draft.events,
      description: webhook ? description || null : description || undefined,
      // a webhook without a filter is created without the field, so an API without filters accepts it
      ...(parsed.filter || webhook?.filter ? { filter: parsed.filter } : {}),
      ...((toUrl && hasHeaders) || Object.keys(webhook?.headers ?? {}).length
        ? { headers: toUrl && hasHeaders ? custom.headers : null }
        : {}),
      ...(throttleRate !== null || webhook?.throttleRate ? { throttleRate } : {}),
      ...(draft.ordered || webhook?.ordering === 'fifo'
        ? { ordering: draft.ordered ? ('fifo' as const) : ('none' as const) }
        : {}),
    };
    const saved = await save.run(input);
    if (!saved) return;
    // only a new webhook's answer has its secret, and the page shows it just this once
    if (!webhook) handOverCreated(saved);
    navigate(`webhooks/${saved.id}`);
  }

  return (
    <form onSubmit={submit} noValidate class="card">
      {general.length > 0 && (
        <div class="notice notice-error form-errors" role="alert" tabIndex={-1}>
          {general.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      <fieldset class="field">
        <legend>Deliver to</legend>
        <RadioChoices
          name="target"
          choices={TARGETS}
          checked={draft.target}
          onChoose={(target) => setDraft({ ...draft, target })}
        />
      </fieldset>
      {draft.target === 'aws' ? (
        <AwsDestinationFields
          draft={draft.destination}
          errors={byField}
          onChange={(destination) => setDraft({ ...draft, destination })}
        />
      ) : (
        <>
          <div class="field">
            <label for="url">Endpoint URL</label>
            <input
              {...describedBy('url', byField.url, 'url-hint')}
              type="url"
              inputMode="url"
              required
              autoComplete="url"
              value={draft.url}
              onInput={(event) => setDraft({ ...draft, url: event.currentTarget.value })}
            />
            <p class="hint" id="url-hint">
              Where events are POSTed; https, reachable from the internet.
            </p>
            <FieldError id="url" errors={byField.url} />
          </div>
          <EndpointAuthFields
            draft={draft.auth}
            stored={webhook?.auth}
            errors={byField}
            onChange={(auth) => setDraft({ ...draft, auth })}
          />
          <ClientCertificateFields
            draft={draft.tls}
            stored={webhook?.tls}
            errors={byField}
            onChange={(tls) => setDraft({ ...draft, tls })}
          />
        </>
      )}
      <EventTypeChoices draft={draft} setDraft={setDraft} errors={byField.events} />
      <div class="field">
        <label for="description">Description (optional)</label>
        <input
          {...describedBy('description', byField.description)}
          value={draft.description}
          maxLength={512}
          onInput={(event) => setDraft({ ...draft, description: event.currentTarget.value })}
        />
        <FieldError id="description" errors={byField.description} />
      </div>
      <div class="field">
        <label for="filter">Filter (optional, JSON)</label>
        <textarea
          {...describedBy('filter', filterErrors, 'filter-hint')}
          rows={4}
          spellcheck={false}
          placeholder={FILTER_EXAMPLE}
          value={draft.filter}
          onInput={(event) => setDraft({ ...draft, filter: event.currentTarget.value })}
        />
        <p class="hint" id="filter-hint">
          Only events whose data holds one of the listed values at every path are sent. Leave empty for every event of
          the chosen types.
        </p>
        <FieldError id="filter" errors={filterErrors} />
      </div>
      <div class="field">
        <label class="checkbox">
          <input
            type="checkbox"
            id="ordering"
            aria-describedby="ordering-hint"
            checked={draft.ordered}
            onChange={(event) => setDraft({ ...draft, ordered: event.currentTarget.checked })}
          />
          <span>Deliver in order</span>
        </label>
        <p class="hint" id="ordering-hint">
          Each event is sent only once the one before it was delivered or gave up; a failing one holds back only this
          webhook.
        </p>
        <FieldError id="ordering" errors={byField.ordering} />
      </div>
      <div class="field">
        <label for="throttleRate">Deliveries per second at most (optional)</label>
        <input
          {...describedBy('throttleRate', byField.throttleRate, 'throttleRate-hint')}
          type="number"
          inputMode="numeric"
          min={1}
          max={1000}
          step={1}
          value={draft.throttleRate}
          onInput={(event) => setDraft({ ...draft, throttleRate: event.currentTarget.value })}
        />
        <p class="hint" id="throttleRate-hint">
          1 to 1,000. Deliveries beyond it wait their turn; none is dropped. Leave empty for no limit.
        </p>
        <FieldError id="throttleRate" errors={byField.throttleRate} />
      </div>
      {draft.target === 'url' && (
        <div class="field">
          <label for="headers">Custom headers (optional)</label>
          <textarea
            {...describedBy('headers', headerErrors, 'headers-hint')}
            rows={3}
            spellcheck={false}
            autoComplete="off"
            placeholder="Authorization: Bearer …"
            value={draft.headers}
            onInput={(event) => setDraft({ ...draft, headers: event.currentTarget.value })}
          />
          <p class="hint" id="headers-hint">
            Sent with every delivery, one <code>Name: value</code> per line (at most 20). The signature, content and
            webhook-* headers are the platform's own.
          </p>
          <FieldError id="headers" errors={headerErrors} />
        </div>
      )}
      <div class="actions">
        <button type="submit" disabled={save.running}>
          {save.running ? 'Saving…' : webhook ? 'Save changes' : 'Create webhook'}
        </button>
        <Link to={webhook ? `webhooks/${webhook.id}` : ''} class="button secondary">
          Cancel
        </Link>
      </div>
    </form>
  );
}

export function WebhookFormPage({ webhookId }: { webhookId?: string }) {
  const existing = useLoad((api) => (webhookId ? api.getWebhook(webhookId) : Promise.resolve(undefined)), [webhookId]);
  return (
    <>
      <h1 tabIndex={-1}>{webhookId ? 'Edit webhook' : 'New webhook'}</h1>
      {existing.error && <ErrorNotice error={existing.error} title="Could not load the webhook" />}
      {existing.loading && <Loading />}
      {!existing.loading && !existing.error && <WebhookForm webhook={existing.data} />}
    </>
  );
}
