/**
 * A second connection to a test database that a test can cut and restore — the engine's storage
 * (or the whole app, given `database`) failing while the test's own connection still works:
 *
 * - PostgreSQL: a pool that logs in as a role of its own; `cut()` forbids that role to log in and
 *   kills its connections with pg_terminate_backend (a query in flight fails, a transaction in
 *   progress rolls back, every new connection is refused) until `restore()`.
 * - PGlite (one connection, in process): the same PGlite behind a gate on its query and transaction
 *   calls; while cut, each fails as a lost connection does, and a transaction in progress rolls back.
 *   `loseNextCommitAnswer()` lets the next transaction commit, then fails it (the answer to COMMIT lost).
 *
 * `cutBefore(match)` cuts it in the middle of a write: just before the first statement that matches
 * is sent, so the statements before it in the same transaction ran and must be rolled back.
 */
import { randomBytes } from 'node:crypto';
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Database, Db } from '../../src/db/database';
import { databaseFromPool } from '../../src/db/drivers';
import * as schema from '../../src/db/schema';
import type { TestDatabase } from './databases';

export interface Outage {
  readonly db: Db;
  /** The same connection as a Database (what the app takes); closing it is dispose()'s job. */
  readonly database: Database;
  cut(): Promise<void>;
  /** Cuts (as cut() does) just before the next statement whose SQL text matches is sent; it fails. */
  cutBefore(match: (statement: string) => boolean): void;
  restore(): Promise<void>;
  /** Calls made through this connection so far (queries, connection attempts), failed ones too. */
  readonly calls: number;
  /** PGlite only: the next transaction commits, then fails as if the answer to its COMMIT was lost. */
  loseNextCommitAnswer?: () => void;
  dispose(): Promise<void>;
}

export function openOutage(database: TestDatabase): Promise<Outage> {
  return database.kind === 'pglite' ? Promise.resolve(pgliteOutage(database)) : postgresOutage(database);
}

const lost = () => new Error('Connection terminated unexpectedly (the test cut the database)');

function pgliteOutage(database: TestDatabase): Outage {
  const client = (database.db as unknown as { $client: PGlite }).$client;
  let down = false;
  let loseCommitAnswer = false;
  let cutAt: ((statement: string) => boolean) | undefined;
  let calls = 0;
  const gated = <T>(statement: string | undefined, run: () => Promise<T>): Promise<T> => {
    calls++;
    if (statement !== undefined && cutAt?.(statement)) {
      cutAt = undefined;
      down = true;
    }
    return down ? Promise.reject(lost()) : run();
  };
  const query = (target: PGlite | Transaction) => (text: string, params?: unknown[], options?: QueryOptions) => gated(text, () => target.query(text, params, options));
  const gate = {
    query: query(client),
    transaction: <T>(fn: (tx: { query: ReturnType<typeof query> }) => Promise<T>) =>
      gated(undefined, async () => {
        const result = await client.transaction((tx) => fn({ query: query(tx) }));
        if (loseCommitAnswer) {
          loseCommitAnswer = false;
          throw lost();
        }
        return result;
      }),
  };
  const db = drizzle({ client: gate as unknown as PGlite, schema }) as unknown as Db;
  return {
    db,
    database: {
      kind: 'pglite',
      db,
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      close: async () => undefined,
    },
    cut: async () => {
      down = true;
    },
    cutBefore: (match) => {
      cutAt = match;
    },
    restore: async () => {
      down = false;
    },
    get calls() {
      return calls;
    },
    loseNextCommitAnswer: () => {
      loseCommitAnswer = true;
    },
    dispose: async () => undefined,
  };
}

async function postgresOutage(database: TestDatabase): Promise<Outage> {
  const own = (database.db as unknown as { $client: pg.Pool }).$client;
  const url = new URL(own.options.connectionString!);
  const role = `hisho_runner_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const dbName = url.pathname.slice(1);
  const admin = (text: string) => database.db.execute(sql.raw(text));
  await admin(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
  await admin(`GRANT CONNECT ON DATABASE "${dbName}" TO "${role}"`);
  await admin(`GRANT USAGE ON SCHEMA public TO "${role}"`);
  await admin(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${role}"`);
  await admin(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "${role}"`);
  url.username = role;
  url.password = password;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 5_000 });
  // Connections killed while idle report here; the pool drops them and opens new ones when asked.
  pool.on('error', () => undefined);
  const cut = async () => {
    await admin(`ALTER ROLE "${role}" NOLOGIN`);
    // Waits (up to 5 s) until each backend is gone, so that nothing sent after cut() reaches one.
    await admin(`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = '${role}'`);
  };
  let cutAt: ((statement: string) => boolean) | undefined;
  const watched = new WeakSet<pg.PoolClient>();
  /** The client's queries look for the statement to cut before (pool.query and transactions alike run on a checked-out client). */
  const watch = (client: pg.PoolClient) => {
    if (watched.has(client)) return;
    watched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const config = args[0] as string | { text?: string } | undefined;
      const text = typeof config === 'string' ? config : config?.text;
      if (text === undefined || !cutAt?.(text)) return query(...args);
      cutAt = undefined;
      return cut().then(() => query(...args));
    }) as typeof client.query;
  };
  // Every query and transaction takes a connection from the pool first (refused ones count too).
  let calls = 0;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    calls++;
    const callback = args[0] as ((err: Error | undefined, client: pg.PoolClient | undefined, done: unknown) => void) | undefined;
    if (typeof callback === 'function') {
      return connect((err: Error | undefined, client: pg.PoolClient | undefined, done: unknown) => {
        if (client) watch(client);
        callback(err, client, done);
      });
    }
    return (connect() as Promise<pg.PoolClient>).then((client) => {
      watch(client);
      return client;
    });
  }) as typeof pool.connect;
  const runner = databaseFromPool(pool);
  return {
    db: runner.db,
    database: runner,
    cut,
    cutBefore: (match) => {
      cutAt = match;
    },
    restore: async () => {
      await admin(`ALTER ROLE "${role}" LOGIN`);
    },
    get calls() {
      return calls;
    },
    /** Before the test database is disposed: its privileges go first, then the role (it is the cluster's). */
    dispose: async () => {
      await runner.close();
      await admin(`DROP OWNED BY "${role}"`);
      await admin(`DROP ROLE "${role}"`);
    },
  };
}
