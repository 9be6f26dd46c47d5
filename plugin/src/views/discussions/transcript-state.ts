import type {
  Consensus,
  CurrentTurn,
  Discussion,
  DiscussionEvent,
  DiscussionMessage,
  Interruption,
  LiveState,
  ParticipantState,
} from '../../../../shared/contracts/discussions';

/** What the transcript shows of one discussion, built from the daemon's events and its REST answers. */
export interface TranscriptState {
  discussionId: number;
  discussion: Discussion | null;
  /** Stored messages, by ascending id, each once. */
  messages: DiscussionMessage[];
  /** Interruptions, by ascending id, each once (the latest version of each). */
  interruptions: Interruption[];
  live: LiveState | null;
  /** The turn being generated, with the content streamed so far; null between turns. */
  turn: CurrentTurn | null;
}

/**
 * What changes the state: a live event, or a catch-up read from the REST API after (re)connecting.
 * A catch-up holds the messages after the last one known, so it adds to the transcript, never
 * replaces it.
 */
export type TranscriptAction = DiscussionEvent | { event: 'resync'; data: { discussion: Discussion; messages: DiscussionMessage[]; interruptions: Interruption[] } };

export function emptyTranscript(discussionId: number): TranscriptState {
  return { discussionId, discussion: null, messages: [], interruptions: [], live: null, turn: null };
}

/** Adds items by id: a known id is replaced by the newer copy, a new one inserted in id order. */
function mergeById<T extends { id: number }>(list: readonly T[], items: readonly T[]): T[] {
  if (items.length === 0) return list as T[];
  const byId = new Map(list.map((item) => [item.id, item]));
  for (const item of items) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Keeps the discussion already shown when `next` is older (a slow answer must not undo a newer event). */
function newerDiscussion(current: Discussion | null, next: Discussion): Discussion {
  if (current && Date.parse(next.updatedAt) < Date.parse(current.updatedAt)) return current;
  return next;
}

/** Whether a stored message is the end of `turn`: the same speaker, kind and round, stored after the turn started. */
function completes(message: DiscussionMessage, turn: CurrentTurn): boolean {
  return (
    message.participantId === turn.participantId &&
    message.kind === turn.kind &&
    message.round === turn.round &&
    Date.parse(message.createdAt) >= Date.parse(turn.startedAt)
  );
}

/** The turn to show, or null when a stored message already completed it. */
function openTurn(turn: CurrentTurn | null, messages: readonly DiscussionMessage[]): CurrentTurn | null {
  if (!turn) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && completes(message, turn)) return null;
  }
  return turn;
}

/**
 * The live state names the turn in progress with its text so far. The text shown may already be
 * longer (deltas received after the snapshot was taken): keep it then, never go back.
 */
function turnFromState(shown: CurrentTurn | null, snapshot: CurrentTurn | null): CurrentTurn | null {
  if (!snapshot) return null;
  if (shown && shown.turnId === snapshot.turnId && shown.text.startsWith(snapshot.text)) return shown;
  return snapshot;
}

/**
 * One step of the transcript. Pure: the same events in the same order give the same state, and
 * applying a message or an interruption twice (the event, then the catch-up after a reconnect, or
 * the other way round) shows it once.
 */
export function reduceTranscript(state: TranscriptState, action: TranscriptAction): TranscriptState {
  switch (action.event) {
    case 'resync': {
      const { discussion, messages, interruptions } = action.data;
      if (discussion.id !== state.discussionId) return state;
      const merged = mergeById(state.messages, messages);
      return {
        ...state,
        discussion: newerDiscussion(state.discussion, discussion),
        messages: merged,
        interruptions: mergeById(state.interruptions, interruptions),
        turn: openTurn(state.turn, merged),
      };
    }
    case 'state': {
      const live = action.data.state;
      if (live.discussionId !== state.discussionId) return state;
      return { ...state, live, turn: openTurn(turnFromState(state.turn, live.currentTurn), state.messages) };
    }
    case 'turn': {
      if (action.data.discussionId !== state.discussionId) return state;
      // A new attempt starts from its own text: what an earlier attempt streamed is dropped.
      return { ...state, turn: openTurn(action.data.turn, state.messages) };
    }
    case 'delta': {
      const { discussionId, turnId, text } = action.data;
      if (discussionId !== state.discussionId || state.turn?.turnId !== turnId) return state;
      return { ...state, turn: { ...state.turn, text: state.turn.text + text } };
    }
    case 'message': {
      const { discussionId, message } = action.data;
      if (discussionId !== state.discussionId) return state;
      const messages = mergeById(state.messages, [message]);
      return { ...state, messages, turn: openTurn(state.turn, messages) };
    }
    case 'interruption': {
      const { discussionId, interruption } = action.data;
      if (discussionId !== state.discussionId) return state;
      return { ...state, interruptions: mergeById(state.interruptions, [interruption]) };
    }
    case 'discussion': {
      const { discussion } = action.data;
      if (discussion.id !== state.discussionId) return state;
      return { ...state, discussion: newerDiscussion(state.discussion, discussion) };
    }
  }
}

/** The id of the last stored message, to ask only for newer ones when catching up. */
export function lastMessageId(state: TranscriptState): number | undefined {
  return state.messages[state.messages.length - 1]?.id;
}

/** What a participant is doing now: from the live state, 'waiting' when it does not say. */
export function participantState(state: TranscriptState, participantId: number): ParticipantState {
  return state.live?.participants.find((p) => p.participantId === participantId)?.state ?? 'waiting';
}

export interface ConsensusView {
  /** 0–1. */
  progress: number;
  reached: boolean;
  summary: string | null;
  openPoints: string[];
}

/**
 * The consensus meter: the moderator's latest judgement (a judgement message can arrive before the
 * discussion's own update), the live progress while the discussion runs.
 */
export function consensusView(state: TranscriptState): ConsensusView {
  let latest: Consensus | null = null;
  for (let i = state.messages.length - 1; i >= 0 && !latest; i--) latest = state.messages[i]?.consensus ?? null;
  latest ??= state.discussion?.consensus ?? null;
  const progress = state.live?.consensusProgress ?? latest?.progress ?? 0;
  const reached = state.discussion?.consensusReached ?? latest?.reached ?? false;
  return {
    progress: Math.min(1, Math.max(0, progress)),
    reached,
    summary: state.discussion?.consensusSummary ?? latest?.summary ?? null,
    openPoints: latest?.openPoints ?? [],
  };
}

/** Whether the discussion has ended for good (nothing more will stream). */
export function hasEnded(discussion: Discussion | null): boolean {
  return discussion !== null && (discussion.status === 'completed' || discussion.status === 'terminated') && discussion.endedAt !== null;
}
