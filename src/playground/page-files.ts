import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { COMMAND } from '../slack/action-ids.js';
import type { ShortcutInfo, SlashCommandInfo } from './page-api.js';

/**
 * The page's files (plain ES modules, CSS, HTML): read from `page/` next to this module, which is
 * src/playground/page under tsx and dist/playground/page after `npm run build` (the build copies it).
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface PageFile {
  body: Buffer;
  contentType: string;
}

export function loadPageFiles(
  dir = fileURLToPath(new URL('./page/', import.meta.url)),
): Map<string, PageFile> {
  const files = new Map<string, PageFile>();
  for (const name of readdirSync(dir)) {
    const contentType = TYPES[extname(name)];
    if (contentType) files.set(name, { body: readFileSync(new URL(name, `file://${dir}/`)), contentType });
  }
  return files;
}

/** The slash commands of manifest.yml (at the package root, two levels above this module in src/ and dist/). */
export function readManifestCommands(
  file = new URL('../../manifest.yml', import.meta.url),
): SlashCommandInfo[] {
  try {
    const manifest = parseYaml(readFileSync(file, 'utf8')) as {
      features?: {
        slash_commands?: Array<{ command?: unknown; description?: unknown; usage_hint?: unknown }>;
      };
    };
    const list = manifest.features?.slash_commands ?? [];
    return list.flatMap((c) =>
      typeof c.command === 'string'
        ? [
            {
              command: c.command,
              description: typeof c.description === 'string' ? c.description : undefined,
              usage_hint: typeof c.usage_hint === 'string' ? c.usage_hint : undefined,
            },
          ]
        : [],
    );
  } catch {
    // No manifest next to the code (an unusual install): the command is still known, without its hint.
    return [{ command: COMMAND }];
  }
}

/** The shortcuts of manifest.yml (features.shortcuts): none when there is no manifest next to the code. */
export function readManifestShortcuts(file = new URL('../../manifest.yml', import.meta.url)): ShortcutInfo[] {
  try {
    const manifest = parseYaml(readFileSync(file, 'utf8')) as {
      features?: { shortcuts?: Array<Record<string, unknown>> };
    };
    return (manifest.features?.shortcuts ?? []).flatMap((c) =>
      typeof c.name === 'string' &&
      typeof c.callback_id === 'string' &&
      (c.type === 'message' || c.type === 'global')
        ? [
            {
              name: c.name,
              type: c.type,
              callback_id: c.callback_id,
              ...(typeof c.description === 'string' ? { description: c.description } : {}),
            },
          ]
        : [],
    );
  } catch {
    return [];
  }
}
