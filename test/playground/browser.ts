import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * A real browser for the playground tests and screenshots: Debian's chromium driven by playwright-core. Every
 * request the page makes is watched; anything not on 127.0.0.1 is blocked and remembered, so that a test can
 * assert that the page works offline. Page errors are collected too.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const IN_CI = process.env.CI === 'true';

export const NO_CHROMIUM_MESSAGE =
  `browser tests skipped: no chromium at ${CHROMIUM} (install it with "apt-get install -y chromium", ` +
  'or set CHROMIUM_PATH); in CI (CI=true) this is a failure';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Requests to anything but 127.0.0.1 (blocked). */
  outside: string[];
  /** Uncaught errors and console errors on the page. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  url: string,
  opts: { width?: number; height?: number } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    deviceScaleFactor: 1,
  });
  const outside: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.hostname === '127.0.0.1') return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, outside, errors, close: () => context.close() };
}
