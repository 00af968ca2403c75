import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient } from './api-client';
import { DeliveryPage } from './pages/delivery';
import { EventPage, EventsPage } from './pages/events';
import { SignInPage, type SignInReason } from './pages/sign-in';
import { WebhookPage } from './pages/webhook';
import { WebhookFormPage } from './pages/webhook-form';
import { WebhooksPage } from './pages/webhooks';
import { Link, match, useRoute } from './router';
import { forgetCredential, storeCredential, storedCredential } from './session';
import { ApiContext } from './use-api';
import { Empty } from './components/feedback';

/** The app's pages by route pattern, first match wins (so `webhooks/new` before `webhooks/:id`). */
const PAGES: ReadonlyArray<[pattern: string, render: (params: Record<string, string>) => JSX.Element]> = [
  ['', () => <WebhooksPage />],
  ['webhooks/new', () => <WebhookFormPage />],
  ['webhooks/:id/edit', ({ id }) => <WebhookFormPage webhookId={id} />],
  ['webhooks/:id/deliveries/:eventId', ({ id, eventId }) => <DeliveryPage webhookId={id} eventId={eventId} />],
  ['webhooks/:id', ({ id }) => <WebhookPage webhookId={id} />],
  ['events', () => <EventsPage />],
  ['events/:id', ({ id }) => <EventPage eventId={id} />],
];

function Page({ route }: { route: string }) {
  for (const [pattern, render] of PAGES) {
    const params = match(pattern, route);
    if (params) return render(params);
  }
  return (
    <>
      <h1 tabIndex={-1}>Not found</h1>
      <Empty>
        There is no such page. <Link to="">Go to your webhooks</Link>.
      </Empty>
    </>
  );
}

/** Moves focus to the new page's heading, so keyboard and screen-reader users start there. */
function useFocusOnNavigation(route: string) {
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }, [route]);
}

export function App() {
  const [credential, setCredential] = useState(storedCredential);
  const [signInReason, setSignInReason] = useState<SignInReason>('none');
  const route = useRoute();
  useFocusOnNavigation(route);

  const api = useMemo(
    () =>
      credential
        ? new ApiClient(credential, () => {
            // expired, revoked or wrong: forget it and say so, never keep showing data
            forgetCredential();
            setSignInReason('expired');
            setCredential(null);
          })
        : null,
    [credential],
  );

  if (!api) {
    return (
      <SignInPage
        reason={signInReason}
        onSignedIn={(value) => {
          storeCredential(value);
          setCredential(value);
        }}
      />
    );
  }
  const section = route.startsWith('events') ? 'events' : 'webhooks';
  return (
    <ApiContext.Provider value={api}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Webhooks</span>
        <nav aria-label="Main">
          <Link to="" class={section === 'webhooks' ? 'current' : undefined}>
            Webhooks
          </Link>
          <Link to="events" class={section === 'events' ? 'current' : undefined}>
            Events
          </Link>
        </nav>
        <button
          type="button"
          class="secondary sign-out"
          onClick={() => {
            forgetCredential();
            setSignInReason('signed-out');
            setCredential(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        <Page key={route} route={route} />
      </main>
    </ApiContext.Provider>
  );
}
