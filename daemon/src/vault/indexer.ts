/**
 * The indexer of one vault: reconcile at start, then follow the watcher.
 *
 * Every change goes through one queue of vault paths. A path's fate is decided when its batch is
 * processed, from the disk as it is then: gone or ignored → removed; same size and mtime as indexed
 * → nothing; same bytes (sha256) → only size/mtime updated; otherwise read, parsed and upserted. So
 * renames (unlink + add, in either order), folder moves and half-written files (debounced per path)
 * all come out right, and an unchanged note is never parsed again.
 *
 * Batches of up to `batchSize` files are written in one transaction each, which also resolves the
 * links touched by the batch and bumps the vault's index generation. The next batch is read, parsed
 * and tokenized while the current one is being written (on PostgreSQL the server works on the other
 * core meanwhile).
 *
 * A bulk load (a reconcile with at least `bulkMinFiles` (1,000) files to write: a first index, a forced
 * reindex) differs in two ways, both only for speed:
 *  - links are written unresolved and the whole vault's links are resolved once at the end
 *    (per batch, every link to a name of the batch would be resolved again and again);
 *  - when the notes table holds fewer rows than are coming, its GIN indexes are dropped and built
 *    once at the end (maintaining a GIN row by row halves insert speed).
 * Every batch still commits on its own (notes searchable as they come, generation bumped). If the
 * run is cut short (stop, crash, vault folder gone), the vault's sync status stays 'indexing' in the
 * database, and the next start resolves every link again; missing GIN indexes are rebuilt at every
 * reconcile.
 *
 * A vault folder that disappears or cannot be read puts the vault in status 'error' (the index is
 * kept); the folder is polled and the vault recovers by itself when it is back.
 *
 * Start order: the reconcile's scan runs first and the watcher (which reports no initial files) is
 * started only after the reconcile, so the watcher's own walk of the vault's folders does not compete with it.
 * Changes made between the scan and the watcher's 'ready' are caught by a second, cheap pass: the
 * vault is scanned again (size and mtime only) and every file that differs from the first scan is
 * queued. Nothing unchanged is read.
 *
 * Paths: the index and the API use NFC vault paths; a file is opened by its name as found on disk
 * (a macOS vault synced to Linux keeps NFD names). The on-disk path of every file whose name is not
 * already NFC is kept in `diskPaths`, from the scan and from the watcher's events.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { lstat, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/database';
import { obsidianIntegrationSettings } from '../db/schema';
import { searchDocument } from '../search/document';
import { NotANoteError, parseNote } from './parse';
import { isIgnored, toVaultPath, type VaultFilter } from './paths';
import { scanVault, toDiskPath, type FileStat, type ScannedFile } from './scan';
import {
  beginBulkLoad,
  endBulkLoad,
  ensureSearchIndexes,
  indexedPathsUnder,
  loadFailedFiles,
  loadIndexedFiles,
  resolveVaultLinks,
  writeBatch,
  type BatchWrite,
  type FileProblem,
  type IndexedFile,
} from './store';
import type { Watch, WatchEvent } from './watcher';

export type VaultStatus = 'idle' | 'indexing' | 'error';
export type IndexPhase = 'starting' | 'scanning' | 'indexing' | 'watching' | 'error' | 'stopped';

export interface IndexProgress {
  vaultId: number;
  status: VaultStatus;
  phase: IndexPhase;
  /** Files looked at in the current (or last) run: the scan's files, or the changed files reported by the watcher. */
  seen: number;
  /** Files read, parsed and written in the current (or last) run. */
  indexed: number;
  /** Files found unchanged (size + mtime, or same content). */
  unchanged: number;
  removed: number;
  /** Files that could not be indexed (binary, unreadable). */
  failed: number;
  /** Files waiting in the queue. */
  queued: number;
  /** Files indexed per second over the current run (0 when idle). */
  perSecond: number;
  generation: number;
  /** Why the vault is in 'error'. */
  error: string | null;
  startedAt: string | null;
  lastSyncAt: string | null;
}

