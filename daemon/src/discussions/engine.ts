/**
 * The discussion engine: one runner (runner.ts) per running discussion, any number at once; the
 * turn being generated for each; the live state and events (live-state.ts), also while a runner
 * waits for its database (storage-wait.ts); recovery at daemon start (recovery.ts) and a graceful
 * stop. The HTTP routes and the daemon talk to it; the engine itself knows nothing of HTTP.
 */
import type { CurrentTurn, DiscussionEvent, LiveState, StorageWait } from '../../../shared/contracts/discussions';
import { DEFAULT_PREFERENCES } from '../../../shared/contracts/preferences';
import type { Language } from '../../../shared/i18n';
import type { ModelFactory } from '../ai/assistants';
import type { SecretBox } from '../ai/secrets';
import type { CacheStore } from '../cache/store';
import type { Db } from '../db/database';
import type { VectorCache } from '../librarian/vectors';
import type { Log } from '../log';
import { preferredLanguage } from '../server/routes/preferences';
import { buildLiveState, cacheLiveState, DiscussionHub, readCachedLiveState, type Listener } from './live-state';
import type { Step } from './next-step';
import { runDiscussion, type RunnerControl } from './runner';
import { STORAGE_RETRY, type StorageRetryPolicy } from './storage-wait';
import { assistantLookup, discussionToApi, interruptionToApi, loadSnapshot, messageToApi, type InterruptionRow, type MessageRow, type Snapshot } from './store';

/**
 * Points where tests hold the engine (a promise that does not settle yet) to act at an exact
 * moment: before a step begins, and after a step is stored but before it is announced.
 */
export interface EngineCheckpoints {
  beforeStep?: (discussionId: number, step: Step) => Promise<void> | void;
  afterPersist?: (discussionId: number, messageId: number) => Promise<void> | void;
}

export interface DiscussionEngineDeps {
  db: Db;
  cache: CacheStore;
  models: ModelFactory;
  secrets?: SecretBox;
  /** The daemon's one cache of note vectors (the embedder's, which it drops when it writes): the turns' references search it when semantic search is on. */
  vectors: VectorCache;
  log: Log;
  /** The person whose language failure reasons are written in. */
  localUserId: number;
  checkpoints?: EngineCheckpoints;
  /** How a runner waits for a failing database (default STORAGE_RETRY; tests shorten it). */
  storageRetry?: StorageRetryPolicy;
}

/** What a runner uses of the engine. */
export interface EngineContext {
  db: Db;
  models: ModelFactory;
  secrets?: SecretBox;
  vectors: VectorCache;
  log: Log;
  checkpoints: EngineCheckpoints;
  storageRetry: StorageRetryPolicy;
  /** The person's language now, for the reason of a failed turn or a pause. */
  language(): Promise<Language>;
  /** The person's language as last read, without asking the database (which may be failing). */
  lastLanguage(): Language;
  setTurn(discussionId: number, turn: CurrentTurn | null): void;
  /** The runner waits for its database (null: no longer); the clients are told. */
  setStorageWait(discussionId: number, wait: StorageWait | null): void;
  emit(discussionId: number, event: DiscussionEvent): void;
  publishState(discussionId: number): Promise<void>;
  /** After a step is stored: its message, the interruptions it created or resolved, the discussion if it changed, and the state. */
  announce(discussionId: number, what: { message?: MessageRow; interruptions?: InterruptionRow[]; discussionChanged?: boolean }): Promise<void>;
}

interface Running {
  control: RunnerControl & { abort: AbortController };
  done: Promise<void>;
}

export class DiscussionEngine {
  private readonly hub = new DiscussionHub();
  private readonly runners = new Map<number, Running>();
  private readonly turns = new Map<number, CurrentTurn>();
  private readonly storageWaits = new Map<number, StorageWait>();
  /** The last snapshot read of each running discussion: its live state while the database cannot be read. */
  private readonly snapshots = new Map<number, Snapshot>();
  private lastKnownLanguage: Language = DEFAULT_PREFERENCES.language;
  private stopped = false;
  private readonly context: EngineContext;

  constructor(private readonly deps: DiscussionEngineDeps) {
    this.context = {
      db: deps.db,
      models: deps.models,
      secrets: deps.secrets,
      vectors: deps.vectors,
      log: deps.log,
      checkpoints: deps.checkpoints ?? {},
      storageRetry: deps.storageRetry ?? STORAGE_RETRY,
      language: async () => (this.lastKnownLanguage = await preferredLanguage(deps.db, deps.localUserId)),
      lastLanguage: () => this.lastKnownLanguage,
      setTurn: (id, turn) => {
        if (turn) this.turns.set(id, turn);
        else this.turns.delete(id);
      },
      setStorageWait: (id, wait) => {
        if (wait) this.storageWaits.set(id, wait);
        else this.storageWaits.delete(id);
        void this.publishState(id);
      },
      emit: (id, event) => this.hub.emit(id, event),
      publishState: (id) => this.publishState(id),
      announce: (id, what) => this.announce(id, what),
    };
  }

  /** Starts a runner for the discussion unless one is already working on it (which then looks again before it stops). */
  ensureRunning(discussionId: number): void {
    if (this.stopped) return;
    const existing = this.runners.get(discussionId);
    if (existing && !existing.control.finished) {
      existing.control.wake = true;
      return;
    }
    const abort = new AbortController();
    const control = { signal: abort.signal, wake: false, finished: false, abort };
    const done = runDiscussion(this.context, discussionId, control).then(
      () => this.runnerEnded(discussionId, control, false),
      (e: unknown) => {
        this.deps.log('error', 'discussion runner failed; resume starts it again', { discussionId, error: e instanceof Error ? e.stack : String(e) });
        this.runnerEnded(discussionId, control, true);
      },
    );
    this.runners.set(discussionId, { control, done });
  }

