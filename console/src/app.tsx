import { useEffect, useMemo, useState } from 'preact/hooks';
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

function Page({ route }: { route: string }) {
  let params: Record<string, string> | undefined;
  if (route === '') return <WebhooksPage />;
  if (route === 'webhooks/new') return <WebhookFormPage />;
  if ((params = match('webhooks/:id/edit', route))) return <WebhookFormPage webhookId={params.id} />;
  if ((params = match('webhooks/:id/deliveries/:eventId', route))) return <DeliveryPage webhookId={params.id!} eventId={params.eventId!} />;
  if ((params = match('webhooks/:id', route))) return <WebhookPage webhookId={params.id!} />;
  if (route === 'events') return <EventsPage />;
  if ((params = match('events/:id', route))) return <EventPage eventId={params.id!} />;
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
  const [first, setFirst] = useState(true);
  useEffect(() => {
    if (first) return setFirst(false);
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
