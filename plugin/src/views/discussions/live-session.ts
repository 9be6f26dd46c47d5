import type { Discussion, DiscussionEvent, DiscussionMessage, Interruption } from '../../../../shared/contracts/discussions';
import { DaemonError, isAbort } from '../../daemon/client';
import { emptyTranscript, hasEnded, lastMessageId, reduceTranscript, type TranscriptAction, type TranscriptState } from './transcript-state';

/** What the session reads from the daemon (DiscussionsApi, or a fake in tests). */
export interface DiscussionSource {
  /** The live events; the daemon sends the live state first, as soon as the stream is open. */
  events(id: number, signal: AbortSignal): AsyncIterable<DiscussionEvent>;
  get(id: number): Promise<Discussion>;
  messages(id: number, afterId?: number): Promise<DiscussionMessage[]>;
  interruptions(id: number): Promise<Interruption[]>;
}

/** Runs `fn` after `ms`; returns what cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

/**
 * `live`: events are arriving; `connecting`: (re)opening the stream; `waiting`: the stream dropped
 * (`error`: why, null when the daemon ended it), retrying soon; `closed`: the discussion ended, or
 * the daemon refused to show it (`error`).
 */
export type Link = { state: 'connecting' } | { state: 'live' } | { state: 'waiting'; error: unknown } | { state: 'closed'; error: unknown };

/** Waits 1 s, then 2, 4, 8, at most 15 s between attempts to reopen a dropped stream. */
export function retryDelayMs(failures: number): number {
  return Math.min(15_000, 1_000 * 2 ** Math.max(0, failures - 1));
}

/** Whether an error means the discussion cannot be followed at all (gone, or refused), not that the line dropped. */
function isFinal(e: unknown): boolean {
  if (!(e instanceof DaemonError)) return false;
  const { reason } = e;
  if (reason.code === 'unauthorized') return true;
  return reason.code === 'http-error' && reason.status >= 400 && reason.status < 500 && reason.status !== 408 && reason.status !== 429;
}

/**
 * Follows one discussion live: opens its event stream, then reads what was stored (everything at
 * first, the messages after the last one shown on a reconnect), then applies the events as they
 * arrive. Events that arrived while the catch-up was read wait in the stream and are applied after
 * it; the transcript keeps each message once, so nothing shows twice and nothing is lost. When the
 * stream drops it is reopened, with growing pauses, until the discussion has ended.
 */
export class LiveSession {
  private state: TranscriptState;
  private link: Link = { state: 'connecting' };
  private controller: AbortController | null = null;
  private cancelRetry: (() => void) | null = null;
  private failures = 0;
  private disposed = false;

  constructor(
    readonly discussionId: number,
    private readonly source: DiscussionSource,
    private readonly onChange: (state: TranscriptState, link: Link) => void,
    private readonly schedule: Schedule,
  ) {
    this.state = emptyTranscript(discussionId);
  }

  get current(): { state: TranscriptState; link: Link } {
    return { state: this.state, link: this.link };
  }

  start(): void {
    void this.connect();
  }

  /** Applies an answer the pane received itself (an interruption's result). */
  apply(action: TranscriptAction): void {
    if (this.disposed) return;
    this.state = reduceTranscript(this.state, action);
    this.onChange(this.state, this.link);
  }

  /** Reconnects now instead of waiting (the person asked, or the daemon is back). */
  retryNow(): void {
    if (this.disposed || this.link.state !== 'waiting') return;
    this.cancelRetry?.();
    this.cancelRetry = null;
    void this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetry?.();
    this.controller?.abort();
  }

  private setLink(link: Link): void {
    this.link = link;
    this.onChange(this.state, link);
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    const controller = new AbortController();
    this.controller = controller;
    this.setLink({ state: 'connecting' });
    try {
      const events = this.source.events(this.discussionId, controller.signal)[Symbol.asyncIterator]();
      // The first event proves the stream is open: what is stored from now on is either in the
      // catch-up below or in the events that follow (or both), never in neither.
      const first = await events.next();
      const afterId = lastMessageId(this.state);
      const [discussion, messages, interruptions] = await Promise.all([
        this.source.get(this.discussionId),
        this.source.messages(this.discussionId, afterId),
        this.source.interruptions(this.discussionId),
      ]);
      if (controller.signal.aborted) return;
      this.apply({ event: 'resync', data: { discussion, messages, interruptions } });
      this.failures = 0;
      this.setLink({ state: 'live' });
      for (let next = first; !next.done; next = await events.next()) {
        if (controller.signal.aborted) return;
        this.apply(next.value);
      }
      // The daemon ended the stream: it shut down, or the discussion is over.
      if (hasEnded(this.state.discussion)) return this.setLink({ state: 'closed', error: null });
      this.retryLater(null);
    } catch (e) {
      if (this.disposed || isAbort(e)) return;
      if (isFinal(e)) return this.setLink({ state: 'closed', error: e });
      this.retryLater(e);
    }
  }

  private retryLater(error: unknown): void {
    if (this.disposed) return;
    this.failures++;
    this.setLink({ state: 'waiting', error });
    this.cancelRetry = this.schedule(() => {
      this.cancelRetry = null;
      void this.connect();
    }, retryDelayMs(this.failures));
  }
}
