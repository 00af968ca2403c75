import { useState } from 'preact/hooks';
import { targetOf } from '../webhook-target';
import type { EventType, Webhook } from '../api-types';
import { Health, WebhookState } from '../components/badges';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DeliveryLog } from '../components/delivery-log';
import { ErrorNotice, Loading, Success, Time } from '../components/feedback';
import { RecoverForm } from '../components/recover-form';
import { CopyButton } from '../components/copy-button';
import { SecretPanel } from '../components/secret-panel';
import { VerificationDetails } from '../components/verification';
import { Link, navigate } from '../router';
import { takeCreated } from '../shown-once';
import { useAction, useLoad } from '../use-api';

function Actions({ webhook, onChanged }: { webhook: Webhook; onChanged: (webhook: Webhook) => void }) {
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const toggle = useAction((api) => api.updateWebhook(webhook.id, { active: !webhook.active }));
  const [testType, setTestType] = useState<EventType>(webhook.events[0]!);
  const test = useAction((api) => api.sendTest(webhook.id, testType));
  const remove = useAction((api) => api.deleteWebhook(webhook.id).then(() => true));

  return (
    <>
      <div class="actions" role="group" aria-label="Webhook actions">
        <Link to={`webhooks/${webhook.id}/edit`} class="button secondary">
          Edit
        </Link>
        <button
          type="button"
          class="secondary"
          disabled={toggle.running}
          onClick={() => toggle.run().then((changed) => changed && onChanged(changed))}
        >
          {webhook.active ? 'Pause' : 'Resume'}
        </button>
        {!test.error?.isMissingRoute && (
          <span class="test-event">
            <label for="test-type" class="visually-hidden">
              Type of the test event
            </label>
            <select
              id="test-type"
              value={testType}
              onChange={(event) => setTestType(event.currentTarget.value as EventType)}
            >
              {webhook.events.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
            <button
              type="button"
              class="secondary"
              disabled={test.running || !webhook.active}
              onClick={() => test.run()}
            >
              {test.running ? 'Sending…' : 'Send test event'}
            </button>
          </span>
        )}
        <button type="button" class="danger" onClick={() => setConfirmingDelete(true)}>
          Delete
        </button>
      </div>
      {toggle.error && <ErrorNotice error={toggle.error} />}
      {test.error && !test.error.isMissingRoute && <ErrorNotice error={test.error} title="The test was not sent" />}
      {test.result && (
        <Success>
          Test event sent:{' '}
          <Link to={`webhooks/${webhook.id}/deliveries/${test.result.eventId}`}>{test.result.eventId}</Link>. It appears
          in the log below as it is delivered.
        </Success>
      )}
      <ConfirmDialog
        open={confirmingDelete}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        busy={remove.running}
        onCancel={() => setConfirmingDelete(false)}
        onConfirm={async () => {
          if (await remove.run()) navigate('');
        }}
      >
        <p>
          Events stop going to <strong class="break">{targetOf(webhook)}</strong> at once, including those already
          queued. This cannot be undone.
        </p>
        {remove.error && <ErrorNotice error={remove.error} />}
      </ConfirmDialog>
    </>
  );
}

export function WebhookPage({ webhookId }: { webhookId: string }) {
  const loaded = useLoad((api) => api.getWebhook(webhookId), [webhookId]);
  // a webhook just created arrives with its secret, shown once; a rotation's answer has the new one
  const [changed, setChanged] = useState<Webhook | undefined>(() => takeCreated(webhookId));
  const webhook = changed?.id === webhookId ? changed : loaded.data;

  if (loaded.error) {
    return (
      <>
        <h1 tabIndex={-1}>Webhook</h1>
        <ErrorNotice
          error={loaded.error}
          title={loaded.error.status === 404 ? 'No such webhook' : 'Could not load the webhook'}
        />
        <Link to="">Back to webhooks</Link>
      </>
    );
  }
  if (!webhook) return <Loading what="Loading the webhook" />;
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <Link to="">Webhooks</Link> / <span aria-current="page">{webhook.description || webhook.id}</span>
      </nav>
      <h1 tabIndex={-1} class="break">
        {targetOf(webhook)}
      </h1>
      <section class="card" aria-label="Webhook details">
        <dl class="details">
          <dt>State</dt>
          <dd>
            <WebhookState webhook={webhook} /> <Health webhook={webhook} />
          </dd>
          <VerificationDetails webhook={webhook} onChanged={setChanged} />
          <dt>Description</dt>
          <dd>{webhook.description ?? <span class="muted">none</span>}</dd>
          <dt>Event types</dt>
          <dd>{webhook.events.join(', ')}</dd>
          {webhook.filter && (
            <>
              <dt>Filter</dt>
              <dd>
                <code class="pre-wrap">{JSON.stringify(webhook.filter)}</code>
              </dd>
            </>
          )}
          <dt>Order</dt>
          <dd>{webhook.ordering === 'fifo' ? 'in order (each after the one before it)' : 'as they come'}</dd>
          {webhook.throttleRate !== null && (
            <>
              <dt>Rate limit</dt>
              <dd>{webhook.throttleRate} deliveries per second at most</dd>
            </>
          )}
          {webhook.auth && (
            <>
              <dt>Endpoint auth</dt>
              <dd>
                {webhook.auth.type === 'basic'
                  ? `basic, as ${webhook.auth.username}`
                  : `OAuth2 client credentials, client ${webhook.auth.clientId}`}{' '}
                <span class="muted">(secret write-only)</span>
              </dd>
            </>
          )}
          {webhook.tls && (
            <>
              <dt>Mutual TLS</dt>
              <dd>
                {webhook.tls.certificateSubject
                  ? `client certificate ${webhook.tls.certificateSubject}, expires ` +
                    `${new Date(webhook.tls.certificateExpiresAt!).toLocaleString()}`
                  : 'no client certificate'}
                {webhook.tls.caCertificate ? '; private CA trusted' : ''}
              </dd>
            </>
          )}
          {Object.keys(webhook.headers ?? {}).length > 0 && (
            <>
              <dt>Custom headers</dt>
              <dd>
                <details>
                  <summary>{Object.keys(webhook.headers!).join(', ')}</summary>
                  <ul class="plain-list">
                    {Object.entries(webhook.headers!).map(([name, value]) => (
                      <li key={name} class="mono">
                        {name}: {value}
                      </li>
                    ))}
                  </ul>
                </details>
              </dd>
            </>
          )}
          {webhook.publicKey && (
            <>
              <dt>Public key (ed25519)</dt>
              <dd>
                <div class="secret-row">
                  <code class="secret" title="Receivers verify the v1a signatures with it; it cannot sign">
                    {webhook.publicKey}
                  </code>
                  <CopyButton text={webhook.publicKey} label="public key" />
                </div>
              </dd>
            </>
          )}
          <dt>ID</dt>
          <dd class="mono">{webhook.id}</dd>
          <dt>Created</dt>
          <dd>
            <Time iso={webhook.createdAt} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time iso={webhook.updatedAt} />
          </dd>
        </dl>
        <Actions webhook={webhook} onChanged={setChanged} />
      </section>
      <SecretPanel webhook={webhook} onRotated={setChanged} />
      <DeliveryLog webhook={webhook} />
      <RecoverForm webhook={webhook} />
    </>
  );
}