export type IndexEvent =
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'file-error'; vaultId: number; path: string; severity: 'error' | 'warning'; message: string };

export interface VaultIndexerOptions {
  db: Db;
  vaultId: number;
  /** The vault folder (real path). */
  root: string;
  filter: VaultFilter;
  watch: Watch;
  /** Called for every event (the service forwards them to SSE clients and the cache pub/sub). */
  onEvent?: (event: IndexEvent) => void;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
  /** Quiet time per path before a changed file is read (several change events per write). */
  debounceMs?: number;
  /** How often a missing vault folder is checked for. */
  rootPollMs?: number;
  batchSize?: number;
  readConcurrency?: number;
  /** A reconcile with at least this many files to write is a bulk load (tests lower it). */
  bulkMinFiles?: number;
}

/**
 * bulkMinFiles: a reconcile with at least this many files to (re)write is a bulk load (see the top
 * of the file); below it, per-batch link resolution is cheap and the GIN indexes are kept.
 */
const DEFAULTS = { debounceMs: 75, rootPollMs: 5_000, batchSize: 500, readConcurrency: 16, bulkMinFiles: 1_000 };


/** A batch read, parsed and tokenized, ready to be written. */
interface PreparedBatch {
  paths: string[];
  batch: BatchWrite;
  fileErrors: FileProblem[];
  unchanged: number;
}

/** Bytes → text; invalid UTF-8 becomes U+FFFD (which parseNote counts towards "binary"). */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Progress with every counter at zero: a vault before its first run (fields override the defaults). */
export function emptyProgress(vaultId: number, fields: Partial<IndexProgress> = {}): IndexProgress {
  return {
    vaultId,
    status: 'idle',
    phase: 'starting',
    seen: 0,
    indexed: 0,
    unchanged: 0,
    removed: 0,
    failed: 0,
    queued: 0,
    perSecond: 0,
    generation: 0,
    error: null,
    startedAt: null,
    lastSyncAt: null,
    ...fields,
  };
}

/** Why a file that was listed could not be read. */
function fileReasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'it was listed but could not be opened (ENOENT)';
  if (err?.code === 'EISDIR') return 'it is a folder';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  return err?.message ?? String(e);
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'the folder does not exist';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  if (err?.code === 'ENOTDIR') return 'it is not a folder';
  return err?.message ?? String(e);
}

export class VaultIndexer {
  readonly vaultId: number;
  readonly root: string;
  private readonly o: Required<Omit<VaultIndexerOptions, 'onEvent' | 'log'>> & Pick<VaultIndexerOptions, 'onEvent' | 'log'>;
  private readonly emitter = new EventEmitter();

  private running = false;
  private closeWatcher: (() => Promise<void>) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly debounce = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<string>();
  /** Stats already known from the scan (saves a second stat). */
  private readonly knownStats = new Map<string, FileStat>();
  /** Vault path (NFC) → relative path on disk, for the files whose on-disk name is not NFC. */
  private readonly diskPaths = new Map<string, string>();
  /** Vault path → other on-disk files with the same name in another Unicode form (from the last scan). */
  private duplicates = new Map<string, string[]>();
  /** Resolves the wait for the watcher's 'ready'. */
  private watchReady: (() => void) | null = null;
  /** The second pass after the watcher is ready (see the top of the file). */
  private catchingUp: Promise<void> | null = null;
  private force = false;
  private draining: Promise<void> | null = null;
  private booting: Promise<void> | null = null;
  private indexed = new Map<string, IndexedFile>();
  private failedPaths = new Set<string>();
  /** Paths of the batch being written (the next batch, prepared meanwhile, must not take them). */
  private readonly inFlight = new Set<string>();
  /** Links are written unresolved until resolveVaultLinks runs at the end of the run (bulk load or recovery). */
  private linksStale = false;
  /** The GIN indexes were dropped by this indexer's bulk load and must be rebuilt. */
  private ginDropped = false;
  private lastRunChecked = false;

