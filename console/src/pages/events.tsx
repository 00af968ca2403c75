import { useState } from 'preact/hooks';
import { DELIVERY_STATUSES, type EventSummary, type EventType } from '../api-types';
import { StatusBadge } from '../components/badges';
import { isoFromLocal } from '../components/delivery-log';
import { Empty, ErrorNotice, Loading, Time } from '../components/feedback';
import { Link } from '../router';
import { useLoad } from '../use-api';

function Counts({ event }: { event: EventSummary }) {
  const present = DELIVERY_STATUSES.filter((status) => (event.deliveryCounts[status] ?? 0) > 0);
  if (present.length === 0) return <span class="muted">no webhook</span>;
  return (
    <span class="counts">
      {present.map((status) => (
        <span key={status}>
          <StatusBadge status={status} /> {event.deliveryCounts[status]}
        </span>
      ))}
    </span>
  );
}

/** The audit trail: every event the tenant received, newest first, and how its deliveries went. */
export function EventsPage() {
  const [type, setType] = useState<EventType | ''>('');
  const [since, setSince] = useState('');
  const [cursor, setCursor] = useState<string>();
  const catalog = useLoad((api) => api.listEventTypes().catch(() => ({ data: [] })), []);
  const events = useLoad((api) => api.listEvents({ type, since: isoFromLocal(since), cursor }), [type, since, cursor]);

  return (
    <>
      <h1 tabIndex={-1}>Events</h1>
      {events.error?.isMissingRoute ? (
        <Empty>The events API is not available on this deployment yet.</Empty>
      ) : (
        <section class="card" aria-label="Events">
          <form class="filters" onSubmit={(event) => event.preventDefault()}>
            <div class="field">
              <label for="events-type">Type</label>
              <select
                id="events-type"
                value={type}
                onChange={(event) => (setType(event.currentTarget.value as EventType | ''), setCursor(undefined))}
              >
                <option value="">any</option>
                {(catalog.data?.data ?? []).map((entry) => (
                  <option key={entry.name} value={entry.name}>
                    {entry.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="events-since">From</label>
              <input
                id="events-since"
                type="datetime-local"
                value={since}
                onChange={(event) => (setSince(event.currentTarget.value), setCursor(undefined))}
              />
            </div>
            <div class="field field-button">
              <button type="button" class="secondary" onClick={events.reload} disabled={events.loading}>
                {events.loading ? 'Refreshing…' : 'Refresh'}
              </button>
            </div>
          </form>
          {events.error && <ErrorNotice error={events.error} title="Could not load events" />}
          {events.loading && !events.data && <Loading what="Loading events" />}
          {events.data && events.data.data.length === 0 && <Empty>No events match.</Empty>}
          {events.data && events.data.data.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Events, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Received</th>
                    <th scope="col">Deliveries</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.data.map((event) => (
                    <tr key={event.id}>
                      <td data-label="Type">
                        <Link to={`events/${event.id}`}>{event.type}</Link>
                        <div class="muted mono">{event.id}</div>
                      </td>
                      <td data-label="Received">
                        <Time iso={event.receivedAt} />
                      </td>
                      <td data-label="Deliveries">
                        <Counts event={event} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="actions">
            {cursor && (
              <button type="button" class="secondary" onClick={() => setCursor(undefined)}>
                Newest
              </button>
            )}
            {events.data?.hasMore && events.data.nextCursor && (
              <button type="button" class="secondary" onClick={() => setCursor(events.data!.nextCursor!)}>
                Older
              </button>
            )}
          </div>
        </section>
      )}
    </>
  );
}

export function EventPage({ eventId }: { eventId: string }) {
  const event = useLoad((api) => api.getEvent(eventId), [eventId]);
  const data = event.data;
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <Link to="events">Events</Link> / <span aria-current="page">{eventId}</span>
      </nav>
      <h1 tabIndex={-1}>Event {data ? data.type : ''}</h1>
      {event.error && (
        <ErrorNotice
          error={event.error}
          title={event.error.status === 404 ? 'No such event' : 'Could not load the event'}
        />
      )}
      {!data && event.loading && <Loading what="Loading the event" />}
      {data && (
        <>
          <section class="card" aria-labelledby="went-title">
            <h2 id="went-title">Where it went</h2>
            <p>
              Received <Time iso={data.receivedAt} />.
            </p>
            {data.deliveries.length === 0 ? (
              <Empty>No webhook subscribed to it.</Empty>
            ) : (
              <ul class="plain-list">
                {data.deliveries.map((delivery) => (
                  <li key={delivery.webhookId}>
                    <StatusBadge status={delivery.status} />{' '}
                    <Link to={`webhooks/${delivery.webhookId}/deliveries/${data.id}`}>{delivery.webhookId}</Link>{' '}
                    <span class="muted">
                      {delivery.attemptCount} attempt{delivery.attemptCount === 1 ? '' : 's'}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">Event as delivered</h2>
            <pre class="payload" tabIndex={0} aria-label="Event body">
              {JSON.stringify({ id: data.id, type: data.type, data: data.data }, null, 2)}
            </pre>
          </section>
        </>
      )}
    </>
  );
}
