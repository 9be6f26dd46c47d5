/** The 4xx answers of workflows and tasks, each saying what is wrong and what would be accepted. */
import { ApiError, conflict } from '../server/errors';

export function illegalTransition(what: 'Workflow' | 'Task', id: number, status: string, action: string, allowed: readonly string[]): ApiError {
  const options = allowed.length ? `allowed: ${allowed.join(', ')}` : `no action is allowed in ${status}`;
  return conflict('illegal_transition', `${what} ${id} is ${status}: "${action}" is not allowed (${options})`, { status, action, allowed });
}

/** Optimistic concurrency: the client acted on a version of the row that is no longer current. */
export function staleUpdate(what: 'Workflow' | 'Task', id: number, expected: string, current: string): ApiError {
  return conflict('stale_update', `${what} ${id} changed since you read it (you sent updatedAt ${expected}, it is now ${current}); reload it and try again`, {
    expectedUpdatedAt: expected,
    updatedAt: current,
  });
}

export function workflowClosed(workflowId: number, status: string): ApiError {
  return conflict('workflow_closed', `Workflow ${workflowId} is ${status}: it and its tasks can no longer change`, { status });
}

export function unknownReference(field: string, id: number, what: string): ApiError {
  return new ApiError(400, 'unknown_reference', `${field} ${id} does not exist (no such ${what})`);
}