  private progress: IndexProgress;
  private runStartedMs = 0;
  private runIndexed = 0;
  /** How many files were parsed: tests check that an unchanged note is never parsed again. */
  parses = 0;

  constructor(options: VaultIndexerOptions) {
    this.o = { ...DEFAULTS, ...options };
    this.vaultId = options.vaultId;
    this.root = options.root;
    this.emitter.setMaxListeners(0);
    this.progress = emptyProgress(options.vaultId);
  }

  getProgress(): IndexProgress {
    return { ...this.progress, queued: this.pending.size + this.debounce.size };
  }

  on(listener: (e: IndexEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private emit(event: IndexEvent): void {
    this.emitter.emit('event', event);
    try {
      this.o.onEvent?.(event);
    } catch {
      // A listener's failure must not stop indexing.
    }
  }

  private publishProgress(patch: Partial<IndexProgress> = {}): void {
    Object.assign(this.progress, patch);
    if (this.runStartedMs > 0) {
      const seconds = (Date.now() - this.runStartedMs) / 1000;
      this.progress.perSecond = seconds > 0 ? Math.round((this.runIndexed / seconds) * 10) / 10 : 0;
    }
    this.emit({ type: 'progress', progress: this.getProgress() });
  }

  /** Starts: checks the folder, watches it, reconciles. Resolves when the first reconcile is done (or the vault is in error). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.boot();
  }

  /** Resolves when nothing is queued or being written (for tests and the CLI). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.booting) await this.booting;
      if (this.catchingUp) await this.catchingUp;
      if (this.draining) await this.draining;
      if (this.debounce.size > 0) {
        await new Promise((r) => setTimeout(r, this.o.debounceMs));
        continue;
      }
      if (!this.booting && !this.catchingUp && !this.draining && this.pending.size === 0) return;
      if (this.pending.size > 0 && !this.draining) this.kick();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    for (const t of this.debounce.values()) clearTimeout(t);
    this.debounce.clear();
    this.pending.clear();
    await this.closeWatcher?.().catch(() => undefined);
    this.closeWatcher = null;
    this.releaseReadyWait();
    await this.booting?.catch(() => undefined);
    await this.catchingUp?.catch(() => undefined);
    await this.draining?.catch(() => undefined);
    await this.rebuildDroppedIndexes();
    this.publishProgress({ phase: 'stopped', status: this.progress.status === 'error' ? 'error' : 'idle' });
  }

  /** A full reindex: every file is read and parsed again. */
  async reindex(): Promise<void> {
    if (!this.running) return;
    this.force = true;
    await this.booting;
    this.booting = (async () => {
      const scanned = await this.reconcile();
      if (scanned) this.startWatching(scanned);
    })().finally(() => {
      this.booting = null;
    });
    await this.booting;
  }

  // -------------------------------------------------------------------------------------------
  // Folder health
  // -------------------------------------------------------------------------------------------

  private async checkRoot(): Promise<string | null> {
    try {
      const s = await stat(this.root);
      if (!s.isDirectory()) return 'it is not a folder';
      await readdir(this.root);
      return null;
    } catch (e) {
      return reasonOf(e);
    }
  }

  private boot(): Promise<void> {
    this.booting ??= (async () => {
      const problem = await this.checkRoot();
      if (problem) {
        await this.enterError(problem);
        return;
      }
      if (!this.running) return;
      const scanned = await this.reconcile();
      if (scanned) this.startWatching(scanned);
    })().finally(() => {
      this.booting = null;
    });
    return this.booting;
  }

  /**
   * Starts the watcher after the reconcile, then, once it is ready, scans again and queues every
   * file that differs from the reconcile's scan (`scanned`): what changed before the watcher saw it.
   */
  private startWatching(scanned: Map<string, ScannedFile>): void {
    if (this.closeWatcher || !this.running || this.progress.status === 'error') return;
    const ready = new Promise<void>((resolve) => {
      this.watchReady = resolve;
    });
    this.closeWatcher = this.o.watch(this.root, { ignored: (abs, isDir) => this.ignoredAbs(abs, isDir) }, (e) => this.onWatchEvent(e));
    this.catchingUp = ready
      .then(() => this.catchUp(scanned))
      .catch((e: unknown) => this.o.log?.('error', 'vault catch-up scan failed', { vaultId: this.vaultId, error: String(e) }))
      .finally(() => {
        this.catchingUp = null;
      });
  }

  private releaseReadyWait(): void {
    const release = this.watchReady;
    this.watchReady = null;
    release?.();
  }

  private isStopped(): boolean {
    return !this.running || this.progress.status === 'error';
  }

  private async catchUp(before: Map<string, ScannedFile>): Promise<void> {
    if (this.isStopped()) return;
    let scan;
    try {
      scan = await scanVault(this.root, this.o.filter);
    } catch (e) {
      await this.enterError(reasonOf(e));
      return;
    }
    if (this.isStopped()) return;
    let changed = 0;
    for (const [rel, s] of scan.files) {
      const b = before.get(rel);
      if (b && b.size === s.size && b.mtimeMs === s.mtimeMs) continue;
      this.setDiskPath(rel, s.diskPath);
      if (!this.debounce.has(rel)) this.knownStats.set(rel, { size: s.size, mtimeMs: s.mtimeMs });
      this.pending.add(rel);
      changed++;
    }
    for (const rel of before.keys()) {
      if (scan.files.has(rel)) continue;
      this.pending.add(rel);
      changed++;
    }
    if (changed === 0) return;
    this.o.log?.('debug', 'files changed while the watcher was starting', { vaultId: this.vaultId, changed });
    this.kick();
    await this.draining;
  }

  private setDiskPath(rel: string, diskPath: string): void {
    if (diskPath === rel) this.diskPaths.delete(rel);
    else this.diskPaths.set(rel, diskPath);
  }

  private async enterError(reason: string): Promise<void> {
    const message = `The vault folder ${this.root} cannot be read: ${reason}`;
    const wasError = this.progress.status === 'error' && this.progress.error === message;
    await this.closeWatcher?.().catch(() => undefined);
    this.closeWatcher = null;
    this.releaseReadyWait();
    for (const t of this.debounce.values()) clearTimeout(t);
    this.debounce.clear();
    // The bulk load is interrupted for who knows how long: other searches get their index back.
    await this.rebuildDroppedIndexes();
    if (!wasError) {
      this.o.log?.('warn', 'vault folder unavailable', { vaultId: this.vaultId, root: this.root, reason });
      await this.saveStatus('error', message);
      this.publishProgress({ status: 'error', phase: 'error', error: message });
    }
    this.schedulePoll();
  }

  private schedulePoll(): void {
    if (!this.running || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      if (!this.running) return;
      void this.checkRoot().then((problem) => {
        if (!this.running) return;
        if (problem) {
          this.schedulePoll();
          return;
        }
        this.o.log?.('info', 'vault folder is back', { vaultId: this.vaultId, root: this.root });
        void this.boot().catch((e: unknown) => this.o.log?.('error', 'vault restart failed', { vaultId: this.vaultId, error: String(e) }));
      });
    }, this.o.rootPollMs);
    this.pollTimer.unref?.();
  }

  private statusWrites: Promise<void> = Promise.resolve();

  /** Status writes are queued so they land in the order they were made. */
  private saveStatus(status: VaultStatus, error: string | null, synced = false): Promise<void> {
    this.statusWrites = this.statusWrites.then(() => this.writeStatus(status, error, synced));
    return this.statusWrites;
  }

  private async writeStatus(status: VaultStatus, error: string | null, synced: boolean): Promise<void> {
    try {
      await this.o.db
        .update(obsidianIntegrationSettings)
        .set({ syncStatus: status, errorLog: error, ...(synced ? { lastSyncAt: new Date() } : {}) })
        .where(eq(obsidianIntegrationSettings.id, this.vaultId));
    } catch (e) {
      this.o.log?.('warn', 'could not save the vault status', { vaultId: this.vaultId, error: String(e) });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reconcile and watch
  // -------------------------------------------------------------------------------------------

  private ignoredAbs(abs: string, isDir: boolean | undefined): boolean {
    const rel = toVaultPath(this.root, abs);
    if (rel.startsWith('..')) return true;
    // A folder's extension is never checked; when not known yet, only the folder rules apply.
    return isIgnored(rel, isDir !== false, this.o.filter) || (isDir === false && isIgnored(rel, false, this.o.filter));
  }

  /** Builds the GIN indexes again if this indexer's bulk load dropped them. */
  private async rebuildDroppedIndexes(): Promise<void> {
    if (!this.ginDropped) return;
    this.ginDropped = false;
    try {
      await endBulkLoad(this.o.db);
    } catch (e) {
      this.o.log?.('error', 'could not rebuild the search indexes', { vaultId: this.vaultId, error: String(e) });
    }
  }

  /** Returns the scan's files, or null when the vault folder could not be scanned. */
  private async reconcile(): Promise<Map<string, ScannedFile> | null> {
    this.reconciling = true;
    try {
      return await this.reconcileOnce();
    } finally {
      this.reconciling = false;
    }
  }

  private async reconcileOnce(): Promise<Map<string, ScannedFile> | null> {
    if (!this.lastRunChecked) {
      await this.statusWrites; // read what is stored, not what this run is about to store
      // A run that did not finish (daemon stopped or crashed, folder lost) may have left links
      // unresolved (bulk load): its status is still 'indexing' or 'error'. Resolve them all again.
      const [row] = await this.o.db
        .select({ status: obsidianIntegrationSettings.syncStatus })
        .from(obsidianIntegrationSettings)
        .where(eq(obsidianIntegrationSettings.id, this.vaultId));
      if (row && row.status !== 'idle') this.linksStale = true;
      this.lastRunChecked = true;
    }
    this.beginRun('scanning');
    let scan;
    try {
      scan = await scanVault(this.root, this.o.filter);
    } catch (e) {
      await this.enterError(reasonOf(e));
      return null;
    }
    if (!this.ginDropped) {
      try {
        await ensureSearchIndexes(this.o.db);
      } catch (e) {
        this.o.log?.('error', 'could not rebuild the search indexes', { vaultId: this.vaultId, error: String(e) });
      }
    }
    this.indexed = await loadIndexedFiles(this.o.db, this.vaultId);
    this.failedPaths = await loadFailedFiles(this.o.db, this.vaultId);
    const force = this.force;
    this.force = false;
    this.progress.seen = scan.files.size;
    this.duplicates = scan.duplicates;
    let toWrite = 0;
    for (const [rel, s] of scan.files) {
      this.setDiskPath(rel, s.diskPath);
      const known = this.indexed.get(rel);
      if (force || !known || known.size !== s.size || known.mtimeMs !== s.mtimeMs) {
        this.knownStats.set(rel, { size: s.size, mtimeMs: s.mtimeMs });
        this.pending.add(rel);
        toWrite++;
        if (force && known) this.forced.add(rel);
      } else {
        this.progress.unchanged++;
      }
    }
    if (toWrite >= this.o.bulkMinFiles) {
      this.linksStale = true;
      if (!this.ginDropped) {
        try {
          this.ginDropped = await beginBulkLoad(this.o.db, toWrite);
        } catch (e) {
          this.o.log?.('warn', 'could not drop the search indexes for a bulk load', { vaultId: this.vaultId, error: String(e) });
        }
      }
    }
    for (const rel of this.indexed.keys()) if (!scan.files.has(rel)) this.pending.add(rel);
    for (const rel of this.failedPaths) if (!scan.files.has(rel)) this.pending.add(rel);
    for (const p of scan.problems) this.emit({ type: 'file-error', vaultId: this.vaultId, path: p.path, severity: 'warning', message: p.message });
    if (this.pending.size === 0) {
      await this.finishRun();
      return scan.files;
    }
    this.publishProgress({ phase: 'indexing' });
    this.kick();
    await this.draining;
    return scan.files;
  }

  private readonly forced = new Set<string>();
  private reconciling = false;

  private beginRun(phase: IndexPhase): void {
    if (this.progress.status !== 'indexing') {
      this.runStartedMs = Date.now();
      this.runIndexed = 0;
      void this.saveStatus('indexing', null);
      this.publishProgress({
        status: 'indexing',
        phase,
        error: null,
        startedAt: new Date().toISOString(),
        seen: 0,
        indexed: 0,
        unchanged: 0,
        removed: 0,
      });
    } else {
      this.publishProgress({ phase });
    }
  }

  private async finishRun(): Promise<void> {
    if (!this.running) return;
    if (this.progress.status === 'error') return;
    if (this.linksStale) {
      try {
        const { generation } = await resolveVaultLinks(this.o.db, this.vaultId);
        this.linksStale = false;
        this.progress.generation = generation;
      } catch (e) {
        // Kept stale: the status is not set to 'idle' below, so the next start tries again.
        this.o.log?.('error', 'vault link resolution failed', { vaultId: this.vaultId, error: String(e) });
        return;
      }
    }
    await this.rebuildDroppedIndexes();
    const now = new Date().toISOString();
    await this.saveStatus('idle', null, true);
    this.runStartedMs = 0;
    this.publishProgress({ status: 'idle', phase: 'watching', perSecond: 0, lastSyncAt: now });
  }

  private onWatchEvent(e: WatchEvent): void {
    if (!this.running) return;
    if (e.type === 'ready') {
      this.releaseReadyWait();
      return;
    }
    if (e.type === 'error') {
      void this.checkRoot().then((problem) => {
        if (problem) void this.enterError(problem);
        else this.o.log?.('warn', 'watcher error', { vaultId: this.vaultId, error: e.error?.message });
      });
      return;
    }
    if (!e.path) return;
    const diskPath = toDiskPath(this.root, e.path);
    const rel = diskPath.normalize('NFC');
    if (rel === '' || rel.startsWith('..')) {
      if (e.type === 'unlinkDir') {
        void this.checkRoot().then(async (problem) => {
          if (problem) await this.enterError(problem);
        });
      }
      return;
    }
    switch (e.type) {
      case 'add':
      case 'change':
      case 'unlink':
        if (!isIgnored(rel, false, this.o.filter)) this.markDirty(rel, diskPath);
        return;
      case 'unlinkDir':
        void this.checkRoot().then(async (problem) => {
          if (problem) return this.enterError(problem);
          for (const p of await indexedPathsUnder(this.o.db, this.vaultId, rel)) this.markDirty(p);
          for (const p of this.failedPaths) if (p.startsWith(`${rel}/`)) this.markDirty(p);
        });
        return;
      case 'addDir':
        if (isIgnored(rel, true, this.o.filter)) return;
        void scanVault(this.root, this.o.filter, diskPath)
          .then((s) => {
            for (const [p, f] of s.files) this.markDirty(p, f.diskPath);
          })
          .catch(() => undefined);
        return;
    }
  }

  /** `diskPath`: the file's relative path as the event named it (its name on disk). */
  private markDirty(rel: string, diskPath?: string): void {
    if (diskPath !== undefined) this.setDiskPath(rel, diskPath);
    const old = this.debounce.get(rel);
    if (old) clearTimeout(old);
    this.knownStats.delete(rel);
    this.debounce.set(
      rel,
      setTimeout(() => {
        this.debounce.delete(rel);
        if (!this.running) return;
        this.pending.add(rel);
        this.kick();
      }, this.o.debounceMs),
    );
  }

  private kick(): void {
    // In 'error' nothing is written: the recovery (boot → reconcile) picks everything up again.
    if (this.draining || !this.running || this.progress.status === 'error') return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.pending.size > 0 && this.running && this.progress.status !== 'error') this.kick();
    });
  }

