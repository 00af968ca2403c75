import type { ServerResponse } from 'node:http';
import { buildConsole } from '../lib/console-bundle';
import { CONSOLE_PATH, consoleResponse, type ConsoleSite } from '../lambdas/console/console-site';

let site: ConsoleSite | undefined;

export const isConsoleRequest = (method: string | undefined, pathname: string): boolean =>
  (method === 'GET' || method === 'HEAD') && (pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`));

/** Serves the console as the deployed console function does; built on the first request, in memory. */
export function serveConsole(response: ServerResponse, method: string, pathname: string): void {
  site ??= buildConsole();
  const subPath = pathname.slice(CONSOLE_PATH.length).replace(/^\//, '');
  const { statusCode, headers, body } = consoleResponse(site, subPath, `${CONSOLE_PATH}/`);
  response.writeHead(statusCode, headers);
  response.end(method === 'HEAD' ? undefined : body);
}
