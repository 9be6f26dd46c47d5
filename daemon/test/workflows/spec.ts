/**
 * The state machines as the tests expect them, written out pair by pair (independently of the
 * code's tables): every (status, action) pair not listed is illegal.
 */
import type { TaskAction, TaskStatus, WorkflowAction, WorkflowStatus } from '../../../shared/contracts/workflows';

export const WORKFLOW_SPEC: Array<[WorkflowStatus, WorkflowAction, WorkflowStatus]> = [
  ['draft', 'activate', 'active'],
  ['draft', 'cancel', 'cancelled'],
  ['active', 'pause', 'paused'],
  ['active', 'complete', 'completed'],
  ['active', 'cancel', 'cancelled'],
  ['paused', 'resume', 'active'],
  ['paused', 'cancel', 'cancelled'],
];

/** [status, has an assignee, action, next status] */
export const TASK_SPEC: Array<[TaskStatus, boolean, TaskAction, TaskStatus]> = [
  ['pending', false, 'assign', 'assigned'],
  ['pending', false, 'start', 'in_progress'],
  ['pending', false, 'cancel', 'cancelled'],
  ['assigned', true, 'assign', 'assigned'],
  ['assigned', true, 'unassign', 'pending'],
  ['assigned', true, 'start', 'in_progress'],
  ['assigned', true, 'cancel', 'cancelled'],
  ['in_progress', true, 'assign', 'in_progress'],
  ['in_progress', true, 'unassign', 'in_progress'],
  ['in_progress', true, 'complete', 'completed'],
  ['in_progress', true, 'cancel', 'cancelled'],
  ['in_progress', false, 'assign', 'in_progress'],
  ['in_progress', false, 'complete', 'completed'],
  ['in_progress', false, 'cancel', 'cancelled'],
];

/** Every state a task can be in: [status, has an assignee]. */
export const TASK_STATES: Array<[TaskStatus, boolean]> = [
  ['pending', false],
  ['assigned', true],
  ['in_progress', true],
  ['in_progress', false],
  ['completed', true],
  ['cancelled', false],
];

export const workflowNext = (status: WorkflowStatus, action: WorkflowAction) => WORKFLOW_SPEC.find(([s, a]) => s === status && a === action)?.[2];
export const workflowAllowed = (status: WorkflowStatus) => WORKFLOW_SPEC.filter(([s]) => s === status).map(([, a]) => a);
export const taskNext = (status: TaskStatus, assigned: boolean, action: TaskAction) =>
  TASK_SPEC.find(([s, a, act]) => s === status && a === assigned && act === action)?.[3];
export const taskAllowed = (status: TaskStatus, assigned: boolean) => TASK_SPEC.filter(([s, a]) => s === status && a === assigned).map(([, , act]) => act);
