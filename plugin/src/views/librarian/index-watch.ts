import type { IndexProgress } from '../../../../shared/contracts/vaults';
import type { ConnectionMonitor, DisplayStatus } from '../../connection';
import { isAbort } from '../../daemon/client';
import type { Schedule } from '../../schedule';

/** Where the watch reads the vault's index state (the daemon). */
export interface IndexSource {
  /** The vault's progress now; null while no vault is registered (or it is not known which). */
  current(signal: AbortSignal): Promise<IndexProgress | null>;
  /** That vault's progress as the daemon publishes it (its current state first), until the stream ends or `signal` aborts. */
  follow(vaultId: number, signal: AbortSignal): AsyncIterable<IndexProgress>;
}

/** How often the vault's state is looked at while it is not being indexed. */
export const INDEX_CHECK_MS = 10_000;

/** A run's files done of the files found; `counting` while the files are still being found (no total yet). */
export function indexCounts(progress: IndexProgress): { done: number; total: number; counting: boolean } {
  const total = progress.seen;
  const done = Math.min(total, progress.indexed + progress.unchanged);
  const counting = progress.phase === 'starting' || progress.phase === 'scanning' || total === 0;
  return { done, total, counting };
}

/**
 * Whether the vault has a run going or about to begin: a vault just registered (or whose indexer
 * just started) is idle in phase `starting` until its first run begins a moment later.
 */
function runAhead(progress: IndexProgress): boolean {
  return progress.status === 'indexing' || (progress.status === 'idle' && progress.phase === 'starting');
}

/**
 * Follows the plugin's vault while it is indexed, without Preact or Obsidian: looks at its state
 * now and every INDEX_CHECK_MS; while the daemon says `indexing` (or that a run is about to
 * start), reads its progress events (Server-Sent Events) and passes each run's progress on, and
 * when the run ends says so once (the Librarian pane then searches again: results found during the
 * index are incomplete). Between runs no stream is open. One watch serves the whole plugin (the
 * status bar and the pane listen to it), so a vault is followed over one stream however many parts
 * show it.
 */
export class IndexWatch {
  private running = false;
  private controller: AbortController | null = null;
  private cancelTimer: (() => void) | null = null;
  /** checkNow() was asked for while a check was running: look again as soon as it ends. */
  private recheck = false;
  private current: IndexProgress | null = null;
  private readonly progressListeners = new Set<(progress: IndexProgress | null) => void>();
  private readonly finishListeners = new Set<() => void>();

  constructor(
    private readonly source: IndexSource,
    private readonly schedule: Schedule,
    private readonly checkMs = INDEX_CHECK_MS,
  ) {}

  /** The followed run's progress, or null when no run is being followed. */
  get progress(): IndexProgress | null {
    return this.current;
  }

  /** Calls `listener` with each change of `progress`; returns the unsubscribe function. */
  subscribe(listener: (progress: IndexProgress | null) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Calls `listener` each time a followed run ends (idle again, or in error); returns the unsubscribe function. */
  onFinished(listener: () => void): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  /** Starts watching (the daemon is connected). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.check();
  }

  /** Stops watching (disconnected, or the plugin unloads); a followed run is let go. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.recheck = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.controller?.abort();
    this.controller = null;
    this.show(null);
  }

  /**
   * Looks at the vault now instead of at the next check (the vault was just registered, the pane
   * just opened); while a check or a followed run is under way, as soon as it ends.
   */
  checkNow(): void {
    if (!this.running) return;
    if (this.controller) {
      this.recheck = true;
      return;
    }
    this.cancelTimer?.();
    this.cancelTimer = null;
    void this.check();
  }

  private show(progress: IndexProgress | null): void {
    if (progress === null && this.current === null) return;
    this.current = progress;
    for (const listener of this.progressListeners) listener(progress);
  }

  private async check(): Promise<void> {
    this.cancelTimer = null;
    const controller = new AbortController();
    this.controller = controller;
    try {
      const now = await this.source.current(controller.signal);
      if (now && runAhead(now) && !controller.signal.aborted) await this.follow(now, controller.signal);
    } catch (e) {
      // The daemon went away or answered oddly: the next check looks again.
      if (!isAbort(e) && !controller.signal.aborted) console.debug('[Hisho] could not follow the vault index', e);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    if (!this.running || controller.signal.aborted) return;
    if (this.recheck) {
      this.recheck = false;
      void this.check();
    } else {
      this.cancelTimer = this.schedule(() => void this.check(), this.checkMs);
    }
  }

  private async follow(first: IndexProgress, signal: AbortSignal): Promise<void> {
    if (first.status === 'indexing') this.show(first);
    let finished = false;
    try {
      for await (const progress of this.source.follow(first.vaultId, signal)) {
        if (!runAhead(progress)) {
          finished = true;
          break;
        }
        // Before the run begins there is nothing to count yet.
        if (progress.status === 'indexing') this.show(progress);
      }
    } finally {
      // Ended, or the stream closed without the run's end (the daemon stopped): nothing is followed now.
      if (!signal.aborted) this.show(null);
    }
    if (finished && !signal.aborted) for (const listener of this.finishListeners) listener();
  }
}

/** Runs `watch` while `monitor` says the daemon is connected; returns the function that ends it. */
export function watchWhileConnected(watch: IndexWatch, monitor: Pick<ConnectionMonitor, 'status' | 'subscribe'>): () => void {
  const apply = (status: DisplayStatus) => (status.state === 'connected' ? watch.start() : watch.stop());
  const unsubscribe = monitor.subscribe(apply);
  apply(monitor.status);
  return () => {
    unsubscribe();
    watch.stop();
  };
}
