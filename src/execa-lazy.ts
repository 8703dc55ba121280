import type { Options } from 'execa';

/**
 * execa (sops, git), loaded on first use: most deployments never run either, and execa with its dependencies
 * is about a sixth of the bot's idle memory. Same arguments and result as execa's own `execa(file, args, options)`.
 */
export async function execa<O extends Options>(file: string, args: readonly string[], options: O) {
  const { execa: run } = await import('execa');
  return await run(file, args, options);
}
