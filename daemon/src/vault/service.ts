/**
 * The registry of vaults: registration (obsidian_integration_settings), settings, one VaultIndexer
 * per enabled vault, started and stopped with the daemon, progress to in-process listeners (SSE)
 * and to the cache's pub/sub (`vault_index:{id}`).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { CacheStore } from '../cache/store';
import type { Db } from '../db/database';
import { obsidianIntegrationSettings, vaultIndexErrors, type ObsidianIntegrationSettings, type VaultIndexErrorSeverity } from '../db/schema';
import { emptyProgress, VaultIndexer, type IndexEvent, type IndexProgress } from './indexer';
import { normalizeExtension, normalizeFolder } from './paths';
import { vaultCounts } from './store';
import { watchFolders, type Watch } from './watcher';

export class VaultPathError extends Error {
  override name = 'VaultPathError';
}

export interface VaultSettingsPatch {
  isEnabled?: boolean;
  fileExtensions?: string[];
  excludedFolders?: string[];
  templateFolder?: string | null;
  categoryMappings?: Record<string, unknown>;
}

export interface VaultView {
  row: ObsidianIntegrationSettings;
  progress: IndexProgress;
  notesIndexed: number;
  filesFailed: number;
  warnings: number;
}

export interface VaultServiceOptions {
  db: Db;
  cache?: CacheStore;
  watch?: Watch;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
  /** Passed to each indexer (tests shorten them). */
  debounceMs?: number;
  rootPollMs?: number;
  batchSize?: number;
}

/** The pub/sub channel of a vault's index events. */
export const vaultIndexChannel = (vaultId: number) => `vault_index:${vaultId}`;

function idleProgress(row: ObsidianIntegrationSettings): IndexProgress {
  const status = row.syncStatus === 'error' ? 'error' : 'idle';
  return emptyProgress(row.id, {
    status,
    phase: row.isEnabled ? 'starting' : 'stopped',
    generation: Number(row.indexGeneration),
    error: status === 'error' ? row.errorLog : null,
    lastSyncAt: row.lastSyncAt ? new Date(row.lastSyncAt).toISOString() : null,
  });
}

/** A folder path → its identity: absolute, symlinks resolved, NFC. Throws VaultPathError with a clear message. */
export async function canonicalVaultPath(input: string): Promise<string> {
  const trimmed = input.trim();
  if (!trimmed) throw new VaultPathError('The vault path is empty');
  if (!path.isAbsolute(trimmed)) throw new VaultPathError(`The vault path must be absolute: "${trimmed}"`);
  let real: string;
  try {
    real = await realpath(trimmed);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new VaultPathError(`The vault folder does not exist: ${trimmed}`);
    if (code === 'EACCES' || code === 'EPERM') throw new VaultPathError(`The vault folder cannot be read (permission denied): ${trimmed}`);
    throw new VaultPathError(`The vault folder cannot be used: ${trimmed} (${(e as Error).message})`);
  }
  const s = await stat(real);
  if (!s.isDirectory()) throw new VaultPathError(`The vault path is not a folder: ${trimmed}`);
  return real.normalize('NFC');
}

export class VaultService {
  private readonly indexers = new Map<number, VaultIndexer>();
  private readonly listeners = new Map<number, Set<(e: IndexEvent) => void>>();
  /** Listeners of every vault's events (the embedder, which follows each index run). */
  private readonly everyVault = new Set<(e: IndexEvent) => void>();
  private started = false;
  private readonly watch: Watch;

  constructor(private readonly o: VaultServiceOptions) {
    this.watch = o.watch ?? watchFolders;
  }

  /** Starts an indexer for every enabled vault. Indexing runs in the background. */
  async start(): Promise<void> {
    this.started = true;
    const rows = await this.o.db.select().from(obsidianIntegrationSettings).orderBy(asc(obsidianIntegrationSettings.id));
    for (const row of rows) if (row.isEnabled) this.startIndexer(row);
  }

  async stop(): Promise<void> {
    this.started = false;
    const all = [...this.indexers.values()];
    this.indexers.clear();
    await Promise.all(all.map((i) => i.stop()));
  }

  private startIndexer(row: ObsidianIntegrationSettings): VaultIndexer {
    const existing = this.indexers.get(row.id);
    if (existing) return existing;
    const indexer = new VaultIndexer({
      db: this.o.db,
      vaultId: row.id,
      root: row.vaultPath,
      filter: { fileExtensions: row.fileExtensions, excludedFolders: row.excludedFolders },
      watch: this.watch,
      log: this.o.log,
      onEvent: (e) => this.dispatch(row.id, e),
      ...(this.o.debounceMs !== undefined ? { debounceMs: this.o.debounceMs } : {}),
      ...(this.o.rootPollMs !== undefined ? { rootPollMs: this.o.rootPollMs } : {}),
      ...(this.o.batchSize !== undefined ? { batchSize: this.o.batchSize } : {}),
    });
    this.indexers.set(row.id, indexer);
    void indexer.start().catch((e: unknown) => this.o.log?.('error', 'vault indexer failed to start', { vaultId: row.id, error: String(e) }));
    return indexer;
  }

  private async restartIndexer(id: number): Promise<void> {
    const old = this.indexers.get(id);
    this.indexers.delete(id);
    await old?.stop();
    const row = await this.row(id);
    if (row?.isEnabled && this.started) this.startIndexer(row);
  }

