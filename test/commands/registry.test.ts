import { describe, expect, it } from 'vitest';
import { ALIASES, COMMANDS } from '../../src/commands/registry.js';
import { COMMAND_NAMES } from '../../src/commands/types.js';

describe('the command table', () => {
  it('has one spec per subcommand, filed under its own name', () => {
    expect(Object.keys(COMMANDS)).toEqual([...COMMAND_NAMES]);
    for (const name of COMMAND_NAMES) expect(COMMANDS[name].name).toBe(name);
  });

  it('gives every word to one subcommand only: no alias shadows a name or another alias', () => {
    const words = COMMAND_NAMES.flatMap((n) => [n, ...COMMANDS[n].aliases.map((a) => a.toLowerCase())]);
    expect(new Set(words).size).toBe(words.length);
    for (const name of COMMAND_NAMES) {
      for (const alias of COMMANDS[name].aliases) expect(ALIASES.get(alias.toLowerCase())).toBe(name);
    }
  });
});
