/**
 * The task state machine (design §3.4 statuses), pure: which action leads where.
 *
 *   pending ─assign→ assigned ─unassign→ pending
 *   pending | assigned ─start→ in_progress ─complete→ completed   (final)
 *   pending | assigned | in_progress ─cancel→ cancelled            (final)
 *   assigned ─assign→ assigned, in_progress ─assign|unassign→ in_progress (changing who works on it)
 *
 * So `pending` never has an assignee and `assigned` always has one; an in-progress task may have
 * none (the user works on it). Conditions on other rows (dependencies done, workflow active) are
 * checked by the caller.
 */
import { TASK_ACTIONS, type TaskAction, type TaskStatus } from '../../../shared/contracts/workflows';

const TRANSITIONS: Record<TaskStatus, Partial<Record<TaskAction, TaskStatus>>> = {
  pending: { assign: 'assigned', start: 'in_progress', cancel: 'cancelled' },
  assigned: { assign: 'assigned', unassign: 'pending', start: 'in_progress', cancel: 'cancelled' },
  in_progress: { assign: 'in_progress', unassign: 'in_progress', complete: 'completed', cancel: 'cancelled' },
  completed: {},
  cancelled: {},
};

export interface TaskState {
  status: TaskStatus;
  /** Whether an assistant is assigned (unassigning an in-progress task needs one). */
  assigned: boolean;
}

/** The status `action` leads to, or undefined when it is not allowed in this state. */
export function nextTaskStatus(task: TaskState, action: TaskAction): TaskStatus | undefined {
  if (action === 'unassign' && !task.assigned) return undefined;
  return TRANSITIONS[task.status][action];
}

/** The actions allowed in this state, in the contract's order. */
export function allowedTaskActions(task: TaskState): TaskAction[] {
  return TASK_ACTIONS.filter((a) => nextTaskStatus(task, a) !== undefined);
}

/** Tasks that still have work to do: they block their dependents and their workflow's completion. */
export const OPEN_TASK_STATUSES = ['pending', 'assigned', 'in_progress'] as const satisfies readonly TaskStatus[];

export function isTaskOpen(status: TaskStatus): boolean {
  return (OPEN_TASK_STATUSES as readonly TaskStatus[]).includes(status);
}
