import type { Discussion, DiscussionAction, LiveState, StopReason } from '../../../../shared/contracts/discussions';

/** The steering buttons, in the order they are shown. */
const ORDER: readonly DiscussionAction[] = ['pause', 'resume', 'redirect', 'clarify', 'terminate'];

export interface Controls {
  /** The buttons the daemon allows now (anything else would answer 409). */
  actions: DiscussionAction[];
  /** A pause was accepted and waits for the turn in progress to end. */
  pausing: boolean;
  /** A terminate was accepted and waits for the turn in progress (and the summary). */
  ending: boolean;
}

/** What the person can do to the discussion now: the daemon's allowed actions, and what is already on its way. */
export function controlsFor(discussion: Discussion | null, live: LiveState | null): Controls {
  if (!discussion) return { actions: [], pausing: false, ending: false };
  const allowed = new Set(discussion.allowedActions);
  const pending = new Set((live?.discussionId === discussion.id ? live.pending : []).map((p) => p.type));
  return {
    actions: ORDER.filter((action) => allowed.has(action)),
    pausing: pending.has('pause'),
    ending: pending.has('terminate'),
  };
}

/** The actions a 409 said are allowed (its details.allowedActions), to correct the buttons at once. */
export function allowedFromConflict(details: unknown): DiscussionAction[] | null {
  if (typeof details !== 'object' || details === null || !('allowedActions' in details) || !Array.isArray(details.allowedActions)) return null;
  return details.allowedActions.filter((a: unknown): a is DiscussionAction => typeof a === 'string' && (ORDER as readonly string[]).includes(a));
}

/** What the header says about where the discussion stands, besides its numbers. */
export type Standing =
  /** The daemon cannot save or read the discussion and tries again: its sentence, in the person's language. */
  | { kind: 'storage'; reason: string; pausing: boolean }
  | { kind: 'paused'; pause: NonNullable<Discussion['pause']> }
  /** It should be running but has no runner (it stopped on an error): only resume moves it. */
  | { kind: 'stranded' }
  | { kind: 'closing' }
  | { kind: 'ended'; stopReason: StopReason }
  | null;

export function standingOf(discussion: Discussion, live: LiveState | null): Standing {
  const storage = live?.discussionId === discussion.id ? live.storage : null;
  if (storage) return { kind: 'storage', reason: storage.reason, pausing: storage.pausing };
  if (discussion.status === 'paused' && discussion.pause) return { kind: 'paused', pause: discussion.pause };
  if (discussion.status !== 'paused' && discussion.allowedActions.includes('resume')) return { kind: 'stranded' };
  if (discussion.status !== 'completed' && discussion.status !== 'terminated') return null;
  return discussion.endedAt === null || !discussion.stopReason ? { kind: 'closing' } : { kind: 'ended', stopReason: discussion.stopReason };
}
