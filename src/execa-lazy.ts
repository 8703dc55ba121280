import type { Options } from 'execa';
import { childEnv } from './child-env.js';

/**
 * execa (sops, git), loaded on first use: most deployments never run either, and execa with its dependencies
 * is about a sixth of the bot's idle memory. Same arguments and result as execa's own `execa(file, args, options)`,
 * except the environment: the child gets only the allow-list of child-env.ts plus the `env` passed here (never
 * the whole of the bot's, which holds the Slack tokens and the Syncro keys).
 */
export async function execa<O extends Options>(file: string, args: readonly string[], options: O) {
  const { execa: run } = await import('execa');
  const env = childEnv((options.env ?? {}) as Record<string, string | undefined>);
  return await run(file, args, { ...options, env, extendEnv: false });
}
