import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { defaultModelFactory } from './ai/assistants';
import { loadSecretKey, SECRET_KEY_FILE, secretBox } from './ai/secrets';
import { openCache } from './cache';
import type { CacheStore } from './cache/store';
import type { Config } from './config';
import { migrateDatabase, openDatabase, type Database } from './db/database';
import { ensureLocalUser } from './db/local-user';
import { acquireDataLock } from './db/lock';
import { removeDiscovery, writeDiscovery } from './discovery';
import { DiscussionEngine } from './discussions/engine';
import { recoverDiscussions } from './discussions/recovery';
import { Embedder } from './librarian/embedder';
import { VectorCache } from './librarian/vectors';
import type { Log } from './log';
import { startMaintenance } from './ops/maintenance';
import { OpsMetrics } from './ops/metrics';
import { startBackupSchedule } from './ops/schedule';
import { indexPendingMessages } from './search/messages';
import { ensureToken } from './security/token';
import { createApp } from './server/app';
import { closeAllSse } from './server/sse';
import { VaultService } from './vault/service';
import { VERSION } from './version';
import { workflowSummaryRefresher } from './workflows/summary-refresher';

export interface RunningDaemon {
  url: string;
  port: number;
  database: Database;
  cache: CacheStore;
  /** Stops accepting, lets in-flight requests finish, closes pools, removes the discovery file. */
  stop(): Promise<void>;
}

/** In-flight requests get this long to finish at shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

function listen(app: { fetch: (req: Request) => Response | Promise<Response> }, port: number, host: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(server));
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is already in use; set HISHO_PORT to another port, or stop what uses it`) : e);
    });
  });
}

/** Opens everything in order and undoes what was opened if a later step fails. */
export async function startDaemon(config: Config, log: Log): Promise<RunningDaemon> {
  const startedAt = Date.now();
  const undo: Array<() => Promise<unknown>> = [];
  const unwind = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  };
  try {
    await mkdir(config.home, { recursive: true, mode: 0o700 });
    const lock = await acquireDataLock(config.home);
    undo.push(() => lock.release());

    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.paths.data });
    undo.push(() => database.close());
    await migrateDatabase(database);
    const localUserId = await ensureLocalUser(database.db);
    // Messages written before their search column existed (migration 0008) are indexed in the
    // background; a search waits for it. Awaited at shutdown, before the database closes.
    const messageBackfill = indexPendingMessages(database.db)
      .then((n) => {
        if (n > 0) log('info', 'conversation messages indexed for search', { messages: n });
      })
      .catch((e: unknown) => log('warn', 'indexing conversation messages for search failed; the next search retries', { error: String(e) }));
    undo.push(() => messageBackfill);

    const cache = await openCache({
      url: config.redisUrl,
      log: (level, message) => log(level === 'debug' ? 'debug' : level, message, { component: 'cache' }),
    });
    undo.push(() => cache.close());
    const token = await ensureToken(config.paths.token);
    // Encrypts provider API keys at rest; created on first start, readable only by the user.
    const secrets = secretBox(await loadSecretKey(join(config.home, SECRET_KEY_FILE)));

    let port = config.port;
    const ops = new OpsMetrics();
    const vaults = new VaultService({ db: database.db, cache, log: (level, message, extra) => log(level, message, { component: 'vault', ...extra }) });
    // Closed before the database (undo runs in reverse), so no refresh runs against a closed pool.
    const workflowSummary = workflowSummaryRefresher(database.db, (e) => log('warn', 'workflow_summary refresh failed', { error: String(e) }));
    undo.push(() => workflowSummary.close());
    // One cache of note vectors: the embedder drops it when it writes; the librarian and the discussions' references read it.
    const vectors = new VectorCache(database.db);
    const discussions = new DiscussionEngine({
      db: database.db,
      cache,
      models: defaultModelFactory(log),
      secrets,
      vectors,
      log: (level, message, extra) => log(level, message, { component: 'discussions', ...extra }),
      localUserId,
    });
    const embedder = new Embedder({ db: database.db, secrets, vectors, log: (level, message, extra) => log(level, message, { component: 'embedder', ...extra }) });
    const app = createApp({ database, cache, token, secrets, port: () => port, version: VERSION, startedAt, localUserId, log, metrics: { ops }, vaults, workflowSummary, discussions, embedder });
    const server = (await listen(app, config.port, config.host)) as Server;
    port = (server.address() as AddressInfo).port;
    undo.push(
      () =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        }),
    );

    // Open event streams end before the server closes (else it would wait for them).
    undo.push(async () => closeAllSse());
    // Discussions: calls in flight are cancelled first (a restart redoes those steps), then the
    // ones that were running when the daemon last stopped continue (or wait paused, per preference).
    undo.push(() => discussions.stop());
    await recoverDiscussions(discussions, database.db, localUserId, log);
    // The vault indexers: each enabled vault is reconciled in the background, then watched.
    await vaults.start();
    undo.push(() => vaults.stop());
    // Semantic search's embedder follows the index runs; stopped before the indexers (undo runs in reverse).
    await embedder.start(vaults);
    undo.push(() => embedder.stop());
    if (config.vault) {
      const { vault, created } = await vaults.register(config.vault).catch((e: unknown) => {
        throw new Error(`HISHO_VAULT / --vault: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      log('info', created ? 'vault registered' : 'vault already registered', { vaultId: vault.row.id, path: vault.row.vaultPath });
    }

    // Periodic maintenance and the scheduled backup (off by default): unref'd timers, stopped first at shutdown.
    const maintenance = startMaintenance({ database, log, ops });
    undo.push(() => maintenance.stop());
    const backups = startBackupSchedule({ database, schedule: config.backup, log, ops });
    undo.push(() => backups.stop());

    const url = `http://${config.host}:${port}`;
    await writeDiscovery(config.paths.discovery, { url, pid: process.pid, version: VERSION, startedAt: new Date(startedAt).toISOString() });
    undo.push(() => removeDiscovery(config.paths.discovery, process.pid));
    log('info', 'daemon listening', { url, database: database.kind, cache: cache.kind, home: config.home });

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      database,
      cache,
      stop: () => (stopping ??= unwind().then(() => log('info', 'daemon stopped'))),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}
