/** Reading workflows and tasks as the API serves them. */
import { getTableColumns, sql, type AnyColumn } from 'drizzle-orm';
import type { TaskApi, WorkflowApi } from '../../../shared/contracts/workflows';
import { tasks, workflows } from '../db/schema';
import { iso } from '../server/routes/list';
import { allowedTaskActions } from './task-transitions';
import { allowedWorkflowActions } from './workflow-transitions';

/**
 * updated_at with its microseconds, as ISO 8601 in UTC. It is the version token of optimistic
 * concurrency: the trigger sets it on every UPDATE, and a JS Date (milliseconds) could not tell two
 * changes within one millisecond apart.
 */
export const preciseTimestamp = (column: AnyColumn) => sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const hoursOfInterval = (column: AnyColumn) => sql<number | null>`extract(epoch from ${column}) / 3600`.mapWith(Number);

/** Hours as the interval the design stores (estimated_duration, actual_duration). */
export const intervalOfHours = (hours: number | null | undefined) => (hours === null || hours === undefined ? hours : `${Math.round(hours * 3600)} seconds`);

// Table names written out: inside a subquery drizzle would leave workflows.id unqualified.
const planIdOfWorkflow = sql<number | null>`(select p.id from plans p where p.workflow_id = workflows.id and p.deleted_at is null order by p.id limit 1)`.mapWith(Number);

export function workflowColumns() {
  return {
    ...getTableColumns(workflows),
    updatedAtPrecise: preciseTimestamp(workflows.updatedAt),
    estimatedDurationHours: hoursOfInterval(workflows.estimatedDuration),
    actualDurationHours: hoursOfInterval(workflows.actualDuration),
    planId: planIdOfWorkflow,
  };
}

export type WorkflowRow = typeof workflows.$inferSelect & {
  updatedAtPrecise: string;
  estimatedDurationHours: number | null;
  actualDurationHours: number | null;
  planId: number | null;
};

export const workflowToApi = (w: WorkflowRow): WorkflowApi => ({
  id: w.id,
  name: w.name,
  description: w.description,
  workflowType: w.workflowType,
  status: w.status,
  priority: w.priority,
  createdBy: w.createdBy,
  assignedTeamId: w.assignedTeamId,
  estimatedDurationHours: w.estimatedDurationHours,
  actualDurationHours: w.actualDurationHours,
  startedAt: w.startedAt ? iso(w.startedAt) : null,
  completedAt: w.completedAt ? iso(w.completedAt) : null,
  metadata: w.metadata as Record<string, unknown>,
  planId: w.planId,
  allowedActions: allowedWorkflowActions(w.status),
  createdAt: iso(w.createdAt),
  updatedAt: w.updatedAtPrecise,
});

export function taskColumns() {
  return { ...getTableColumns(tasks), updatedAtPrecise: preciseTimestamp(tasks.updatedAt) };
}

export type TaskRow = typeof tasks.$inferSelect & { updatedAtPrecise: string };

/** text[] of ids (as the design stores them) → ascending numbers. */
export const dependencyIdsOf = (t: Pick<TaskRow, 'dependencies'>): number[] => (t.dependencies ?? []).map(Number).sort((a, b) => a - b);

/** numeric(5,2) arrives as a string ('1.50'). */
const hoursOf = (v: string | null): number | null => (v === null ? null : Number(v));

export const taskToApi = (t: TaskRow): TaskApi => ({
  id: t.id,
  workflowId: t.workflowId ?? 0,
  name: t.name,
  description: t.description,
  taskType: t.taskType,
  status: t.status,
  priority: t.priority,
  assignedAssistantId: t.assignedAssistantId,
  estimatedHours: hoursOf(t.estimatedHours),
  actualHours: hoursOf(t.actualHours),
  dependencies: dependencyIdsOf(t),
  dueDate: t.dueDate ? iso(t.dueDate) : null,
  startedAt: t.startedAt ? iso(t.startedAt) : null,
  completedAt: t.completedAt ? iso(t.completedAt) : null,
  allowedActions: allowedTaskActions({ status: t.status, assigned: t.assignedAssistantId !== null }),
  createdAt: iso(t.createdAt),
  updatedAt: t.updatedAtPrecise,
});
