import { useEffect, useState } from 'preact/hooks';
import type { Attempt, DeliveryDetail } from '../api-types';
import { StatusBadge } from '../components/badges';
import { Empty, ErrorNotice, Loading, Success, Time } from '../components/feedback';
import { Link } from '../router';
import { useAction, useLoad } from '../use-api';

const POLL_MS = 1000;
const POLL_FOR_MS = 20_000;

/**
 * The payload as sent, indented when that changes nothing but whitespace: a number JavaScript cannot hold
 * exactly (an integer past 2^53) would come back altered, and then the exact text is shown instead.
 */
function pretty(payload: string): string {
  try {
    const parsed: unknown = JSON.parse(payload);
    return JSON.stringify(parsed) === payload ? JSON.stringify(parsed, null, 2) : payload;
  } catch {
    return payload;
  }
}

function AttemptRows({ attempts }: { attempts: Attempt[] }) {
  return (
    <ol class="attempts">
      {attempts.map((attempt, index) => (
        <li key={`${attempt.at}-${index}`} class="card attempt">
          <h3>
            Attempt {index + 1} <span class="muted">({attempt.trigger})</span>
          </h3>
          <dl class="details">
            <dt>Time</dt>
            <dd>
              <Time iso={attempt.at} />
            </dd>
            <dt>Status code</dt>
            <dd>{attempt.statusCode ?? <span class="muted">no answer</span>}</dd>
            <dt>Duration</dt>
            <dd>{attempt.durationMs} ms</dd>
            {attempt.error && (
              <>
                <dt>Error</dt>
                <dd class="break">{attempt.error}</dd>
              </>
            )}
          </dl>
          {attempt.response !== undefined && (
            <>
              <h4>Receiver's answer</h4>
              {/* whatever the receiver sent is text here, never markup */}
              <pre class="response" tabIndex={0} aria-label={`Response body of attempt ${index + 1}`}>
                {attempt.response || '(empty)'}
              </pre>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

export function DeliveryPage({ webhookId, eventId }: { webhookId: string; eventId: string }) {
  const delivery = useLoad((api) => api.getDelivery(webhookId, eventId), [webhookId, eventId]);
  const retry = useAction((api) => api.retryDelivery(webhookId, eventId));
  const [watchUntil, setWatchUntil] = useState(0);

  // after a retry (or while a delivery is pending), watch for the new attempt to be logged
  const watching = Date.now() < watchUntil || delivery.data?.status === 'pending';
  useEffect(() => {
    if (!watching) return undefined;
    const timer = setTimeout(delivery.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [watching, delivery.data, delivery.error]);

  const data: DeliveryDetail | undefined = delivery.data;
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <Link to="">Webhooks</Link> / <Link to={`webhooks/${webhookId}`}>Webhook</Link> /{' '}
        <span aria-current="page">Delivery</span>
      </nav>
      <h1 tabIndex={-1}>Delivery {data ? `of ${data.eventType}` : ''}</h1>
      {delivery.error && (
        <ErrorNotice
          error={delivery.error}
          title={delivery.error.status === 404 ? 'No such delivery' : 'Could not load the delivery'}
        />
      )}
      {!data && delivery.loading && <Loading what="Loading the delivery" />}
      {data && (
        <>
          <section class="card" aria-label="Delivery summary">
            <dl class="details">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={data.status} />
                {data.reason && <span class="muted"> {data.reason}</span>}
              </dd>
              <dt>Event</dt>
              <dd class="mono">
                <Link to={`events/${data.eventId}`}>{data.eventId}</Link>
              </dd>
              <dt>Received</dt>
              <dd>
                <Time iso={data.createdAt} />
              </dd>
              {data.nextAttemptAt && (
                <>
                  <dt>Next attempt</dt>
                  <dd>
                    <Time iso={data.nextAttemptAt} />
                  </dd>
                </>
              )}
            </dl>
            {!retry.error?.isMissingRoute && (
              <div class="actions">
                <button
                  type="button"
                  disabled={retry.running}
                  onClick={async () => {
                    if (await retry.run()) setWatchUntil(Date.now() + POLL_FOR_MS);
                  }}
                >
                  {retry.running ? 'Queuing…' : 'Retry now'}
                </button>
              </div>
            )}
            {retry.error && !retry.error.isMissingRoute && <ErrorNotice error={retry.error} title="Not retried" />}
            {retry.result && <Success>Retry queued; the new attempt appears below.</Success>}
          </section>
          <section aria-labelledby="attempts-title">
            <h2 id="attempts-title">Attempts ({data.attempts.length})</h2>
            {data.attempts.length === 0 ? (
              <Empty>No attempt yet: it is queued.</Empty>
            ) : (
              <AttemptRows attempts={data.attempts} />
            )}
          </section>
          <section aria-labelledby="payload-title" class="card">
            <h2 id="payload-title">Payload</h2>
            {data.payload === undefined ? (
              <Empty>Erased: the event's payload was erased; its id, type, time and deliveries are kept.</Empty>
            ) : (
              <pre class="payload" tabIndex={0} aria-label="Payload as sent">
                {pretty(data.payload)}
              </pre>
            )}
          </section>
        </>
      )}
    </>
  );
}
