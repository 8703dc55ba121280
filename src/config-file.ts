import { existsSync, readFileSync } from 'node:fs';
import { type Config, DEFAULT_CONFIG_PATH, loadConfig } from './config.js';
import { ConfigError } from './errors.js';

/**
 * The configuration an entry point (main.ts, the doctor's CLI) starts with: the environment plus the YAML file
 * named by SYNCRO_BOT_CONFIG, else ./syncro-bot.yml when it exists. The only file read; the rules are loadConfig's.
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const path = env.SYNCRO_BOT_CONFIG ?? DEFAULT_CONFIG_PATH;
  let text: string | undefined;
  if (existsSync(path)) text = readFileSync(path, 'utf8');
  else if (env.SYNCRO_BOT_CONFIG)
    throw new ConfigError([`SYNCRO_BOT_CONFIG: the file ${path} does not exist`]);
  return loadConfig(env, { path, text });
}
