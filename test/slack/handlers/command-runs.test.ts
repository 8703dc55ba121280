import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../src/commands/types.js';
import { COMMAND_RUNS } from '../../../src/slack/handlers/dispatch.js';

describe('COMMAND_RUNS', () => {
  it('runs every subcommand', () => {
    expect(Object.keys(COMMAND_RUNS).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('announces a long rate-limit wait for everything but the help and what opens a form', () => {
    const quiet = COMMAND_NAMES.filter((n) => !COMMAND_RUNS[n].waitNotice);
    expect(quiet.sort()).toEqual(['bill', 'connect', 'help']);
  });
});