  private runnerEnded(discussionId: number, control: Running['control'], failed: boolean): void {
    if (this.runners.get(discussionId)?.control !== control) return;
    this.runners.delete(discussionId);
    this.turns.delete(discussionId);
    this.storageWaits.delete(discussionId);
    this.snapshots.delete(discussionId);
    if (control.abort.signal.aborted) return;
    void this.publishState(discussionId).then(async () => {
      // A runner that failed leaves its discussion stranded: the clients learn that resume is allowed now.
      if (!failed) return;
      const snap = await loadSnapshot(this.deps.db, discussionId).catch(() => undefined);
      if (snap) this.hub.emit(discussionId, { event: 'discussion', data: { discussion: discussionToApi(snap, this.runners.has(discussionId)) } });
    });
  }

  isRunning(discussionId: number): boolean {
    return this.runners.has(discussionId);
  }

  /** Resolves when the discussion's runner has stopped (paused, ended or engine stopped); at once if none runs. */
  async settled(discussionId: number): Promise<void> {
    for (let r = this.runners.get(discussionId); r; r = this.runners.get(discussionId)) await r.done;
  }

  subscribe(discussionId: number, listener: Listener): () => void {
    return this.hub.subscribe(discussionId, listener);
  }

  emit(discussionId: number, event: DiscussionEvent): void {
    this.hub.emit(discussionId, event);
  }

  /**
   * The live state: built from the database and the turn in progress here. When the database cannot
   * be read: from the last snapshot of a running discussion (with its storage wait), else the cached copy.
   */
  async liveState(discussionId: number): Promise<LiveState | undefined> {
    let snap: Snapshot | undefined;
    try {
      snap = await this.snapshot(discussionId);
    } catch (e) {
      const fallback = this.snapshots.get(discussionId);
      if (fallback) return this.liveStateOf(fallback);
      const cached = await readCachedLiveState(this.deps.cache, discussionId);
      if (cached) return cached;
      throw e;
    }
    if (!snap) return readCachedLiveState(this.deps.cache, discussionId);
    return this.liveStateOf(snap);
  }

  /** The live state from a snapshot the caller loaded, with the turn in progress as it is now (synchronous). */
  liveStateOf(snap: Snapshot): LiveState {
    const id = snap.row.id;
    return buildLiveState(snap, { running: this.runners.has(id), turn: this.turns.get(id) ?? null, storage: this.storageWaits.get(id) ?? null });
  }

  /** Reads the discussion, and keeps the snapshot of a running one. */
  private async snapshot(discussionId: number): Promise<Snapshot | undefined> {
    const snap = await loadSnapshot(this.deps.db, discussionId);
    if (snap && this.runners.has(discussionId)) this.snapshots.set(discussionId, snap);
    return snap;
  }

  /** Sends the state to the clients and keeps it in the cache (deleted once the discussion ended). */
  async publishState(discussionId: number): Promise<void> {
    try {
      // While the database cannot be read, a running discussion's state is built from its last snapshot (it says why it waits).
      const snap = await this.snapshot(discussionId).catch((e: unknown) => {
        const last = this.snapshots.get(discussionId);
        if (!last) throw e;
        return last;
      });
      if (!snap) return;
      const state = this.liveStateOf(snap);
      this.hub.emit(discussionId, { event: 'state', data: { state } });
      await cacheLiveState(this.deps.cache, state, snap.row.endedAt !== null, this.deps.log);
    } catch (e) {
      this.deps.log('warn', 'discussion state not published', { discussionId, error: e instanceof Error ? e.message : String(e) });
    }
  }

  async announce(discussionId: number, what: { message?: MessageRow; interruptions?: InterruptionRow[]; discussionChanged?: boolean }): Promise<void> {
    const snap = await this.snapshot(discussionId);
    if (!snap) return;
    if (what.message) {
      this.hub.emit(discussionId, { event: 'message', data: { discussionId, message: messageToApi(what.message, snap.settings, assistantLookup(snap.participants)) } });
    }
    for (const i of what.interruptions ?? []) {
      const fresh = snap.interruptions.find((x) => x.id === i.id) ?? i;
      this.hub.emit(discussionId, { event: 'interruption', data: { discussionId, interruption: interruptionToApi(fresh) } });
    }
    // The state before the discussion event: after an end, that event closes the clients' streams.
    await this.publishState(discussionId);
    if (what.discussionChanged) this.hub.emit(discussionId, { event: 'discussion', data: { discussion: discussionToApi(snap, this.runners.has(discussionId)) } });
  }

  /** Graceful stop (daemon shutdown): calls in flight are cancelled, nothing half-done is stored; a restart redoes those steps. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = [...this.runners.values()];
    for (const r of running) r.control.abort.abort(new DOMException('the daemon is stopping', 'AbortError'));
    await Promise.all(running.map((r) => r.done));
  }

  /** Abandons every runner at once without waiting for them (a test's stand-in for killing the daemon). */
  kill(): void {
    this.stopped = true;
    for (const r of this.runners.values()) r.control.abort.abort(new DOMException('killed', 'AbortError'));
    this.runners.clear();
  }
}
