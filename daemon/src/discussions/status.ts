/**
 * What the user may do to a discussion in each state, and the phase a discussion is in. Pure.
 *
 * States: `active` (its runner works), `paused` (waits for resume), and ending — a stop reason is
 * set (consensus, round limit, token budget, terminate) while the closing steps run (`status` is
 * still `active`, or already `terminated` after a terminate) — then ended (`endedAt` set, status
 * `completed` or `terminated`). An active or closing discussion without a runner is stranded.
 */
import type { DiscussionAction, DiscussionPhase, DiscussionStatus, DiscussionType, StopReason } from '../../../shared/contracts/discussions';
import { phaseOf } from './shapes';

export interface StatusView {
  status: DiscussionStatus;
  stopReason: StopReason | null;
  ended: boolean;
  /** Whether a runner works on the discussion in this daemon. */
  running: boolean;
}

/**
 * A discussion that should be running — active, or closing — but has no runner (it stopped on an
 * error) would never move again by itself: `resume` starts a runner for it.
 */
export function stranded(v: StatusView): boolean {
  return !v.ended && !v.running && (v.status === 'active' || v.stopReason !== null);
}

export function allowedActions(v: StatusView): DiscussionAction[] {
  if (v.ended) return [];
  if (v.stopReason !== null) return stranded(v) ? ['resume'] : [];
  if (v.status === 'active') return stranded(v) ? ['pause', 'resume', 'redirect', 'clarify', 'terminate'] : ['pause', 'redirect', 'clarify', 'terminate'];
  if (v.status === 'paused') return ['resume', 'redirect', 'clarify', 'terminate'];
  return [];
}

export interface PhaseView {
  type: DiscussionType;
  round: number;
  topicRound: number;
  maxRounds: number;
  stopReason: StopReason | null;
  ended: boolean;
}

/** The phase of the round being run (`opening` before the first, `closing` once a stop reason is set). */
export function currentPhase(v: PhaseView): DiscussionPhase {
  if (v.ended || v.stopReason !== null) return 'closing';
  if (v.round === 0) return 'opening';
  return phaseOf(v.type, v.round - v.topicRound + 1, v.maxRounds - v.round + 1);
}
