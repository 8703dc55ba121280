import { describe, expect, it } from 'vitest';
import { describeWait } from '../../../src/slack/views/wait.js';

describe('describeWait', () => {
  it('should say the real wait, rounded up to the second, in minutes and seconds', () => {
    expect(describeWait(150_000)).toBe('about 2 min 30 s'); // was announced as "a minute"
    expect(describeWait(149_001)).toBe('about 2 min 30 s');
    expect(describeWait(45_000)).toBe('about 45 s');
    expect(describeWait(1)).toBe('about 1 s');
    expect(describeWait(60_000)).toBe('about 1 min');
    expect(describeWait(300_000)).toBe('about 5 min');
    expect(describeWait(3_600_000)).toBe('about 1 h');
    expect(describeWait(3_900_000)).toBe('about 1 h 5 min');
  });

  it('should not announce a negative or zero wait as a number', () => {
    expect(describeWait(0)).toBe('a moment');
    expect(describeWait(-5)).toBe('a moment');
  });
});
