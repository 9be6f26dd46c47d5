import type { TaskTransition, TaskUpdate, WorkflowAction, WorkflowSummaryApi } from '../../../shared/contracts/workflows';
import { DaemonError, queryString, type DaemonClient } from './client';
import {
  taskHistoryListSchema,
  taskListSchema,
  taskSchema,
  workflowSchema,
  workflowSummaryListSchema,
  type TaskHistoryView,
  type TaskView,
  type WorkflowView,
} from './workflows-schemas';

/** The contract's page limit: far more tasks than one workflow holds, and more workflows than one person runs. */
const LIST_LIMIT = 500;

/**
 * The daemon's workflows and tasks API (shared/contracts/workflows.ts), as the Plans pane uses it.
 * Every change sends the `updatedAt` the pane last read, so a change made elsewhere meanwhile is
 * refused (409 stale_update) rather than silently overwritten.
 */
export class WorkflowsApi {
  constructor(private readonly client: DaemonClient) {}

  /** Every workflow's task counts (workflow_summary). */
  async summaries(): Promise<WorkflowSummaryApi[]> {
    return (await this.client.request('GET', `/api/v1/workflows/summaries${queryString({ limit: LIST_LIMIT })}`, workflowSummaryListSchema)).items;
  }

  get(id: number): Promise<WorkflowView> {
    return this.client.request('GET', `/api/v1/workflows/${id}`, workflowSchema);
  }

  transition(workflow: Pick<WorkflowView, 'id' | 'updatedAt'>, action: WorkflowAction): Promise<WorkflowView> {
    return this.client.request('POST', `/api/v1/workflows/${workflow.id}/transition`, workflowSchema, { action, expectedUpdatedAt: workflow.updatedAt });
  }

  /** A workflow's tasks in creation order. */
  async tasks(workflowId: number): Promise<TaskView[]> {
    return (await this.client.request('GET', `/api/v1/workflows/${workflowId}/tasks${queryString({ limit: LIST_LIMIT })}`, taskListSchema)).items;
  }

  transitionTask(task: TaskRef, action: TaskTransition['action']): Promise<TaskView> {
    return this.client.request('POST', `/api/v1/tasks/${task.id}/transition`, taskSchema, { action, expectedUpdatedAt: task.updatedAt });
  }

  /** `assistantId` null unassigns. */
  assign(task: TaskRef, assistantId: number | null): Promise<TaskView> {
    return this.client.request('PUT', `/api/v1/tasks/${task.id}/assignee`, taskSchema, { assistantId, expectedUpdatedAt: task.updatedAt });
  }

  updateTask(task: TaskRef, body: Omit<TaskUpdate, 'expectedUpdatedAt'>): Promise<TaskView> {
    return this.client.request('PATCH', `/api/v1/tasks/${task.id}`, taskSchema, { ...body, expectedUpdatedAt: task.updatedAt });
  }

  addDependency(task: TaskRef, dependsOnTaskId: number): Promise<TaskView> {
    return this.client.request('POST', `/api/v1/tasks/${task.id}/dependencies`, taskSchema, { dependsOnTaskId, expectedUpdatedAt: task.updatedAt });
  }

  removeDependency(taskId: number, dependsOnTaskId: number): Promise<TaskView> {
    return this.client.request('DELETE', `/api/v1/tasks/${taskId}/dependencies/${dependsOnTaskId}`, taskSchema);
  }

  /** Oldest first. */
  async history(taskId: number): Promise<TaskHistoryView[]> {
    return (await this.client.request('GET', `/api/v1/tasks/${taskId}/history`, taskHistoryListSchema)).items;
  }
}

type TaskRef = Pick<TaskView, 'id' | 'updatedAt'>;

function conflictCode(e: unknown): string | null {
  if (!(e instanceof DaemonError) || e.reason.code !== 'http-error' || e.reason.status !== 409) return null;
  return e.body?.error.code ?? null;
}

/** Why the daemon refused a change the pane answers by reloading (409): the row changed, or the action is no longer allowed. */
export type WorkflowConflict = 'stale_update' | 'illegal_transition';

export function workflowConflictOf(e: unknown): WorkflowConflict | null {
  const code = conflictCode(e);
  return code === 'stale_update' || code === 'illegal_transition' ? code : null;
}

/** The task ids of the cycle a refused dependency would close (409 dependency_cycle), e.g. [3, 7, 3]; null for any other error. */
export function dependencyCycleOf(e: unknown): number[] | null {
  if (conflictCode(e) !== 'dependency_cycle') return null;
  const details = (e as DaemonError).body?.error.details;
  const cycle: unknown = typeof details === 'object' && details !== null && 'cycle' in details ? details.cycle : null;
  return Array.isArray(cycle) && cycle.every((id) => typeof id === 'number') ? cycle : null;
}
