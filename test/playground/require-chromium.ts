import { describe, it } from 'vitest';
import { HAVE_CHROMIUM, IN_CI, NO_CHROMIUM_MESSAGE } from './browser.js';

/**
 * Call at the top of a browser test file: without chromium a local run skips with a clear message, and CI
 * (CI=true) fails instead. Returns whether the browser tests can run.
 */
export function chromiumOrSkip(): boolean {
  if (!HAVE_CHROMIUM) {
    if (IN_CI) {
      describe('chromium', () => {
        it('is installed (CI=true requires it)', () => {
          throw new Error(NO_CHROMIUM_MESSAGE);
        });
      });
    } else process.stderr.write(`${NO_CHROMIUM_MESSAGE}\n`);
  }
  return HAVE_CHROMIUM;
}
