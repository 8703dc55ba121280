import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorMain } from '../../src/doctor/cli.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  type TestDatabase,
  withClient,
} from '../support/postgres.js';
import { startDeploy } from './setup.js';

/**
 * With DATABASE_URL=postgres://… the replicas share one Syncro rate limit: the doctor draws from it too, so its
 * requests count in the window every replica sees (and a 429 it meets pauses them all).
 */

const unreachable = await postgresUnavailable();

if (unreachable !== undefined) {
  reportPostgresUnavailable('the doctor on the shared rate limit', unreachable);
} else {
  describe('the doctor on the shared rate limit', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('syncro_doctor');
    });
    afterAll(async () => {
      await db?.drop();
    });

    it("should take a slot of the replicas' shared window for every request it sends", async () => {
      const deploy = await startDeploy();
      try {
        const r = await doctorMain({ ...deploy.env, DATABASE_URL: db.url }, []);
        expect(r.code).toBe(0);
        const spent = Number(/(\d+) Syncro requests spent by the doctor/.exec(r.out)?.[1]);
        expect(spent).toBe(deploy.sim.requests.length);
        const slots = await withClient(db.url, async (c) => {
          const q = await c.query<{ n: string }>(
            "SELECT count(*) AS n FROM syncro_rate_slot WHERE holder LIKE 'doctor-%'",
          );
          return Number(q.rows[0]?.n);
        });
        expect(slots).toBe(spent);
      } finally {
        await deploy.close();
      }
    });
  });
}
