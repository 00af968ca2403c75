import { useEffect, useState } from 'preact/hooks';
import type { DeliveryQuery } from '../api-client';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type DeliverySummary,
  type EventType,
  type Webhook,
} from '../api-types';
import { StatusBadge } from './badges';
import { Empty, ErrorNotice, Loading, Time } from './feedback';
import { Link } from '../router';
import { useLoad } from '../use-api';

const REFRESH_MS = 5000;

/** A `datetime-local` value (the viewer's time zone) as ISO-8601, or undefined when empty. */
export const isoFromLocal = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);

function LogRows({ webhookId, deliveries }: { webhookId: string; deliveries: DeliverySummary[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last attempt</th>
            <th scope="col">Received</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.eventId}>
              <td data-label="Event">
                <Link to={`webhooks/${webhookId}/deliveries/${delivery.eventId}`}>{delivery.eventType}</Link>
                <div class="muted mono">{delivery.eventId}</div>
              </td>
              <td data-label="Status">
                <StatusBadge status={delivery.status} />
              </td>
              <td data-label="Attempts">{delivery.attemptCount}</td>
              <td data-label="Last attempt">
                {delivery.lastAttempt ? (
                  <>
                    {delivery.lastAttempt.statusCode ?? 'no answer'}
                    {delivery.lastAttempt.error && <div class="muted">{delivery.lastAttempt.error}</div>}
                  </>
                ) : (
                  <span class="muted">not yet</span>
                )}
              </td>
              <td data-label="Received">
                <Time iso={delivery.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A webhook's deliveries, newest first, filtered by status, type and time; refreshed while it is on screen. */
export function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [eventType, setEventType] = useState<EventType | ''>('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [cursor, setCursor] = useState<string>();
  const query: DeliveryQuery = { status, eventType, since: isoFromLocal(since), until: isoFromLocal(until), cursor };
  const log = useLoad(
    (api) => api.listDeliveries(webhook.id, query),
    [webhook.id, status, eventType, since, until, cursor],
  );

  const routeMissing = log.error?.isMissingRoute ?? false;
  useEffect(() => {
    // an older page does not change under the reader
    if (cursor || routeMissing) return undefined;
    const timer = setInterval(() => document.visibilityState === 'visible' && log.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [cursor, routeMissing, log.reload]);

  if (routeMissing) return null;
  const resetPaging = () => setCursor(undefined);
  return (
    <section aria-labelledby="log-title" class="card">
      <div class="section-head">
        <h2 id="log-title">Delivery log</h2>
        <button type="button" class="secondary" onClick={log.reload} disabled={log.loading}>
          {log.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="log-status">Status</label>
          <select
            id="log-status"
            value={status}
            onChange={(event) => (setStatus(event.currentTarget.value as DeliveryStatus | ''), resetPaging())}
          >
            <option value="">any</option>
            {DELIVERY_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="log-type">Event type</label>
          <select
            id="log-type"
            value={eventType}
            onChange={(event) => (setEventType(event.currentTarget.value as EventType | ''), resetPaging())}
          >
            <option value="">any</option>
            {webhook.events.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="log-since">From</label>
          <input
            id="log-since"
            type="datetime-local"
            value={since}
            onChange={(event) => (setSince(event.currentTarget.value), resetPaging())}
          />
        </div>
        <div class="field">
          <label for="log-until">Until</label>
          <input
            id="log-until"
            type="datetime-local"
            value={until}
            onChange={(event) => (setUntil(event.currentTarget.value), resetPaging())}
          />
        </div>
      </form>
      {log.error && <ErrorNotice error={log.error} title="Could not load the delivery log" />}
      {log.loading && !log.data && <Loading what="Loading deliveries" />}
      {log.data && log.data.data.length === 0 && (
        <Empty>No deliveries match. Send a test event to see one arrive.</Empty>
      )}
      {log.data && log.data.data.length > 0 && <LogRows webhookId={webhook.id} deliveries={log.data.data} />}
      <div class="actions">
        {cursor && (
          <button type="button" class="secondary" onClick={resetPaging}>
            Newest
          </button>
        )}
        {log.data?.hasMore && log.data.nextCursor && (
          <button type="button" class="secondary" onClick={() => setCursor(log.data!.nextCursor!)}>
            Older
          </button>
        )}
      </div>
    </section>
  );
}
