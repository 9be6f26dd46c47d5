import type { IndexProgress } from '../../../../shared/contracts/vaults';
import { isAbort } from '../../daemon/client';
import type { Schedule } from './search-runner';

/** Where the watch reads the vault's index state (the daemon, through the pane's client). */
export interface IndexSource {
  /** The pane's vault's progress now; null while no vault is registered (or it is not known which). */
  current(signal: AbortSignal): Promise<IndexProgress | null>;
  /** That vault's progress as the daemon publishes it (its current state first), until the stream ends or `signal` aborts. */
  follow(vaultId: number, signal: AbortSignal): AsyncIterable<IndexProgress>;
}

/** How often the vault's state is looked at while it is not being indexed. */
export const INDEX_CHECK_MS = 10_000;

/**
 * Follows the pane's vault while it is indexed, without Preact or Obsidian: looks at its state
 * now and every INDEX_CHECK_MS; while the daemon says `indexing`, reads its progress events
 * (Server-Sent Events) and passes each on, and when the run ends says so once (the pane then
 * searches again: results found during the index are incomplete). Between runs no stream is open.
 */
export class IndexWatch {
  private running = false;
  private controller: AbortController | null = null;
  private cancelTimer: (() => void) | null = null;

  constructor(
    private readonly source: IndexSource,
    /** The run's progress, or null when no run is being followed. */
    private readonly onProgress: (progress: IndexProgress | null) => void,
    /** A followed run has ended (idle again, or in error). */
    private readonly onFinished: () => void,
    private readonly schedule: Schedule,
    private readonly checkMs = INDEX_CHECK_MS,
  ) {}

  /** Starts watching (the pane is connected). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.check();
  }

  /** Stops watching (disconnected, or the pane closed); a followed run is let go. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.controller?.abort();
    this.controller = null;
    this.onProgress(null);
  }

  private async check(): Promise<void> {
    this.cancelTimer = null;
    const controller = new AbortController();
    this.controller = controller;
    try {
      const now = await this.source.current(controller.signal);
      if (now?.status === 'indexing' && !controller.signal.aborted) await this.follow(now, controller.signal);
    } catch (e) {
      // The daemon went away or answered oddly: the next check looks again.
      if (!isAbort(e) && !controller.signal.aborted) console.debug('[Hisho] could not follow the vault index', e);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    if (this.running && !controller.signal.aborted) this.cancelTimer = this.schedule(() => void this.check(), this.checkMs);
  }

  private async follow(first: IndexProgress, signal: AbortSignal): Promise<void> {
    this.onProgress(first);
    let finished = false;
    try {
      for await (const progress of this.source.follow(first.vaultId, signal)) {
        if (progress.status !== 'indexing') {
          finished = true;
          break;
        }
        this.onProgress(progress);
      }
    } finally {
      // Ended, or the stream closed without the run's end (the daemon stopped): nothing is followed now.
      if (!signal.aborted) this.onProgress(null);
    }
    if (finished && !signal.aborted) this.onFinished();
  }
}
