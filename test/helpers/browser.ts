import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it): the registry's own browser download is not reachable from CI. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One headless Chromium per test file; Playwright gives each launch a fresh, temporary profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations and uncaught errors seen so far: a console that works has none. */
  problems: string[];
}

/**
 * A fresh browser context (its own sessionStorage) and page that records CSP violations and page errors.
 * The recorder is added by the DevTools protocol, which the page's CSP does not govern.
 */
export async function newConsolePage(browser: Browser, viewport = DESKTOP): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport });
  // the console answers in milliseconds; a step still waiting after this is a failure worth seeing
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  await page.exposeFunction('__reportProblem', (problem: string) => problems.push(problem));
  // runs in the page, before its own script (a string: this file is type-checked for Node, not the DOM)
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) =>
    window.__reportProblem('CSP ' + event.violatedDirective + ' blocked ' + event.blockedURI));`);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems };
}

/** axe-core's WCAG checks on what the page shows now: the serious and critical findings, as readable lines. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}
