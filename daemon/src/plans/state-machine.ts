/**
 * The plan state machine (design §3.8, issue 6), in one table:
 *
 *   draft ──submit──▶ submitted ──start_review──▶ under_review ──approve──▶ approved (final)
 *     ▲ edit                                         │ ├─reject──▶ rejected (final; copy → a new draft)
 *                                                    │ └─request_revision──▶ revision_requested
 *   revision_requested ──edit (new version)… ──submit──▶ submitted
 *
 * Edits are allowed in draft and revision_requested only. `copy` leaves the rejected plan as it is
 * and creates a new draft. `delete` (soft) is allowed whenever no decision is pending (not while
 * submitted or under review). Pure: no database, no clock.
 */
import { PLAN_ACTIONS, type PlanAction, type PlanStatus } from '../../../shared/contracts/plans';

/** For each status, the actions it allows and the status each leads to. */
const TRANSITIONS: Readonly<Record<PlanStatus, Partial<Record<PlanAction, PlanStatus>>>> = {
  draft: { edit: 'draft', submit: 'submitted', delete: 'draft' },
  submitted: { start_review: 'under_review' },
  under_review: { approve: 'approved', reject: 'rejected', request_revision: 'revision_requested' },
  revision_requested: { edit: 'revision_requested', submit: 'submitted', delete: 'revision_requested' },
  approved: { delete: 'approved' },
  rejected: { copy: 'rejected', delete: 'rejected' },
};

/** The actions `status` allows, in the order of PLAN_ACTIONS. */
export function allowedActions(status: PlanStatus): PlanAction[] {
  return PLAN_ACTIONS.filter((a) => TRANSITIONS[status][a] !== undefined);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly status: PlanStatus,
    readonly action: PlanAction,
    readonly allowed: PlanAction[],
  ) {
    super(
      `A plan that is ${status} cannot ${action.replace('_', ' ')}; ` +
        (allowed.length > 0 ? `allowed now: ${allowed.join(', ')}` : 'nothing can be done to it any more'),
    );
    this.name = 'IllegalTransitionError';
  }
}

/** The status after `action`, or IllegalTransitionError naming the current status and what is allowed. */
export function transition(status: PlanStatus, action: PlanAction): PlanStatus {
  const next = TRANSITIONS[status][action];
  if (next === undefined) throw new IllegalTransitionError(status, action, allowedActions(status));
  return next;
}
