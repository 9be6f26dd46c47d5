/**
 * The discussion engine: one runner (runner.ts) per running discussion, any number at once; the
 * turn being generated for each; the live state and events (live-state.ts); recovery at daemon start
 * (recovery.ts) and a graceful stop. The HTTP routes and the daemon talk to it; the engine itself
 * knows nothing of HTTP.
 */
import type { CurrentTurn, DiscussionEvent, LiveState } from '../../../shared/contracts/discussions';
import type { Language } from '../../../shared/i18n';
import type { ModelFactory } from '../ai/assistants';
import type { SecretBox } from '../ai/secrets';
import type { CacheStore } from '../cache/store';
import type { Db } from '../db/database';
import type { Log } from '../log';
import { preferredLanguage } from '../server/routes/preferences';
import { buildLiveState, cacheLiveState, DiscussionHub, readCachedLiveState, type Listener } from './live-state';
import type { Step } from './next-step';
import { runDiscussion, type RunnerControl } from './runner';
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
  log: Log;
  /** The person whose language failure reasons are written in. */
  localUserId: number;
  checkpoints?: EngineCheckpoints;
}

/** What a runner uses of the engine. */
export interface EngineContext {
  db: Db;
  models: ModelFactory;
  secrets?: SecretBox;
  checkpoints: EngineCheckpoints;
  /** The person's language now, for the reason of a failed turn or a pause. */
  language(): Promise<Language>;
  setTurn(discussionId: number, turn: CurrentTurn | null): void;
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
  private stopped = false;
  private readonly context: EngineContext;

  constructor(private readonly deps: DiscussionEngineDeps) {
    this.context = {
      db: deps.db,
      models: deps.models,
      secrets: deps.secrets,
      checkpoints: deps.checkpoints ?? {},
      language: () => preferredLanguage(deps.db, deps.localUserId),
      setTurn: (id, turn) => {
        if (turn) this.turns.set(id, turn);
        else this.turns.delete(id);
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
    const done = runDiscussion(this.context, discussionId, control)
      .catch((e: unknown) => this.deps.log('error', 'discussion runner failed', { discussionId, error: e instanceof Error ? e.stack : String(e) }))
      .finally(() => {
        if (this.runners.get(discussionId)?.control === control) this.runners.delete(discussionId);
        this.turns.delete(discussionId);
        if (!abort.signal.aborted) void this.publishState(discussionId);
      });
    this.runners.set(discussionId, { control, done });
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

  /** The live state: built from the database and the turn in progress here; the cached copy when the database cannot say. */
  async liveState(discussionId: number): Promise<LiveState | undefined> {
    const snap = await loadSnapshot(this.deps.db, discussionId);
    if (!snap) return readCachedLiveState(this.deps.cache, discussionId);
    return this.liveStateOf(snap);
  }

  /** The live state from a snapshot the caller loaded, with the turn in progress as it is now (synchronous). */
  liveStateOf(snap: Snapshot): LiveState {
    return buildLiveState(snap, { running: this.runners.has(snap.row.id), turn: this.turns.get(snap.row.id) ?? null });
  }

  /** Sends the state to the clients and keeps it in the cache (deleted once the discussion ended). */
  async publishState(discussionId: number): Promise<void> {
    try {
      const snap = await loadSnapshot(this.deps.db, discussionId);
      if (!snap) return;
      const state = buildLiveState(snap, { running: this.runners.has(discussionId), turn: this.turns.get(discussionId) ?? null });
      this.hub.emit(discussionId, { event: 'state', data: { state } });
      await cacheLiveState(this.deps.cache, state, snap.row.endedAt !== null, this.deps.log);
    } catch (e) {
      this.deps.log('warn', 'discussion state not published', { discussionId, error: e instanceof Error ? e.message : String(e) });
    }
  }

  async announce(discussionId: number, what: { message?: MessageRow; interruptions?: InterruptionRow[]; discussionChanged?: boolean }): Promise<void> {
    const snap = await loadSnapshot(this.deps.db, discussionId);
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
    if (what.discussionChanged) this.hub.emit(discussionId, { event: 'discussion', data: { discussion: discussionToApi(snap) } });
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
