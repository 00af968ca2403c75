import { CONSOLE_PATH } from '../lambdas/console/console-site';
import { LOCAL_PORTS } from './local-settings';

export const localConsoleUrl = (apiPort: number = LOCAL_PORTS.api): string =>
  `http://127.0.0.1:${apiPort}${CONSOLE_PATH}`;

/** The token rides in the fragment: browsers never send it to a server, so it reaches no access log. */
export const portalLink = (consoleUrl: string, token: string): string =>
  `${consoleUrl.replace(/\/+$/, '')}#token=${token}`;
