import { useState } from 'preact/hooks';
import type { ApiClient } from '../api-client';
import type { EventSummary, WebhookSummary } from '../api-types';
import { Health, WebhookState } from '../components/badges';
import { DeliveriesChart } from '../components/deliveries-chart';
import { countByHour } from '../hourly-counts';
import { Empty, ErrorNotice, Loading, Time } from '../components/feedback';
import { Link } from '../router';
import { useLoad } from '../use-api';

/** Enough for a day of a busy tenant's events in a handful of requests; the chart says when it stopped short. */
const CHART_MAX_PAGES = 10;

async function lastDayOfEvents(api: ApiClient): Promise<{ events: EventSummary[]; complete: boolean }> {
  const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const events: EventSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < CHART_MAX_PAGES; page += 1) {
    const result = await api.listEvents({ since, cursor, limit: 100 });
    events.push(...result.data);
    if (!result.hasMore || !result.nextCursor) return { events, complete: true };
    cursor = result.nextCursor;
  }
  return { events, complete: false };
}

function ActivityChart() {
  const { data, error, loading } = useLoad(lastDayOfEvents, []);
  // the events route may not be deployed: then the chart simply is not there
  if (error?.isMissingRoute) return null;
  return (
    <section aria-labelledby="chart-title" class="card">
      <h2 id="chart-title">Deliveries in the last 24 hours</h2>
      {error && <ErrorNotice error={error} title="Could not load the chart" />}
      {loading && !data && <Loading what="Loading the last 24 hours" />}
      {data && data.events.length === 0 && <Empty>No events in the last 24 hours.</Empty>}
      {data && data.events.length > 0 && <DeliveriesChart data={countByHour(data.events, new Date())} />}
      {data && !data.complete && <p class="muted">Showing the most recent {data.events.length} events only.</p>}
    </section>
  );
}

function WebhookRows({ webhooks }: { webhooks: WebhookSummary[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Your webhooks</caption>
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">State</th>
            <th scope="col">Events</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {webhooks.map((webhook) => (
            <tr key={webhook.id}>
              <td data-label="Endpoint" class="endpoint">
                <Link to={`webhooks/${webhook.id}`}>{webhook.url}</Link>
                {webhook.description && <div class="muted">{webhook.description}</div>}
              </td>
              <td data-label="State">
                <WebhookState webhook={webhook} /> <Health webhook={webhook} />
              </td>
              <td data-label="Events">{webhook.events.join(', ')}</td>
              <td data-label="Created">
                <Time iso={webhook.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function WebhooksPage() {
  const [cursor, setCursor] = useState<string>();
  const [earlier, setEarlier] = useState<WebhookSummary[]>([]);
  const { data, error, loading } = useLoad((api) => api.listWebhooks(cursor), [cursor]);
  const webhooks = [...earlier, ...(data?.data ?? [])];
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Webhooks</h1>
        <Link to="webhooks/new" class="button">
          New webhook
        </Link>
      </div>
      <ActivityChart />
      <section aria-labelledby="list-title" class="card">
        <h2 id="list-title">Endpoints</h2>
        {error && <ErrorNotice error={error} title="Could not load your webhooks" />}
        {loading && !data && <Loading what="Loading webhooks" />}
        {data && webhooks.length === 0 && (
          <Empty>
            No webhooks yet. <Link to="webhooks/new">Create your first webhook</Link> to receive events.
          </Empty>
        )}
        {webhooks.length > 0 && <WebhookRows webhooks={webhooks} />}
        {data?.hasMore && data.nextCursor && (
          <button
            type="button"
            class="secondary"
            disabled={loading}
            onClick={() => {
              setEarlier(webhooks);
              setCursor(data.nextCursor!);
            }}
          >
            {loading ? 'Loading…' : 'Load more'}
          </button>
        )}
      </section>
    </>
  );
}
