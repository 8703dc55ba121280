import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { launch, openPage, type WatchedPage } from './browser.js';
import { type RunningPlayground, startPlaygroundBot } from './start-bot.js';

/**
 * One playground bot and one browser per describe, a fresh page and fresh demo data per test; after every test,
 * nothing failed on the page and nothing left the machine. Call inside a describe; read `pg` and `w` in tests.
 */
export function playgroundInBrowser(): { readonly pg: RunningPlayground; readonly w: WatchedPage } {
  let pg: RunningPlayground;
  let browser: Browser;
  let w: WatchedPage;
  beforeAll(async () => {
    [pg, browser] = await Promise.all([startPlaygroundBot(), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  });
  beforeEach(async () => {
    await pg.playground.resetForTest();
    w = await openPage(browser, pg.url);
    w.page.setDefaultTimeout(15_000);
  });
  afterEach(async () => {
    expect(w.errors).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.close();
  });
  return {
    get pg() {
      return pg;
    },
    get w() {
      return w;
    },
  };
}

/** Types into the composer and sends. */
export async function type(page: Page, text: string): Promise<void> {
  await page.fill('#command', text);
  await page.keyboard.press('Enter');
}

/** Polls until the expectation holds; generous, because the whole suite shares two cores. */
export const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
