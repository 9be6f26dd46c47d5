/**
 * What the user may do to a discussion in each state, and the phase a discussion is in. Pure.
 *
 * States: `active` (its runner works), `paused` (waits for resume), and ending — a stop reason is
 * set (consensus, round limit, token budget, terminate) while the closing steps run (`status` is
 * still `active`, or already `terminated` after a terminate) — then ended (`endedAt` set, status
 * `completed` or `terminated`).
 */
import type { DiscussionAction, DiscussionPhase, DiscussionStatus, DiscussionType, StopReason } from '../../../shared/contracts/discussions';
import { phaseOf } from './shapes';

export interface StatusView {
  status: DiscussionStatus;
  stopReason: StopReason | null;
  ended: boolean;
}

export function allowedActions(v: StatusView): DiscussionAction[] {
  if (v.ended || v.stopReason !== null) return [];
  if (v.status === 'active') return ['pause', 'redirect', 'clarify', 'terminate'];
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
