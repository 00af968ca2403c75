import { CONSOLE_PATH } from '../lambdas/core/access/portal-links';
import { LOCAL_PORTS } from './local-settings';

export { portalLink } from '../lambdas/core/access/portal-links';

export const localConsoleUrl = (apiPort: number = LOCAL_PORTS.api): string =>
  `http://127.0.0.1:${apiPort}${CONSOLE_PATH}`;
