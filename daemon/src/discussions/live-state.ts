/**
 * The live state of a discussion (design §13.4.3) and its events: built from what is stored plus
 * the turn being generated, kept under `ai_discussion_state:{id}` in the cache while the discussion
 * runs (deleted when it ends), and sent to the SSE clients of that discussion through the hub.
 * The cache is written when the state changes, not for every streamed token (those go to the
 * clients only). A cache that is down costs the copy there, never the discussion. While the
 * runner's database fails, the state is built from the last snapshot read and says so (`storage`).
 */
import { liveStateSchema, type CurrentTurn, type DiscussionEvent, type FlowAction, type LiveState, type StorageWait } from '../../../shared/contracts/discussions';
import { discussionStateKey } from '../cache/keys';
import type { CacheStore } from '../cache/store';
import type { Log } from '../log';
import { iso } from '../server/routes/list';
import { currentPhase } from './status';
import type { Snapshot } from './store';

/** Flow entries kept in the live state. */
export const FLOW_LIMIT = 100;

export type Listener = (event: DiscussionEvent) => void;

/** In-process fan-out of each discussion's events to its SSE clients. */
export class DiscussionHub {
  private readonly listeners = new Map<number, Set<Listener>>();

  subscribe(discussionId: number, listener: Listener): () => void {
    let set = this.listeners.get(discussionId);
    if (!set) this.listeners.set(discussionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(discussionId);
    };
  }

  emit(discussionId: number, event: DiscussionEvent): void {
    for (const listener of [...(this.listeners.get(discussionId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // One broken client must not stop the others or the engine.
      }
    }
  }
}

export function buildLiveState(s: Snapshot, live: { running: boolean; turn: CurrentTurn | null; storage: StorageWait | null }): LiveState {
  const { row, settings } = s;
  const run = settings.run;
  const ended = row.endedAt !== null;
  const flow: Array<{ action: FlowAction; participantId: number | null; messageId: number | null; round: number; phase: LiveState['phase']; at: Date }> = [];
  for (const m of s.messages) {
    const meta = run.messages[String(m.id)];
    if (!meta) continue;
    flow.push({ action: meta.failure ? 'failed' : meta.kind, participantId: m.participantId, messageId: m.id, round: meta.round, phase: meta.phase, at: new Date(m.createdAt) });
  }
  const phaseNow = currentPhase({ type: row.discussionType, round: run.round, topicRound: run.topicRound, maxRounds: settings.maxRounds, stopReason: run.stopReason, ended });
  for (const i of s.interruptions) {
    flow.push({ action: i.interruptionType, participantId: null, messageId: null, round: run.round, phase: phaseNow, at: new Date(i.createdAt) });
    // A pause ends by resume, by terminate or by the discussion's end (both resolve it in their own transaction, at the same now()).
    const endedOtherwise = (at: number) =>
      (row.endedAt !== null && new Date(row.endedAt).getTime() === at) || s.interruptions.some((t) => t.interruptionType === 'terminate' && new Date(t.createdAt).getTime() === at);
    if (i.interruptionType === 'pause' && i.resolvedAt && !endedOtherwise(new Date(i.resolvedAt).getTime())) {
      flow.push({ action: 'resume', participantId: null, messageId: null, round: run.round, phase: phaseNow, at: new Date(i.resolvedAt) });
    }
  }
  if (row.endedAt) flow.push({ action: 'end', participantId: null, messageId: null, round: run.round, phase: 'closing', at: new Date(row.endedAt) });
  flow.sort((a, b) => a.at.getTime() - b.at.getTime());
  const numbered = flow.map((f, i) => ({ step: i + 1, action: f.action, participantId: f.participantId, messageId: f.messageId, round: f.round, phase: f.phase, at: f.at.toISOString() }));

  const turn = live.turn;
  const last = [row.updatedAt, ...flow.map((f) => f.at)].map((d) => new Date(d).getTime());
  if (turn) last.push(new Date(turn.startedAt).getTime());
  return {
    discussionId: row.id,
    status: row.status,
    running: live.running && !ended,
    currentTopic: run.topic,
    round: run.round,
    phase: phaseNow,
    participants: s.participants.map((p) => ({
      participantId: p.row.id,
      assistantId: p.assistant.id,
      role: p.row.role,
      state: turn?.participantId === p.row.id ? (turn.text ? 'speaking' : 'thinking') : 'waiting',
    })),
    currentSpeaker: turn?.participantId ?? null,
    // A copy: the turn keeps growing, and the state is serialised later; its text must be the text
    // up to now, so that the deltas after it add to it instead of repeating what it holds.
    currentTurn: turn ? { ...turn } : null,
    flow: numbered.slice(-FLOW_LIMIT),
    consensusProgress: run.consensus?.progress ?? 0,
    tokensUsed: run.tokensUsed,
    tokenBudget: settings.tokenBudget,
    maxRounds: settings.maxRounds,
    pending: s.interruptions.filter((i) => i.resolvedAt === null && i.interruptionType !== 'pause').map((i) => ({ interruptionId: i.id, type: i.interruptionType })),
    lastActivity: iso(new Date(Math.max(...last))),
    storage: live.running && !ended ? live.storage : null,
  };
}

/** The cached copy: one hash field per top-level key, each JSON (design §13.4.3 uses HSET). */
export async function cacheLiveState(cache: CacheStore, state: LiveState, ended: boolean, log: Log): Promise<void> {
  const key = discussionStateKey(String(state.discussionId));
  try {
    if (ended) {
      await cache.del(key);
      return;
    }
    const fields: Record<string, string> = {};
    // The streamed text is the clients' business; the cache keeps who speaks, not every token.
    const stored = { ...state, currentTurn: state.currentTurn ? { ...state.currentTurn, text: '' } : null };
    for (const [k, v] of Object.entries(stored)) fields[k] = JSON.stringify(v);
    await cache.hset(key, fields);
  } catch (e) {
    log('warn', 'discussion live state not cached', { discussionId: state.discussionId, error: e instanceof Error ? e.message : String(e) });
  }
}

/** The cached live state, or undefined (missing or unreadable). */
export async function readCachedLiveState(cache: CacheStore, discussionId: number): Promise<LiveState | undefined> {
  try {
    const fields = await cache.hgetall(discussionStateKey(String(discussionId)));
    if (Object.keys(fields).length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = JSON.parse(v);
    const parsed = liveStateSchema.safeParse(out);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
