import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreRowInvalidError } from '../../src/actions/store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { makeAction } from './store-contract.js';

/**
 * A row is parsed against the registry of write kinds: a step or a draft of a kind this release does not know (a
 * newer release's row, or a damaged one) is refused as invalid, never executed as something else.
 */
describe('rows checked against the registry of kinds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function storeWith(file: string, tamper: (data: Record<string, unknown>) => void) {
    const store = openSqliteStore(file);
    await store.migrate();
    const action = makeAction();
    await store.insert(action);
    await store.close();
    const db = new Database(file);
    const row = db.prepare('SELECT data FROM actions WHERE id = ?').get(action.id) as { data: string };
    const data = JSON.parse(row.data) as Record<string, unknown>;
    tamper(data);
    db.prepare('UPDATE actions SET data = ? WHERE id = ?').run(JSON.stringify(data), action.id);
    db.close();
    const reopened = openSqliteStore(file);
    return { store: reopened, id: action.id };
  }

  it('should load a row whose steps are all registered kinds', async () => {
    const { store, id } = await storeWith(join(dir, 'ok.db'), () => {});
    expect((await store.get(id))?.id).toBe(id);
    await store.close();
  });

  it('should refuse a row with a step of an unknown kind', async () => {
    const { store, id } = await storeWith(join(dir, 'op.db'), (data) => {
      const steps = data.steps as Array<Record<string, unknown>>;
      steps[0] = { ...steps[0], op: 'delete_everything' };
    });
    await expect(store.get(id)).rejects.toBeInstanceOf(StoreRowInvalidError);
    await store.close();
  });

  it('should refuse a row whose draft is of an unknown kind', async () => {
    const { store, id } = await storeWith(join(dir, 'draft.db'), (data) => {
      data.draft = { kind: 'format_disk' };
    });
    await expect(store.get(id)).rejects.toBeInstanceOf(StoreRowInvalidError);
    await store.close();
  });
});
