import { describe, expect, it } from 'vitest';
import { createConnectAttempts } from '../../../src/identity/enrolment/connect-attempts.js';

const MIN = 60_000;

describe('connect attempts per person', () => {
  it('should allow 5 attempts in any 10 minutes, then say how long until the oldest leaves the window', () => {
    const attempts = createConnectAttempts();
    for (const t of [0, 1, 2, 3, 4].map((m) => m * MIN))
      expect(attempts.attempt('U0DANA', t)).toEqual({ allowed: true });
    expect(attempts.attempt('U0DANA', 7 * MIN)).toEqual({
      allowed: false,
      retryInMs: 3 * MIN,
      max: 5,
      windowMs: 10 * MIN,
    });
    // Someone else is not held back; a refused attempt is not counted.
    expect(attempts.attempt('U0PAT', 7 * MIN)).toEqual({ allowed: true });
    expect(attempts.attempt('U0DANA', 10 * MIN - 1)).toMatchObject({ allowed: false, retryInMs: 1 });
    expect(attempts.attempt('U0DANA', 10 * MIN)).toEqual({ allowed: true });
    expect(attempts.attempt('U0DANA', 10 * MIN + 1)).toMatchObject({ allowed: false, retryInMs: MIN - 1 });
  });
});
