import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The Dockerfile cannot be built in CI here (no Docker daemon), so what the container found on deploy day is kept
 * true by reading: the build context (.dockerignore) holds what the Dockerfile copies and nothing private, and
 * the runtime stage runs as node with /data, PID 1 receiving signals, and the health check on PORT.
 */

const ROOT = join(import.meta.dirname, '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** Docker's .dockerignore rules (Go filepath.Match with `**`, the last matching rule wins, a dir covers its files). */
function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('/')
        .map((seg) =>
          seg === '**'
            ? '(?:.*)'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { negate, re: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(path)) ignored = !r.negate;
    return ignored;
  };
}

describe('.dockerignore', () => {
  it('should exist', () => {
    expect(existsSync(join(ROOT, '.dockerignore'))).toBe(true);
  });

  const ignored = () => dockerIgnore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));

  it('should send every file the Dockerfile copies', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      m[1]!.split(/\s+/),
    );
    expect(sources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'manifest.yml']),
    );
    const tracked = execFileSync('git', ['ls-files', ...sources], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(tracked.length).toBeGreaterThan(sources.length);
    const isIgnored = ignored();
    expect(tracked.filter(isIgnored)).toEqual([]);
  });

  it('should keep out dependencies, builds, data, secrets, the configuration, tests and screenshots', () => {
    const isIgnored = ignored();
    for (const path of [
      'node_modules/zod/package.json',
      'dist/main.js',
      'data/syncro-slack.db',
      'syncro-slack.db',
      'src/actions/leftover.db',
      'data/syncro-slack.db-wal',
      '.env',
      'src/.env.local',
      'syncro-bot.yml',
      'vault/msp-tools/syncro-howard.sops.yaml',
      '.git/HEAD',
      'test/config.test.ts',
      'test-results/report.json',
      'bench/load.bench.ts',
      'docs/playground-home.png',
    ])
      expect([path, isIgnored(path)]).toEqual([path, true]);
  });
});

describe('Dockerfile', () => {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('should run as node (uid 1000) with /data its own volume', () => {
    expect(runtime).toMatch(/^ENV DATA_DIR=\/data$/m);
    expect(runtime).toMatch(/^RUN mkdir -p \/data && chown node:node \/data$/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('should start node as PID 1 (exec form: signals reach the bot, no shell in between)', () => {
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('should probe /readyz on PORT (default 3000), the port the bot listens on', () => {
    const check = /^HEALTHCHECK .* CMD (.+)$/m.exec(runtime)?.[1] ?? '';
    expect(check).toContain("(process.env.PORT||3000)+'/readyz'");
  });
});
