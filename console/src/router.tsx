import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The console's own path (`/console/` locally, `/<stage>/console/` on AWS), from the page's `<base href>`. */
const basePath = new URL(document.baseURI).pathname;
const NAVIGATED = 'console:navigate';

/** The app's route: the path under the console, e.g. `webhooks/webhook_01…`. */
export function currentRoute(): string {
  const path = location.pathname.startsWith(basePath) ? location.pathname.slice(basePath.length) : '';
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

export function navigate(to: string): void {
  history.pushState(null, '', basePath + to);
  dispatchEvent(new Event(NAVIGATED));
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('popstate', update);
    addEventListener(NAVIGATED, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** A real link (open in a new tab works) that navigates inside the app on a plain click. */
export function Link({ to, children, class: className }: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={basePath + to}
      class={className}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** Matches `webhooks/:id` style patterns; returns the named segments or undefined. */
export function match(pattern: string, route: string): Record<string, string> | undefined {
  const source = pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)');
  const found = new RegExp(`^${source}/?$`).exec(route);
  return found ? { ...found.groups } : undefined;
}
