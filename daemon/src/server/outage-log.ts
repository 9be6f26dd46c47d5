/**
 * The database being away makes every request fail the same way: the log says so once per burst
 * (a warning with the driver's reason), not once per request. A burst ends after `quietMs` without
 * a refused request; the next refusal after that is a new outage and is logged again.
 */
import type { UnavailableInfo } from '../db/errors';
import type { Log } from '../log';

/** A minute without a refusal ends a burst: a plugin polling every few seconds keeps one outage one burst. */
export const OUTAGE_QUIET_MS = 60_000;

export class OutageLog {
  private lastAt = Number.NEGATIVE_INFINITY;
  private refusedInBurst = 0;

  constructor(
    private readonly log: Log,
    private readonly quietMs = OUTAGE_QUIET_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A request was answered 503 database_unavailable because of `why`. */
  refused(why: UnavailableInfo, request: { path: string; requestId?: string }): void {
    const now = this.now();
    const quiet = now - this.lastAt;
    this.lastAt = now;
    if (quiet <= this.quietMs) {
      this.refusedInBurst++;
      return;
    }
    const previous = this.refusedInBurst;
    this.refusedInBurst = 1;
    this.log('warn', 'the database cannot be reached: requests are answered 503 database_unavailable until it answers again', {
      reason: why.message,
      ...(why.code ? { code: why.code } : {}),
      path: request.path,
      requestId: request.requestId,
      ...(previous > 0 ? { refusedInPreviousOutage: previous } : {}),
    });
  }
}
