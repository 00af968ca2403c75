/**
 * How the web console (docs/design.md §13) is served, the same on a laptop (local/api-gateway.ts) and in Lambda
 * (serve-console.ts): an index page for every path of the single-page app, hashed assets cached for good,
 * and headers that let the page run only its own script and talk only to its own origin.
 */
import { CONSOLE_PATH } from '../core/access/portal-links';

export { CONSOLE_PATH };

/** Where the page's own path ends and the app's routes begin: the index page's `<base href>`. */
export const BASE_HREF_PLACEHOLDER = '%BASE_HREF%';

export interface ConsoleFile {
  contentType: string;
  body: string;
}

/** The built console: the index page (with the base placeholder) and its assets by path ("assets/app-X.js"). */
export interface ConsoleSite {
  indexHtml: string;
  assets: ReadonlyMap<string, ConsoleFile>;
}

export interface ConsoleResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // the address bar may briefly hold a portal token in its fragment: never pass the page's URL on
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000',
} as const;

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The answer for `subPath` (the request path after `/console/`), with `basePath` the public path of the
 * console itself (`/console/` locally, `/<stage>/console/` behind API Gateway's default domain).
 */
export function consoleResponse(site: ConsoleSite, subPath: string, basePath: string): ConsoleResponse {
  if (subPath.startsWith('assets/')) {
    const asset = site.assets.get(subPath);
    if (!asset) {
      return {
        statusCode: 404,
        headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
        body: 'Not found',
      };
    }
    // asset names carry a hash of their content, so a cached copy is never stale
    return {
      statusCode: 200,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': asset.contentType,
        'Cache-Control': 'public, max-age=31536000, immutable',
      },
      body: asset.body,
    };
  }
  return {
    statusCode: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES['.html']!, 'Cache-Control': 'no-cache' },
    body: site.indexHtml.replace(BASE_HREF_PLACEHOLDER, escapeAttribute(basePath)),
  };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
