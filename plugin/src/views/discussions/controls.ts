import type { Discussion, DiscussionAction, LiveState } from '../../../../shared/contracts/discussions';

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
