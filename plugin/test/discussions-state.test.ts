/**
 * The Discussions pane's pure logic: the transcript built from events and catch-ups (each message
 * once, the streamed turn never going back or doubling), the live session's order of work and
 * reconnects against a fake source, the buttons allowed per status, and when a plan can be drafted.
 */
import { describe, expect, it } from 'vitest';
import type { CurrentTurn, Discussion, DiscussionEvent, DiscussionMessage, Interruption, LiveState } from '../../shared/contracts/discussions';
import { DaemonError } from '../src/daemon/client';
import { allowedFromConflict, controlsFor, standingOf } from '../src/views/discussions/controls';
import { LiveSession, retryDelayMs, type DiscussionSource, type Link } from '../src/views/discussions/live-session';
import { canDraftPlan, draftingAssistants } from '../src/views/discussions/plan-draft';
import { consensusView, emptyTranscript, hasEnded, participantState, reduceTranscript, type TranscriptAction, type TranscriptState } from '../src/views/discussions/transcript-state';

const ID = 7;
const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function discussion(over: Partial<Discussion> = {}): Discussion {
  return {
    id: ID,
    title: 'Remote work',
    description: null,
    topic: 'Remote work',
    currentTopic: 'Remote work',
    type: 'collaborative',
    status: 'active',
    stopReason: null,
    pause: null,
    allowedActions: ['pause', 'redirect', 'clarify', 'terminate'],
    maxParticipants: 5,
    currentParticipantCount: 3,
    settings: { maxRounds: 3, tokenBudget: 60_000, language: 'en', consultVault: false, vaultId: null, observerReview: false },
    round: 1,
    phase: 'build',
    tokensUsed: 0,
    contributionCount: 0,
    consensusReached: false,
    consensusSummary: null,
    consensus: null,
    participants: [],
    startedAt: at(0),
    endedAt: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

function message(id: number, over: Partial<DiscussionMessage> = {}): DiscussionMessage {
  return {
    id,
    discussionId: ID,
    participantId: 2,
    assistantId: 12,
    kind: 'turn',
    round: 1,
    phase: 'build',
    messageType: 'contribution',
    content: `message ${id}`,
    reasoning: null,
    confidence: 7,
    references: [],
    parentMessageId: null,
    formsConsensus: false,
    answersInterruptionId: null,
    consensus: null,
    failure: null,
    usage: null,
    createdAt: at(id),
    ...over,
  };
}

function turn(over: Partial<CurrentTurn> = {}): CurrentTurn {
  return { turnId: '7-3-1', participantId: 2, kind: 'turn', round: 1, phase: 'build', attempt: 1, text: '', startedAt: at(2.5), ...over };
}

function live(over: Partial<LiveState> = {}): LiveState {
  return {
    discussionId: ID,
    status: 'active',
    running: true,
    currentTopic: 'Remote work',
    round: 1,
    phase: 'build',
    participants: [
      { participantId: 1, assistantId: 11, role: 'moderator', state: 'waiting' },
      { participantId: 2, assistantId: 12, role: 'participant', state: 'speaking' },
    ],
    currentSpeaker: 2,
    currentTurn: null,
    flow: [],
    consensusProgress: 0,
    tokensUsed: 0,
    tokenBudget: 60_000,
    maxRounds: 3,
    pending: [],
    lastActivity: at(3),
    storage: null,
    ...over,
  };
}

function interruption(id: number, over: Partial<Interruption> = {}): Interruption {
  return {
    id,
    discussionId: ID,
    type: 'clarify',
    message: 'What about costs?',
    redirectTopic: null,
    priority: 'medium',
    initiatedBy: 'user',
    initiatorId: 1,
    statusBefore: 'active',
    statusAfter: 'active',
    resolvedAt: null,
    createdAt: at(id),
    ...over,
  };
}

const ev = {
  state: (state: LiveState): DiscussionEvent => ({ event: 'state', data: { state } }),
  turn: (t: CurrentTurn): DiscussionEvent => ({ event: 'turn', data: { discussionId: ID, turn: t } }),
  delta: (turnId: string, text: string): DiscussionEvent => ({ event: 'delta', data: { discussionId: ID, turnId, text } }),
  message: (m: DiscussionMessage): DiscussionEvent => ({ event: 'message', data: { discussionId: ID, message: m } }),
  interruption: (i: Interruption): DiscussionEvent => ({ event: 'interruption', data: { discussionId: ID, interruption: i } }),
  discussion: (d: Discussion): DiscussionEvent => ({ event: 'discussion', data: { discussion: d } }),
};

const resync = (d: Discussion, messages: DiscussionMessage[], interruptions: Interruption[] = []): TranscriptAction => ({ event: 'resync', data: { discussion: d, messages, interruptions } });

const run = (actions: TranscriptAction[], from: TranscriptState = emptyTranscript(ID)) => actions.reduce(reduceTranscript, from);
const ids = (s: TranscriptState) => s.messages.map((m) => m.id);

describe('the transcript', () => {
  it('shows a turn as its tokens arrive, then the stored message in its place', () => {
    const s = run([resync(discussion(), [message(1), message(2)]), ev.turn(turn()), ev.delta('7-3-1', 'Remote '), ev.delta('7-3-1', 'work helps.')]);
    expect(s.turn?.text).toBe('Remote work helps.');
    const done = reduceTranscript(s, ev.message(message(3, { content: 'Remote work helps.' })));
    expect(done.turn).toBeNull();
    expect(ids(done)).toEqual([1, 2, 3]);
  });

  it('starts a retried attempt from its own text and ignores the deltas of another turn', () => {
    const s = run([ev.turn(turn()), ev.delta('7-3-1', 'broken {'), ev.turn(turn({ turnId: '7-3-2', attempt: 2 })), ev.delta('7-3-1', 'late'), ev.delta('7-3-2', 'Fixed.')]);
    expect(s.turn).toMatchObject({ turnId: '7-3-2', attempt: 2, text: 'Fixed.' });
  });

  it('keeps each message and interruption once, whichever way it arrives first', () => {
    const clarify = interruption(4);
    const answered = interruption(4, { resolvedAt: at(6) });
    const byEvent = run([ev.message(message(1)), ev.message(message(2)), ev.interruption(clarify), resync(discussion(), [message(1), message(2), message(3)], [answered])]);
    const byCatchUp = run([resync(discussion(), [message(1), message(2), message(3)], [clarify]), ev.message(message(2)), ev.message(message(3)), ev.interruption(answered)]);
    expect(ids(byEvent)).toEqual([1, 2, 3]);
    expect(ids(byCatchUp)).toEqual([1, 2, 3]);
    expect(byEvent.interruptions).toEqual([answered]);
    expect(byCatchUp.interruptions).toEqual([answered]);
    // Out of order (a catch-up after a newer event): still by id.
    expect(ids(run([ev.message(message(5)), resync(discussion(), [message(3), message(4)])]))).toEqual([3, 4, 5]);
  });

  it('drops a streamed turn whose message came with a catch-up, but not for an earlier message of the same speaker', () => {
    const streaming = run([ev.turn(turn()), ev.delta('7-3-1', 'Half')]);
    // Message 1 (by the same speaker, same kind and round) was stored before this turn started.
    expect(run([resync(discussion(), [message(1)])], streaming).turn?.text).toBe('Half');
    expect(run([resync(discussion(), [message(3)])], streaming).turn).toBeNull();
    // A turn event for a turn already stored (it waited in the stream during the catch-up) shows nothing.
    expect(run([resync(discussion(), [message(3)]), ev.turn(turn())]).turn).toBeNull();
  });

  it('takes the turn from the live state without going back or doubling its text', () => {
    const streamed = run([ev.turn(turn()), ev.delta('7-3-1', 'Remote work'), ev.delta('7-3-1', ' helps.')]);
    // A snapshot taken earlier (less text) does not shorten what is shown.
    expect(reduceTranscript(streamed, ev.state(live({ currentTurn: turn({ text: 'Remote' }) }))).turn?.text).toBe('Remote work helps.');
    // A reconnect: the stream's first state carries the text so far, later deltas add to it once.
    const reconnected = run([ev.state(live({ currentTurn: turn({ text: 'Remote work' }) })), ev.delta('7-3-1', ' helps.')], { ...streamed, turn: null });
    expect(reconnected.turn?.text).toBe('Remote work helps.');
    // A state without a turn in progress clears it.
    expect(reduceTranscript(streamed, ev.state(live())).turn).toBeNull();
  });

  it('never lets an older copy of the discussion replace a newer one, and ignores other discussions', () => {
    const paused = discussion({ status: 'paused', updatedAt: at(10) });
    const s = run([ev.discussion(paused), ev.discussion(discussion({ status: 'active', updatedAt: at(5) }))]);
    expect(s.discussion?.status).toBe('paused');
    expect(run([resync(discussion({ updatedAt: at(5) }), [])], s).discussion?.status).toBe('paused');
    expect(run([ev.discussion(discussion({ id: 8, status: 'completed', updatedAt: at(20) }))], s).discussion?.status).toBe('paused');
    expect(run([{ event: 'message', data: { discussionId: 8, message: message(9) } }], s).messages).toEqual([]);
  });

  it('reads who is doing what, and the consensus meter from the latest judgement', () => {
    const judgement = message(4, { kind: 'judgement', participantId: 1, consensus: { progress: 0.6, reached: false, summary: 'Closer.', openPoints: ['Costs'] } });
    const s = run([resync(discussion({ consensus: { progress: 0.3, reached: false, summary: 'Apart.', openPoints: ['Everything'] } }), [message(1), judgement]), ev.state(live({ consensusProgress: 0.6 }))]);
    expect(participantState(s, 2)).toBe('speaking');
    expect(participantState(s, 99)).toBe('waiting');
    expect(consensusView(s)).toEqual({ progress: 0.6, reached: false, summary: 'Closer.', openPoints: ['Costs'] });
    expect(consensusView(emptyTranscript(ID))).toEqual({ progress: 0, reached: false, summary: null, openPoints: [] });
  });

  it('knows when a discussion has ended for good', () => {
    expect(hasEnded(discussion({ status: 'terminated', endedAt: null }))).toBe(false);
    expect(hasEnded(discussion({ status: 'terminated', endedAt: at(9) }))).toBe(true);
    expect(hasEnded(discussion({ status: 'paused' }))).toBe(false);
  });
});

describe('the steering buttons', () => {
  it('are the actions the daemon allows, in a fixed order', () => {
    expect(controlsFor(discussion(), null).actions).toEqual(['pause', 'redirect', 'clarify', 'terminate']);
    expect(controlsFor(discussion({ status: 'paused', allowedActions: ['terminate', 'clarify', 'resume', 'redirect'] }), null).actions).toEqual(['resume', 'redirect', 'clarify', 'terminate']);
    expect(controlsFor(discussion({ status: 'completed', allowedActions: [] }), null).actions).toEqual([]);
    expect(controlsFor(null, null).actions).toEqual([]);
  });

  it('say when a pause or an end waits for the turn in progress (for this discussion only)', () => {
    const pending = live({ pending: [{ interruptionId: 3, type: 'pause' }] });
    expect(controlsFor(discussion(), pending)).toMatchObject({ pausing: true, ending: false });
    expect(controlsFor(discussion(), live({ pending: [{ interruptionId: 4, type: 'terminate' }] }))).toMatchObject({ pausing: false, ending: true });
    expect(controlsFor(discussion({ id: 8 }), pending)).toMatchObject({ pausing: false });
  });

  it('say where the discussion stands: waiting for the daemon\'s database first, then a pause, a stranded run, the closing and the end', () => {
    const storage = { reason: 'The database failed; it tries again.', attempts: 2, since: at(1), retryAt: at(5), pausing: false };
    expect(standingOf(discussion(), live({ storage }))).toEqual({ kind: 'storage', reason: storage.reason, pausing: false });
    expect(standingOf(discussion({ id: 8 }), live({ storage }))).toBeNull();
    expect(standingOf(discussion(), live())).toBeNull();
    const pause = { reason: 'storage_failure' as const, message: 'It failed 10 times in a row.', interruptionId: 3, since: at(9) };
    expect(standingOf(discussion({ status: 'paused', pause, allowedActions: ['resume', 'redirect', 'clarify', 'terminate'] }), null)).toEqual({ kind: 'paused', pause });
    expect(standingOf(discussion({ allowedActions: ['pause', 'resume', 'redirect', 'clarify', 'terminate'] }), live({ running: false }))).toEqual({ kind: 'stranded' });
    expect(standingOf(discussion({ status: 'terminated', stopReason: 'terminated', allowedActions: ['resume'] }), null)).toEqual({ kind: 'stranded' });
    expect(standingOf(discussion({ status: 'terminated', stopReason: 'terminated', allowedActions: [] }), null)).toEqual({ kind: 'closing' });
    expect(standingOf(discussion({ status: 'completed', stopReason: 'consensus', allowedActions: [], endedAt: at(20) }), null)).toEqual({ kind: 'ended', stopReason: 'consensus' });
  });

  it('read the allowed actions a 409 names, and nothing else', () => {
    expect(allowedFromConflict({ allowedActions: ['resume', 'bogus', 3, 'terminate'] })).toEqual(['resume', 'terminate']);
    expect(allowedFromConflict({ allowedActions: [] })).toEqual([]);
    expect(allowedFromConflict({})).toBeNull();
    expect(allowedFromConflict(undefined)).toBeNull();
  });
});

describe('drafting a plan from the consensus', () => {
  const agreed = { status: 'completed' as const, consensusReached: true, consensusSummary: 'Two office days a week.' };

  it('is offered only for a discussion that completed with a consensus', () => {
    expect(canDraftPlan(discussion({ ...agreed, stopReason: 'consensus' }))).toBe(true);
    expect(canDraftPlan(discussion({ status: 'completed', stopReason: 'round_limit', consensusReached: false, consensusSummary: null }))).toBe(false);
    expect(canDraftPlan(discussion({ ...agreed, consensusSummary: '  ' }))).toBe(false);
    for (const status of ['active', 'paused', 'terminated'] as const) expect(canDraftPlan(discussion({ ...agreed, status })), status).toBe(false);
  });

  it('is drafted by the moderator unless another of the discussion’s assistants is chosen', () => {
    const participant = (id: number, assistantId: number, role: 'moderator' | 'participant' | 'observer', name: string) => ({
      id,
      discussionId: ID,
      assistantId,
      name,
      role,
      stance: null,
      persona: null,
      contributionCount: 0,
      isActive: true,
      joinedAt: at(0),
      leftAt: null,
    });
    const d = discussion({ participants: [participant(1, 11, 'participant', 'Alpha'), participant(2, 12, 'observer', 'Owl'), participant(3, 13, 'moderator', 'Mod')] });
    expect(draftingAssistants(d)).toEqual([
      { assistantId: 13, name: 'Mod' },
      { assistantId: 11, name: 'Alpha' },
      { assistantId: 12, name: 'Owl' },
    ]);
  });
});

/** A stream the test feeds by hand; ended (or broken) when the test says. */
class FakeStream implements AsyncIterable<DiscussionEvent> {
  private readonly queue: (IteratorResult<DiscussionEvent> | Error)[] = [];
  private wake: (() => void) | null = null;
  push(e: DiscussionEvent | Error | 'end'): void {
    this.queue.push(e === 'end' ? { done: true, value: undefined } : e instanceof Error ? e : { done: false, value: e });
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<DiscussionEvent> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      const next = this.queue.shift()!;
      if (next instanceof Error) throw next;
      if (next.done) return;
      yield next.value;
    }
  }
}

/** A source whose catch-up answers wait until the test gives them. */
function fakeSource() {
  const streams: FakeStream[] = [];
  const catchUps: { afterId: number | undefined; answer(d: Discussion, m: DiscussionMessage[], i?: Interruption[]): void }[] = [];
  const source: DiscussionSource = {
    events: () => {
      const s = new FakeStream();
      streams.push(s);
      return s;
    },
    get: () => new Promise<Discussion>((resolve) => (pending.get = resolve)),
    messages: (_id, afterId) =>
      new Promise<DiscussionMessage[]>((resolve) => {
        catchUps.push({
          afterId,
          answer: (d, m, i = []) => {
            pending.get?.(d);
            pending.interruptions?.(i);
            resolve(m);
          },
        });
      }),
    interruptions: () => new Promise<Interruption[]>((resolve) => (pending.interruptions = resolve)),
  };
  const pending: { get?: (d: Discussion) => void; interruptions?: (i: Interruption[]) => void } = {};
  return { source, streams, catchUps };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the live session', () => {
  function start() {
    const fake = fakeSource();
    const seen: { state: TranscriptState; link: Link }[] = [];
    const retries: { fn: () => void; ms: number }[] = [];
    const session = new LiveSession(ID, fake.source, (state, link) => seen.push({ state, link }), (fn, ms) => {
      retries.push({ fn, ms });
      return () => undefined;
    });
    session.start();
    return { ...fake, session, retries, last: () => seen[seen.length - 1]! };
  }

  it('opens the stream, reads what is stored, then applies the events that waited, each message once', async () => {
    const s = start();
    await tick();
    const stream = s.streams[0]!;
    // The first event proves the stream is open; the catch-up is asked only then.
    expect(s.catchUps).toHaveLength(0);
    stream.push(ev.state(live()));
    await tick();
    expect(s.catchUps.map((c) => c.afterId)).toEqual([undefined]);
    // Message 3 is stored (and announced) while the catch-up is read: it arrives both ways.
    stream.push(ev.message(message(3)));
    s.catchUps[0]!.answer(discussion(), [message(1), message(2), message(3)]);
    await tick();
    expect(s.last().link.state).toBe('live');
    expect(ids(s.last().state)).toEqual([1, 2, 3]);
    expect(s.last().state.live).not.toBeNull();
  });

  it('reconnects after a drop, with growing pauses, asking only for the messages after the last one shown', async () => {
    const s = start();
    await tick();
    s.streams[0]!.push(ev.state(live()));
    await tick();
    s.catchUps[0]!.answer(discussion(), [message(1), message(2)]);
    await tick();
    s.streams[0]!.push(new DaemonError({ code: 'network', url: 'http://127.0.0.1:1', detail: 'ECONNRESET' }));
    await tick();
    expect(s.last().link).toMatchObject({ state: 'waiting' });
    expect(s.retries.map((r) => r.ms)).toEqual([retryDelayMs(1)]);

    // The daemon is still down: the next attempt fails too, and waits longer.
    s.retries[0]!.fn();
    await tick();
    s.streams[1]!.push(new DaemonError({ code: 'refused', url: 'http://127.0.0.1:1' }));
    await tick();
    expect(s.retries.map((r) => r.ms)).toEqual([1_000, 2_000]);

    s.retries[1]!.fn();
    await tick();
    s.streams[2]!.push(ev.state(live()));
    await tick();
    expect(s.catchUps.map((c) => c.afterId)).toEqual([undefined, 2]);
    s.catchUps[1]!.answer(discussion(), [message(3)]);
    await tick();
    expect(s.last().link.state).toBe('live');
    expect(ids(s.last().state)).toEqual([1, 2, 3]);
    expect(retryDelayMs(10)).toBe(15_000);
  });

  it('stops when the discussion has ended or the daemon refuses it, and after dispose', async () => {
    const ended = start();
    await tick();
    ended.streams[0]!.push(ev.state(live({ status: 'completed', running: false })));
    await tick();
    ended.catchUps[0]!.answer(discussion({ status: 'completed', endedAt: at(9), updatedAt: at(9) }), [message(1)]);
    await tick();
    ended.streams[0]!.push('end');
    await tick();
    expect(ended.last().link).toEqual({ state: 'closed', error: null });
    expect(ended.retries).toHaveLength(0);

    const gone = start();
    await tick();
    gone.streams[0]!.push(new DaemonError({ code: 'http-error', url: 'http://127.0.0.1:1', status: 404, message: 'Discussion 7 not found' }));
    await tick();
    expect(gone.last().link).toMatchObject({ state: 'closed' });
    expect(gone.retries).toHaveLength(0);

    const closed = start();
    await tick();
    closed.session.dispose();
    closed.streams[0]!.push(new DaemonError({ code: 'refused', url: 'http://127.0.0.1:1' }));
    await tick();
    expect(closed.retries).toHaveLength(0);
  });
});
