/**
 * A runner whose database fails (the connection lost, a query error, PostgreSQL restarting) does not
 * die: each read or write it needs is tried again with a growing delay, while the live state says
 * that the discussion waits for its storage. Once the database answers, the runner goes on from
 * where it stood — a step already spoken is stored, not spoken again; the engine's one-transaction
 * writes and the step counter (record.ts) keep every step stored once. After `pauseAfter` failures
 * in a row, the next attempt that reaches the database pauses the discussion instead
 * (`storage_failure`), as a provider that keeps failing does; a discussion that is closing cannot be
 * paused and keeps trying. The engine stopping ends the wait at once.
 */
import type { StorageWait } from '../../../shared/contracts/discussions';
import { sleep } from '../ai/retry';
import type { Log } from '../log';
import type { InterruptionRow } from './store';

export interface StorageRetryPolicy {
  /** The wait after the first failure; it doubles after each further failure in a row, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failures in a row after which the discussion is paused, at the next attempt the database answers. */
  pauseAfter: number;
}

/** 1 s doubling to 30 s; paused after 10 failures in a row (1+2+4+8+16+5×30 s: about three minutes). */
export const STORAGE_RETRY: StorageRetryPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, pauseAfter: 10 };

/** The wait after the `failures`-th failure in a row. */
export function storageDelay(policy: StorageRetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failures - 1));
}

/** Thrown out of a runner that must stop now: the engine is stopping, or the discussion was paused for its storage. */
export class RunnerStop extends Error {
  constructor(readonly why: 'stopped' | 'paused') {
    super(why === 'stopped' ? 'the engine is stopping' : 'the discussion was paused: its storage kept failing');
    this.name = 'RunnerStop';
  }
}

export interface StorageGuardDeps {
  policy: StorageRetryPolicy;
  signal: AbortSignal;
  log: Log;
  /** The sentence shown while waiting, in the person's language as last known (the database that tells it may be the one failing). */
  sentence(pausing: boolean): string;
  /** The wait began, went on (another failure), or ended (null). */
  onWait(wait: StorageWait | null): void;
  /** Writes the storage_failure pause; undefined when there is nothing to pause (no longer active, or closing). */
  pause(failures: number): Promise<InterruptionRow | undefined>;
  /** The pause is stored: tell the clients (never throws). */
  onPaused(pause: InterruptionRow): void;
}

/** One per runner: counts the failures in a row of its storage. */
export class StorageGuard {
  private failures = 0;
  private since = new Date(0);

  constructor(private readonly deps: StorageGuardDeps) {}

  /** Runs `op` (a read or a write of the discussion) until it succeeds; throws RunnerStop when the runner must stop instead. */
  async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    const { policy, signal, log } = this.deps;
    for (;;) {
      if (signal.aborted) throw new RunnerStop('stopped');
      try {
        if (this.failures >= policy.pauseAfter) {
          const pause = await this.deps.pause(this.failures);
          if (pause) {
            log('warn', 'discussion paused: its storage kept failing', { failures: this.failures, interruptionId: pause.id });
            this.failures = 0;
            this.deps.onWait(null);
            this.deps.onPaused(pause);
            throw new RunnerStop('paused');
          }
          // Nothing to pause (the user paused it, or it is closing): the database answered, so the step goes on.
        }
        const value = await op();
        if (this.failures > 0) {
          log('info', 'discussion storage answers again', { what, failures: this.failures });
          this.failures = 0;
          this.deps.onWait(null);
        }
        return value;
      } catch (e) {
        if (e instanceof RunnerStop) throw e;
        // A failure caused by the shutdown itself (a pool being closed) is not the storage's.
        if (signal.aborted) throw new RunnerStop('stopped');
        await this.wait(what, e);
      }
    }
  }

  private async wait(what: string, error: unknown): Promise<void> {
    const { policy, signal } = this.deps;
    const now = new Date();
    if (this.failures === 0) this.since = now;
    this.failures++;
    const delay = storageDelay(policy, this.failures);
    const pausing = this.failures >= policy.pauseAfter;
    this.deps.log('warn', 'discussion storage failed; trying again', { what, failures: this.failures, retryInMs: delay, pausing, error: error instanceof Error ? error.message : String(error) });
    this.deps.onWait({
      reason: this.deps.sentence(pausing),
      attempts: this.failures,
      since: this.since.toISOString(),
      retryAt: new Date(now.getTime() + delay).toISOString(),
      pausing,
    });
    try {
      await sleep(delay, signal);
    } catch {
      throw new RunnerStop('stopped');
    }
  }
}
