import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api-client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/** An API error as text, with the request id support will ask for. */
export function ErrorNotice({ error, title }: { error: ApiError; title?: string }) {
  return (
    <div class="notice notice-error" role="alert">
      {title && <strong>{title}: </strong>}
      {error.message}
      {error.requestId && <span class="muted"> (request {error.requestId})</span>}
    </div>
  );
}

export function Success({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice notice-success" role="status">
      {children}
    </div>
  );
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {Number.isNaN(date.getTime()) ? iso : date.toLocaleString()}
    </time>
  );
}
