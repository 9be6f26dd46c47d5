/**
 * Keeps the workflow_summary materialized view (design §7.2) up to date without refreshing it once
 * per task edit: changes only mark it dirty, and one refresh runs `delayMs` after the first mark,
 * covering every change marked meanwhile. A reader that needs current figures calls `fresh()`,
 * which runs the pending refresh at once (or waits for the one in flight), so a burst of edits
 * followed by a read costs one refresh, and a read never sees figures older than its own writes.
 *
 * Mark only AFTER the transaction that changed workflows or tasks has committed: a refresh runs on
 * another connection and would not see uncommitted rows.
 */
import { refreshWorkflowSummary, type Db } from '../db/database';

export class SummaryRefresher {
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly options: { delayMs: number; onError: (e: unknown) => void },
  ) {}

  /** Something changed: refresh soon (once for the whole burst). */
  markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fresh().catch(this.options.onError);
    }, this.options.delayMs);
    // A pending refresh must not keep the process alive.
    this.timer.unref?.();
  }

  /** Resolves once every change marked before this call is in the view. */
  async fresh(): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      if (!this.dirty) return;
      this.dirty = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.running = this.refresh()
        .catch((e: unknown) => {
          this.dirty = true; // not refreshed: the next fresh() tries again
          throw e;
        })
        .finally(() => {
          this.running = undefined;
        });
      await this.running;
    }
  }

  /** Stops the timer and waits for a refresh in flight (at shutdown, before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}

/** How long changes are gathered before the view is refreshed; reads do not wait for it (fresh()). */
export const SUMMARY_REFRESH_DELAY_MS = 1_000;

/** The daemon's refresher: REFRESH MATERIALIZED VIEW CONCURRENTLY workflow_summary, failures logged. */
export function workflowSummaryRefresher(db: Db, onError: (e: unknown) => void): SummaryRefresher {
  return new SummaryRefresher(() => refreshWorkflowSummary(db), { delayMs: SUMMARY_REFRESH_DELAY_MS, onError });
}