  private dispatch(vaultId: number, e: IndexEvent): void {
    for (const l of [...(this.listeners.get(vaultId) ?? []), ...this.everyVault]) {
      try {
        l(e);
      } catch {
        // One broken listener does not stop the others.
      }
    }
    void this.o.cache?.publish(vaultIndexChannel(vaultId), JSON.stringify(e)).catch(() => undefined);
  }

  /** Index events of one vault (progress, per-file errors) until the returned function is called. */
  subscribe(vaultId: number, listener: (e: IndexEvent) => void): () => void {
    let set = this.listeners.get(vaultId);
    if (!set) this.listeners.set(vaultId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Index events of every vault until the returned function is called. */
  subscribeAll(listener: (e: IndexEvent) => void): () => void {
    this.everyVault.add(listener);
    return () => {
      this.everyVault.delete(listener);
    };
  }

  indexer(vaultId: number): VaultIndexer | undefined {
    return this.indexers.get(vaultId);
  }

  private async row(id: number): Promise<ObsidianIntegrationSettings | undefined> {
    const [row] = await this.o.db.select().from(obsidianIntegrationSettings).where(eq(obsidianIntegrationSettings.id, id));
    return row;
  }

  /** Registers a vault folder (or returns the one already registered for it) and starts indexing it. */
  async register(inputPath: string): Promise<{ vault: VaultView; created: boolean }> {
    const vaultPath = await canonicalVaultPath(inputPath);
    const inserted = await this.o.db
      .insert(obsidianIntegrationSettings)
      // No template folder of Hisho's own: Obsidian's Templates folder is used (vault/template-folder.ts).
      .values({ vaultPath, syncStatus: 'idle', fileExtensions: ['.md'], templateFolder: null })
      .onConflictDoNothing({ target: obsidianIntegrationSettings.vaultPath })
      .returning();
    const created = inserted.length > 0;
    const [row] = created
      ? inserted
      : await this.o.db.select().from(obsidianIntegrationSettings).where(eq(obsidianIntegrationSettings.vaultPath, vaultPath));
    if (!row) throw new Error(`The vault ${vaultPath} vanished while it was registered`);
    if (row.isEnabled && this.started) this.startIndexer(row);
    return { vault: await this.view(row), created };
  }

  private async view(row: ObsidianIntegrationSettings): Promise<VaultView> {
    const counts = await vaultCounts(this.o.db, row.id);
    const live = this.indexers.get(row.id)?.getProgress();
    const progress = live ?? idleProgress(row);
    if (!live) progress.generation = Number(row.indexGeneration);
    return { row, progress: { ...progress, failed: counts.failed }, notesIndexed: counts.notes, filesFailed: counts.failed, warnings: counts.warnings };
  }

  async list(): Promise<VaultView[]> {
    const rows = await this.o.db.select().from(obsidianIntegrationSettings).orderBy(asc(obsidianIntegrationSettings.id));
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(id: number): Promise<VaultView | undefined> {
    const row = await this.row(id);
    return row ? this.view(row) : undefined;
  }

  async update(id: number, patch: VaultSettingsPatch): Promise<VaultView | undefined> {
    const set: Partial<ObsidianIntegrationSettings> = {};
    if (patch.isEnabled !== undefined) set.isEnabled = patch.isEnabled;
    if (patch.fileExtensions !== undefined) set.fileExtensions = [...new Set(patch.fileExtensions.map(normalizeExtension))];
    if (patch.excludedFolders !== undefined) set.excludedFolders = [...new Set(patch.excludedFolders.map(normalizeFolder).filter(Boolean))];
    if (patch.templateFolder !== undefined) set.templateFolder = patch.templateFolder === null ? null : normalizeFolder(patch.templateFolder);
    if (patch.categoryMappings !== undefined) set.categoryMappings = patch.categoryMappings;
    const [row] = await this.o.db.update(obsidianIntegrationSettings).set(set).where(eq(obsidianIntegrationSettings.id, id)).returning();
    if (!row) return undefined;
    const filterChanged = patch.fileExtensions !== undefined || patch.excludedFolders !== undefined || patch.isEnabled !== undefined;
    if (filterChanged) await this.restartIndexer(id);
    return this.view((await this.row(id)) ?? row);
  }

  /** Forces a full reindex (runs in the background). False when the vault is disabled. */
  async reindex(id: number): Promise<VaultView | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    const indexer = this.indexers.get(id);
    if (indexer) void indexer.reindex().catch((e: unknown) => this.o.log?.('error', 'reindex failed', { vaultId: id, error: String(e) }));
    return this.view(row);
  }

  async errors(
    id: number,
    page: { limit: number; offset: number; severity?: VaultIndexErrorSeverity },
  ): Promise<{ items: Array<{ path: string; severity: VaultIndexErrorSeverity; message: string; at: string }>; total: number }> {
    const where = and(eq(vaultIndexErrors.vaultId, id), page.severity ? eq(vaultIndexErrors.severity, page.severity) : undefined);
    const rows = await this.o.db
      .select()
      .from(vaultIndexErrors)
      .where(where)
      .orderBy(asc(vaultIndexErrors.severity), desc(vaultIndexErrors.at), asc(vaultIndexErrors.path))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await this.o.db.select({ n: count() }).from(vaultIndexErrors).where(where);
    return {
      items: rows.map((r) => ({ path: r.path, severity: r.severity as VaultIndexErrorSeverity, message: r.message, at: new Date(r.at).toISOString() })),
      total: Number(total?.n ?? 0),
    };
  }
}
