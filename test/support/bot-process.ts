import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bot's entry point as a real process (`node --import tsx src/main.ts`), with only the environment given (plus
 * PATH and HOME): for what only a process shows (signals, exit codes, start-up messages). Waiting is driven by
 * the process's output and exit; the only timers are failure timeouts.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BotProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited (and its output is read to the end). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `re` in stdout + stderr; rejects at exit or after `timeoutMs`. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGKILL when still running, then waits for the exit (for afterEach: no orphans). */
  kill(): Promise<void>;
}

export function spawnBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', (d) => {
    stdout += String(d);
    changed();
  });
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    changed();
  });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      done = true;
      changed();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitForOutput(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(`${stdout}${stderr}`);
          if (m || done) {
            listeners.delete(check);
            clearTimeout(timer);
            if (m) resolve(m);
            else reject(new Error(`the bot exited before printing ${re}:\n${stdout}${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${re} within ${timeoutMs} ms:\n${stdout}${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
