import * as z from 'zod/mini';
import type {
  Priority,
  TaskAction,
  TaskApi,
  TaskHistoryAction,
  TaskHistoryEntryApi,
  TaskStatus,
  WorkflowAction,
  WorkflowApi,
  WorkflowStatus,
  WorkflowSummaryApi,
} from '../../../shared/contracts/workflows';

/*
 * zod/mini copies of the workflow and task contracts the Plans pane reads
 * (shared/contracts/workflows.ts), each annotated with the shared type so a contract change they
 * do not follow is a compile error. The enums are copied, not imported: the contracts' values
 * would bring zod's full API into main.js. Only the fields the pane shows are read.
 */

export const WORKFLOW_STATUS_VALUES = ['draft', 'active', 'paused', 'completed', 'cancelled'] as const satisfies readonly WorkflowStatus[];
export const TASK_STATUS_VALUES = ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'] as const satisfies readonly TaskStatus[];
const PRIORITY_VALUES = ['low', 'medium', 'high', 'urgent'] as const satisfies readonly Priority[];
const WORKFLOW_ACTION_VALUES = ['activate', 'pause', 'resume', 'complete', 'cancel'] as const satisfies readonly WorkflowAction[];
const TASK_ACTION_VALUES = ['assign', 'unassign', 'start', 'complete', 'cancel'] as const satisfies readonly TaskAction[];
const HISTORY_ACTION_VALUES = [
  'created',
  'deleted',
  'status_changed',
  'assigned',
  'unassigned',
  'dependency_added',
  'dependency_removed',
  'name_changed',
  'description_changed',
  'task_type_changed',
  'priority_changed',
  'due_date_changed',
  'estimated_hours_changed',
  'actual_hours_changed',
] as const satisfies readonly TaskHistoryAction[];

const nullableString = z.nullable(z.string());
const nullableNumber = z.nullable(z.number());

function listSchema<T>(item: z.ZodMiniType<T>): z.ZodMiniType<{ items: T[]; total: number }> {
  return z.object({ items: z.array(item), total: z.number() });
}

/** The part of a workflow the pane reads. */
export type WorkflowView = Pick<WorkflowApi, 'id' | 'name' | 'description' | 'status' | 'priority' | 'planId' | 'allowedActions' | 'startedAt' | 'completedAt' | 'updatedAt'>;
export const workflowSchema: z.ZodMiniType<WorkflowView> = z.object({
  id: z.number(),
  name: z.string(),
  description: nullableString,
  status: z.enum(WORKFLOW_STATUS_VALUES),
  priority: z.enum(PRIORITY_VALUES),
  planId: nullableNumber,
  allowedActions: z.array(z.enum(WORKFLOW_ACTION_VALUES)),
  startedAt: nullableString,
  completedAt: nullableString,
  updatedAt: z.string(),
});

export const workflowSummaryListSchema = listSchema<WorkflowSummaryApi>(
  z.object({
    workflowId: z.number(),
    name: z.string(),
    status: z.enum(WORKFLOW_STATUS_VALUES),
    totalTasks: z.number(),
    completedTasks: z.number(),
    avgTaskHours: nullableNumber,
  }),
);

/** The part of a task the pane reads. */
export type TaskView = Pick<
  TaskApi,
  | 'id'
  | 'workflowId'
  | 'name'
  | 'description'
  | 'status'
  | 'priority'
  | 'assignedAssistantId'
  | 'estimatedHours'
  | 'actualHours'
  | 'dependencies'
  | 'dueDate'
  | 'allowedActions'
  | 'updatedAt'
>;
export const taskSchema: z.ZodMiniType<TaskView> = z.object({
  id: z.number(),
  workflowId: z.number(),
  name: z.string(),
  description: nullableString,
  status: z.enum(TASK_STATUS_VALUES),
  priority: z.enum(PRIORITY_VALUES),
  assignedAssistantId: nullableNumber,
  estimatedHours: nullableNumber,
  actualHours: nullableNumber,
  dependencies: z.array(z.number()),
  dueDate: nullableString,
  allowedActions: z.array(z.enum(TASK_ACTION_VALUES)),
  updatedAt: z.string(),
});
export const taskListSchema = listSchema(taskSchema);

/** A history entry as the pane shows it (who changed it is always the local user). */
export type TaskHistoryView = Pick<TaskHistoryEntryApi, 'id' | 'action' | 'oldValue' | 'newValue' | 'reason' | 'createdAt'>;
export const taskHistoryListSchema = listSchema<TaskHistoryView>(
  z.object({
    id: z.number(),
    action: z.enum(HISTORY_ACTION_VALUES),
    oldValue: nullableString,
    newValue: nullableString,
    reason: nullableString,
    createdAt: z.string(),
  }),
);