  private async drain(): Promise<void> {
    if (this.pending.size === 0) return;
    this.beginRun('indexing');
    let next = this.prepareNext();
    while (next) {
      const prepared = await next;
      next = null;
      if (!prepared) break;
      for (const p of prepared.paths) this.inFlight.add(p);
      // Pipelining: read, parse and tokenize the next batch while this one is written.
      if (this.running) next = this.prepareNext();
      try {
        await this.writePrepared(prepared);
      } catch (e) {
        this.o.log?.('error', 'vault index batch failed', { vaultId: this.vaultId, error: String(e) });
        this.publishProgress();
        // Not retried in a loop: the next change or restart reconciles these files again.
      } finally {
        this.inFlight.clear();
      }
    }
    if (this.pending.size === 0 && this.debounce.size === 0 && this.running && this.progress.status !== 'error') await this.finishRun();
  }

  /**
   * Takes the next batch off the queue (not a path of the batch being written: its outcome is not
   * known yet) and reads it; null when there is nothing to take or the vault folder is gone.
   */
  private prepareNext(): Promise<PreparedBatch | null> | null {
    if (!this.running || this.progress.status === 'error') return null;
    const batch: string[] = [];
    for (const p of this.pending) {
      if (this.inFlight.has(p)) continue;
      batch.push(p);
      if (batch.length >= this.o.batchSize) break;
    }
    if (batch.length === 0) return null;
    for (const p of batch) this.pending.delete(p);
    return (async () => {
      const problem = await this.checkRoot();
      if (problem) {
        for (const p of batch) this.pending.add(p);
        await this.enterError(problem);
        return null;
      }
      return this.prepareBatch(batch);
    })();
  }

