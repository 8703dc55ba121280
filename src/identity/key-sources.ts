import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { KeySource, keySourceSchema } from '../config.js';
import { KeySourceError } from '../errors.js';
import { execa } from '../execa-lazy.js';
import { redactText } from '../logger.js';

/**
 * Turns a key source from the config file (`{env: NAME}` or `{sops: file, field}`) into the Syncro API key.
 * The key lives only in memory: it is never logged, never put in an error message and never returned by
 * anything but `resolveKey`. Error messages name the source (variable, file, field), never its contents.
 */

export const DEFAULT_SOPS_FIELD = 'credentials.credential';
export const SOPS_TIMEOUT_MS = 20_000;

/** A key source as written in the file (sops `field` may be left out) or as parsed (field defaulted). */
export type KeySourceInput = KeySource | z.input<typeof keySourceSchema>;

/** What running `sops` produced. `notFound`: the binary does not exist (ENOENT). */
export interface SopsRunResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  notFound: boolean;
  timedOut: boolean;
  /** Spawn error code other than ENOENT (EACCES…), if any. */
  spawnErrorCode?: string | undefined;
}

/** Runs `binary args…` without a shell. Injectable for tests; the default uses execa. */
export type SopsRunner = (
  binary: string,
  args: readonly string[],
  opts: { timeoutMs: number },
) => Promise<SopsRunResult>;

export interface ResolveKeyDeps {
  env: Record<string, string | undefined>;
  /** The sops executable; default `sops` (looked up on PATH). */
  sopsBinary?: string;
  runSops?: SopsRunner;
  sopsTimeoutMs?: number;
  /**
   * Resolved keys by source. Default: one cache per `env` object, so every caller passing `process.env`
   * shares it. Only successes are kept: a fixed variable or file is picked up on the next call.
   */
  cache?: Map<string, Promise<string>>;
}

export function describeKeySource(source: KeySourceInput): string {
  if ('env' in source) return `env:${source.env}`;
  return `sops:${source.sops}#${source.field ?? DEFAULT_SOPS_FIELD}`;
}

const cachesByEnv = new WeakMap<object, Map<string, Promise<string>>>();

function cacheFor(deps: ResolveKeyDeps): Map<string, Promise<string>> {
  if (deps.cache) return deps.cache;
  let cache = cachesByEnv.get(deps.env);
  if (!cache) {
    cache = new Map();
    cachesByEnv.set(deps.env, cache);
  }
  return cache;
}

export function resolveKey(source: KeySourceInput, deps: ResolveKeyDeps): Promise<string> {
  const cache = cacheFor(deps);
  const sopsBinary = deps.sopsBinary ?? 'sops';
  const cacheKey = 'env' in source ? describeKeySource(source) : `${describeKeySource(source)}@${sopsBinary}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const pending = 'env' in source ? resolveEnv(source.env, deps.env) : resolveSops(source, sopsBinary, deps);
  cache.set(cacheKey, pending);
  // Failures are not cached (and concurrent callers share the one attempt).
  pending.catch(() => {
    if (cache.get(cacheKey) === pending) cache.delete(cacheKey);
  });
  return pending;
}

async function resolveEnv(name: string, env: Record<string, string | undefined>): Promise<string> {
  const value = env[name]?.trim();
  if (!value) throw new KeySourceError(`environment variable ${name} is not set`);
  return value;
}

export const defaultSopsRunner: SopsRunner = async (binary, args, opts) => {
  const r = await execa(binary, [...args], {
    reject: false,
    shell: false,
    timeout: opts.timeoutMs,
    stdin: 'ignore',
    maxBuffer: 1024 * 1024,
    stripFinalNewline: false,
  });
  const code = typeof r.code === 'string' ? r.code : undefined;
  return {
    exitCode: r.exitCode,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: typeof r.stderr === 'string' ? r.stderr : '',
    notFound: code === 'ENOENT',
    timedOut: r.timedOut === true,
    spawnErrorCode: code,
  };
};

function firstLine(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return '';
  const short = line.length > 300 ? `${line.slice(0, 300)}…` : line;
  return redactText(short);
}

async function resolveSops(
  source: { sops: string; field?: string | undefined },
  binary: string,
  deps: ResolveKeyDeps,
): Promise<string> {
  const file = source.sops;
  const field = source.field ?? DEFAULT_SOPS_FIELD;
  const run = deps.runSops ?? defaultSopsRunner;
  const timeoutMs = deps.sopsTimeoutMs ?? SOPS_TIMEOUT_MS;
  // No `cause` is attached to any error below: sops's output is the decrypted secret.
  const r = await run(binary, ['--decrypt', file], { timeoutMs });
  if (r.notFound) {
    const where = binary === 'sops' ? '' : ` (looked for ${binary})`;
    throw new KeySourceError(
      `the sops command is not installed on this host${where}; install sops or use an {env: …} key source`,
    );
  }
  if (r.timedOut) {
    throw new KeySourceError(
      `sops did not finish decrypting ${file} within ${Math.round(timeoutMs / 1000)} s`,
    );
  }
  if (r.spawnErrorCode) {
    throw new KeySourceError(`could not run ${binary} to decrypt ${file} (${r.spawnErrorCode})`);
  }
  if (r.exitCode !== 0) {
    const detail = firstLine(r.stderr);
    throw new KeySourceError(
      `sops could not decrypt ${file} (exit code ${r.exitCode ?? 'unknown'})${detail ? `: ${detail}` : ''}`,
    );
  }

  let doc: unknown;
  try {
    doc = parseYaml(r.stdout);
  } catch {
    // The parser's message quotes the text, which is the secret file: do not pass it on.
    throw new KeySourceError(`the decrypted content of ${file} is not valid YAML or JSON`);
  }
  const value = readDotted(doc, field);
  if (value === undefined) throw new KeySourceError(`field ${field} is missing in ${file}`);
  if (typeof value !== 'string') throw new KeySourceError(`field ${field} in ${file} is not a string`);
  const key = value.trim();
  if (!key) throw new KeySourceError(`field ${field} in ${file} is empty`);
  return key;
}

function readDotted(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur ?? undefined;
}
