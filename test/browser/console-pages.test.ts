import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-keys';
import { startReceiver, type Receiver } from '../../local/receiver';
import {
  DESKTOP,
  launchChromium,
  newConsolePage,
  PHONE,
  seriousAccessibilityViolations,
  type ConsolePage,
} from '../helpers/browser';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

/** `SCREENSHOTS=1` (npm run console:screenshots) writes the README's pictures of these pages to docs/. */
const SCREENSHOT_DIR = process.env.SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : undefined;

/** axe-core takes seconds per page on a busy machine (two cores, the whole suite running). */
const AXE_TIMEOUT_MS = 60_000;

let platform: TestPlatform;
let browser: Browser;
let receiver: Receiver;
let token: string;
const ids = { webhook: '', failedEvent: '' };

/** A tenant with something to look at: two webhooks (one paused), events delivered and failed. */
async function seed(): Promise<void> {
  const { tenantId, key } = await platform.newTenant('pages');
  ({ token } = await platform.apiKeys.createPortalToken(tenantId));
  const create = (body: unknown) => platform.request('POST', '/v2/webhooks', { key, body });
  const orders = await create({
    url: `${receiver.url}/hooks/orders`,
    events: ['verification.completed', 'verification.failed', 'document.uploaded'],
    description: 'Orders service (production)',
  });
  ids.webhook = orders.body.id;
  await create({
    url: `${receiver.url}/hooks/audit`,
    events: ['biometric.captured'],
    description: 'Audit archive',
    active: false,
  });
  // disabled by the platform (410 Gone or auto-disable), as the delivery pipeline records it
  const legacy = await create({
    url: `${receiver.url}/hooks/legacy`,
    events: ['document.uploaded'],
    description: 'Legacy CRM',
  });
  await platform.documentClient.send(
    new UpdateCommand({
      TableName: platform.tableName,
      Key: { pk: keys.tenant(tenantId), sk: keys.webhook(legacy.body.id) },
      UpdateExpression: 'SET active = :false, disabledReason = :reason',
      ExpressionAttributeValues: { ':false': false, ':reason': 'The endpoint answered 410 Gone' },
    }),
  );
  // the receiver fails the failed verifications: the log then has both outcomes
  receiver.behaviour.decide = (delivery) =>
    delivery.eventType === 'verification.failed'
      ? { status: 503, body: '{"error":"upstream timeout"}' }
      : { status: 200, body: 'ok' };
  const events = producer(platform);
  const types = [
    'verification.completed',
    'document.uploaded',
    'verification.failed',
    'verification.completed',
    'document.uploaded',
  ];
  for (const [index, type] of types.entries()) {
    await events.publish({
      tenantId,
      type,
      data: { verificationId: `ver_${index}`, projectId: 'proj_2b8XkV', status: type.split('.')[1] },
    });
  }
  const log = await waitFor(
    async () => {
      const page = await platform.request('GET', `/v2/webhooks/${ids.webhook}/deliveries`, { key });
      return (
        page.body.data?.length === types.length &&
        page.body.data.every((item: { attemptCount: number }) => item.attemptCount > 0) &&
        page.body.data
      );
    },
    { timeoutMs: 20_000, what: 'the seeded deliveries' },
  );
  ids.failedEvent = log.find((item: { eventType: string }) => item.eventType === 'verification.failed').eventId;
  // its endpoint was found slow (docs/design.md §9, the slow lane), as the deliver function records it
  await platform.documentClient.send(
    new UpdateCommand({
      TableName: platform.tableName,
      Key: { pk: keys.tenant(tenantId), sk: keys.webhook(ids.webhook) },
      UpdateExpression: 'SET slowLaneUntil = :until',
      ExpressionAttributeValues: { ':until': new Date(Date.now() + 3600_000).toISOString() },
    }),
  );
}

beforeAll(async () => {
  [platform, browser, receiver] = await Promise.all([
    startTestPlatform({}, { retryScheduleSeconds: [3600] }),
    launchChromium(),
    startReceiver(),
  ]);
  await seed();
});
afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
  await platform?.stop();
});

interface ConsoleView {
  name: string;
  path: string;
  /** What shows once the page has loaded its data. */
  ready: (page: Page) => Promise<void>;
}

const VIEWS: ConsoleView[] = [
  { name: 'webhooks', path: '', ready: (page) => page.getByText('The endpoint answered 410 Gone').waitFor() },
  {
    name: 'webhook',
    path: `webhooks/{webhook}`,
    ready: async (page) => {
      await page.getByRole('row', { name: /verification\.failed/ }).waitFor();
      await page
        .getByText(/slow endpoint: deliveries go through the slow lane until/)
        .first()
        .waitFor();
    },
  },
  {
    name: 'new-webhook',
    path: 'webhooks/new',
    ready: (page) => page.getByRole('checkbox', { name: /document\.uploaded/ }).waitFor(),
  },
  {
    name: 'delivery',
    path: `webhooks/{webhook}/deliveries/{failedEvent}`,
    ready: (page) => page.getByRole('heading', { name: 'Attempt 1' }).waitFor(),
  },
  {
    name: 'events',
    path: 'events',
    ready: (page) => page.getByRole('row', { name: /verification\.failed/ }).waitFor(),
  },
  {
    name: 'event',
    path: 'events/{failedEvent}',
    ready: (page) => page.getByRole('heading', { name: 'Where it went' }).waitFor(),
  },
];

const pathOf = (view: ConsoleView) =>
  view.path.replace('{webhook}', ids.webhook).replace('{failedEvent}', ids.failedEvent);

describe.each([
  { viewport: DESKTOP, suffix: '' },
  { viewport: PHONE, suffix: '-phone' },
])('Console pages at $viewport.width px', ({ viewport, suffix }) => {
  let session: ConsolePage;

  beforeAll(async () => {
    session = await newConsolePage(browser, viewport);
    await session.page.goto(`${platform.apiUrl}/console#token=${token}`);
  });
  afterAll(() => session.context.close());

  it.each(VIEWS)(
    '$name: loads, fits the width, and has no serious or critical accessibility violation',
    async (view) => {
      // Act
      const { page } = session;
      await page.goto(`${platform.apiUrl}/console/${pathOf(view)}`);
      await view.ready(page);

      // Assess
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      expect(session.problems).toEqual([]);
      if (SCREENSHOT_DIR && (suffix === '' || view.name === 'webhooks' || view.name === 'delivery')) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${view.name}${suffix}.png`), fullPage: true });
      }
    },
    AXE_TIMEOUT_MS,
  );

  it(
    'sign-in page: no serious or critical accessibility violation',
    async () => {
      // Prepare
      const signedOut = await newConsolePage(browser, viewport);

      // Act
      await signedOut.page.goto(`${platform.apiUrl}/console`);
      await signedOut.page.getByLabel('API key').waitFor();

      // Assess
      expect(await seriousAccessibilityViolations(signedOut.page)).toEqual([]);
      if (SCREENSHOT_DIR && suffix === '')
        await signedOut.page.screenshot({ path: join(SCREENSHOT_DIR, 'console-sign-in.png') });
      await signedOut.context.close();
    },
    AXE_TIMEOUT_MS,
  );
});
