/**
 * The workflow state machine (design §3.4 statuses), pure: which action leads where.
 *
 *   draft ─activate→ active ─pause→ paused ─resume→ active
 *   active ─complete→ completed          (final)
 *   draft | active | paused ─cancel→ cancelled   (final)
 *
 * Conditions that depend on the tasks (complete needs every task closed) are checked by the caller.
 */
import { WORKFLOW_ACTIONS, type WorkflowAction, type WorkflowStatus } from '../../../shared/contracts/workflows';

const TRANSITIONS: Record<WorkflowStatus, Partial<Record<WorkflowAction, WorkflowStatus>>> = {
  draft: { activate: 'active', cancel: 'cancelled' },
  active: { pause: 'paused', complete: 'completed', cancel: 'cancelled' },
  paused: { resume: 'active', cancel: 'cancelled' },
  completed: {},
  cancelled: {},
};

/** The status `action` leads to from `status`, or undefined when it is not allowed there. */
export function nextWorkflowStatus(status: WorkflowStatus, action: WorkflowAction): WorkflowStatus | undefined {
  return TRANSITIONS[status][action];
}

/** The actions allowed in `status`, in the contract's order. */
export function allowedWorkflowActions(status: WorkflowStatus): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((a) => TRANSITIONS[status][a] !== undefined);
}

/** Completed and cancelled workflows accept no change at all (nor do their tasks). */
export function isWorkflowClosed(status: WorkflowStatus): boolean {
  return allowedWorkflowActions(status).length === 0;
}
