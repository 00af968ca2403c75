/** Where the web console is served, under the API's own URL (lambdas/console/console-site.ts serves it). */
export const CONSOLE_PATH = '/console';

/** The token rides in the fragment: browsers never send it to a server, so it reaches no access log. */
export const portalLink = (consoleUrl: string, token: string): string =>
  `${consoleUrl.replace(/\/+$/, '')}#token=${token}`;
