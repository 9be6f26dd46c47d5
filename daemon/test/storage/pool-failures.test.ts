/**
 * PostgreSQL only (HISHO_TEST_PG_URL): a pooled connection that dies while checked out for a
 * transaction — its backend terminated, as when PostgreSQL restarts — fails that transaction and
 * nothing else: no error escapes the pool (it would crash the daemon), the dead connection leaves
 * the pool, the next transaction gets a working one, and the pool still closes.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import type { Db, Tx } from '../../src/db/drivers';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';

const postgres = testDatabaseTargets().find((t) => t.kind === 'postgres');

describe.runIf(postgres)('a pooled PostgreSQL connection that dies while checked out', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await postgres!.open();
  });
  afterAll(async () => tdb?.dispose());

  const pool = (d: Database) => (d.db as unknown as { $client: import('pg').Pool }).$client;

  it('fails its transaction only, leaves the pool and lets it close', async () => {
    const p = pool(tdb);
    const pidOf = async (db: Db | Tx) => ((await db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { rows: Array<{ pid: number }> }).rows[0]!.pid;

    // The transaction's own backend is terminated in the middle of it.
    let dead = 0;
    const failed = await tdb.db
      .transaction(async (tx) => {
        dead = await pidOf(tx);
        await tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failed).toBeInstanceOf(Error);
    expect(dead).toBeGreaterThan(0);
    // The error the client emits when its connection ends is heard (not thrown at the process), and the client is gone.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(p.totalCount - p.idleCount).toBe(0);

    // The next transaction works, on another connection.
    expect(await tdb.db.transaction((tx) => pidOf(tx))).not.toBe(dead);
    // Nothing is left checked out: closing the pool does not wait for a leaked client.
    const closing = tdb.close();
    await expect(Promise.race([closing.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3000))])).resolves.toBe('closed');
  });
});