  // -------------------------------------------------------------------------------------------
  // One batch
  // -------------------------------------------------------------------------------------------

  private async prepareBatch(paths: string[]): Promise<PreparedBatch> {
    const batch: BatchWrite = { upserts: [], touches: [], deletes: [], problems: [], clearProblems: [] };
    const fileErrors: FileProblem[] = [];
    let unchanged = 0;
    const work = paths.map((rel) => async () => {
      const toAbs = (p: string) => path.join(this.root, ...p.split('/'));
      let abs = toAbs(this.diskPaths.get(rel) ?? rel);
      const known = this.indexed.get(rel);
      const wasFailed = this.failedPaths.has(rel);
      const forced = this.forced.delete(rel);
      const gone = () => {
        this.diskPaths.delete(rel);
        if (known || wasFailed) batch.deletes.push(rel);
      };
      if (isIgnored(rel, false, this.o.filter)) return gone();
      let s = this.knownStats.get(rel);
      this.knownStats.delete(rel);
      if (!s) {
        // The on-disk name last reported, else the NFC and NFD spellings of the vault path
        // (a rename may have changed the name's form since).
        const candidates = [...new Set([this.diskPaths.get(rel) ?? rel, rel, rel.normalize('NFD')])];
        for (const candidate of candidates) {
          try {
            const l = await lstat(toAbs(candidate));
            const st = l.isSymbolicLink() ? await stat(toAbs(candidate)) : l;
            if (!st.isFile()) return gone();
            s = { size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
            abs = toAbs(candidate);
            this.setDiskPath(rel, candidate);
            break;
          } catch {
            // Try the next spelling.
          }
        }
        if (!s) return gone();
      }
      if (!forced && known && known.size === s.size && known.mtimeMs === s.mtimeMs) {
        unchanged++;
        return;
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(abs);
      } catch (e) {
        // The file was listed (scan or stat) a moment ago: whatever the reason, the failure is
        // reported, never dropped silently. If the file was really deleted, the watcher's event
        // (or the next reconcile) removes it and its error.
        const p: FileProblem = { path: rel, severity: 'error', message: `Cannot read the file: ${fileReasonOf(e)}` };
        batch.problems.push(p);
        fileErrors.push(p);
        return;
      }
      const contentHash = createHash('sha256').update(bytes).digest('hex');
      if (!forced && known && known.contentHash === contentHash) {
        batch.touches.push({ path: rel, size: s.size, mtimeMs: s.mtimeMs });
        unchanged++;
        return;
      }
      this.parses++;
      try {
        const note = parseNote(rel, decoder.decode(bytes));
        batch.upserts.push({ path: rel, size: s.size, mtimeMs: s.mtimeMs, contentHash, note, doc: searchDocument(note) });
        const twins = this.duplicates.get(rel) ?? [];
        const messages = [
          note.frontmatterError,
          ...(note.warnings ?? []),
          ...twins.map((d) => `Another file has the same name in another Unicode form (${JSON.stringify(d)}); only this one is indexed`),
        ].filter((m): m is string => Boolean(m));
        if (messages.length > 0) {
          const p: FileProblem = { path: rel, severity: 'warning', message: messages.join('; ') };
          batch.problems.push(p);
          fileErrors.push(p);
        } else {
          batch.clearProblems.push(rel);
        }
      } catch (e) {
        const message = e instanceof NotANoteError ? e.message : `Cannot parse the file: ${(e as Error).message}`;
        const p: FileProblem = { path: rel, severity: 'error', message };
        batch.problems.push(p);
        fileErrors.push(p);
        // A note that became unreadable as a note leaves the index.
        if (known) batch.deletes.push(rel);
      }
    });
    await runLimited(work, this.o.readConcurrency);
    return { paths, batch, fileErrors, unchanged };
  }

  private async writePrepared({ paths, batch, fileErrors, unchanged }: PreparedBatch): Promise<void> {
    const failedHere = batch.problems.filter((p) => p.severity === 'error').map((p) => p.path);
    if (batch.upserts.length + batch.touches.length + batch.deletes.length + batch.problems.length + batch.clearProblems.length > 0) {
      const { generation } = await writeBatch(this.o.db, this.vaultId, batch, { links: this.linksStale ? 'deferred' : 'batch' });
      this.progress.generation = generation;
    }
    for (const d of batch.deletes) {
      this.diskPaths.delete(d);
      this.indexed.delete(d);
      this.failedPaths.delete(d);
    }
    for (const t of batch.touches) {
      const k = this.indexed.get(t.path);
      if (k) this.indexed.set(t.path, { ...k, size: t.size, mtimeMs: t.mtimeMs });
    }
    for (const u of batch.upserts) {
      this.indexed.set(u.path, { size: u.size, mtimeMs: u.mtimeMs, contentHash: u.contentHash });
      this.failedPaths.delete(u.path);
    }
    for (const f of failedHere) this.failedPaths.add(f);
    if (!this.reconciling) this.progress.seen += paths.length;
    this.progress.indexed += batch.upserts.length;
    this.runIndexed += batch.upserts.length;
    this.progress.unchanged += unchanged;
    this.progress.removed += batch.deletes.length;
    this.progress.failed = this.failedPaths.size;
    for (const p of fileErrors) this.emit({ type: 'file-error', vaultId: this.vaultId, ...p });
    this.publishProgress();
  }
}

async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
    }
  });
  await Promise.all(workers);
}
