import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadConsoleSite } from './console-files';
import { CONSOLE_PATH, consoleResponse } from './console-site';

/** The console's files arrive in a Lambda layer, unpacked under /opt. */
const site = loadConsoleSite(process.env.CONSOLE_ASSETS_DIR ?? '/opt/console');

/**
 * GET /console and /console/{proxy+}, without authorizer: the page and its assets are public, the data is not
 * (every API call carries the user's key). `requestContext.path` holds the stage prefix that `path` leaves out.
 */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const publicPath = event.requestContext.path ?? event.path;
  const prefix = publicPath.endsWith(event.path) ? publicPath.slice(0, publicPath.length - event.path.length) : '';
  return consoleResponse(site, event.pathParameters?.proxy ?? '', `${prefix}${CONSOLE_PATH}/`);
}
