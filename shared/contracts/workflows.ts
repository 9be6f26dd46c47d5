import { z } from 'zod';
import { endpoint } from './endpoint';
import { id, idParams, jsonObject, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';

/**
 * Workflows and their tasks (design §3.4). Statuses change only through actions
 * (POST …/transition, PUT /tasks/:id/assignee); an action not allowed in the current status is
 * refused with 409 `illegal_transition` naming the current status and the allowed actions.
 * Every change of a task writes `task_history` (action, old value, new value, reason).
 *
 * Optimistic concurrency: every change may carry `expectedUpdatedAt`, the `updatedAt` the client
 * last saw (sent back exactly as served, microseconds included); when the row changed since, the
 * change is refused with 409 `stale_update`.
 */

export const WORKFLOW_STATUSES = ['draft', 'active', 'paused', 'completed', 'cancelled'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
export const TASK_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** draft -activate→ active ⇄ (pause/resume) paused; active -complete→ completed; draft|active|paused -cancel→ cancelled. */
export const WORKFLOW_ACTIONS = ['activate', 'pause', 'resume', 'complete', 'cancel'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];
/** `assign`/`unassign` go through PUT /tasks/:id/assignee; the others through POST /tasks/:id/transition. */
export const TASK_ACTIONS = ['assign', 'unassign', 'start', 'complete', 'cancel'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
export const TASK_STATUS_ACTIONS = ['start', 'complete', 'cancel'] as const satisfies readonly TaskAction[];

/** `task_history.action` values: one row per changed thing. */
export const TASK_HISTORY_ACTIONS = [
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
] as const;
export type TaskHistoryAction = (typeof TASK_HISTORY_ACTIONS)[number];

export const MAX_WORKFLOW_DESCRIPTION_CHARS = 10_000;
export const MAX_TASK_DESCRIPTION_CHARS = 10_000;
export const MAX_REASON_CHARS = 2_000;
export const MAX_TASK_DEPENDENCIES = 100;

const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} must be one of ${values.join(', ')}` });

/** numeric(5,2) in the database: 0 … 999.99 with at most two decimals. */
const hours = (what: string) =>
  z
    .number({ error: `${what} must be a number of hours` })
    .min(0, `${what} must not be negative`)
    .max(999.99, `${what} must be at most 999.99`)
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, `${what} must have at most two decimals`);

/** A date (2025-04-01, read as midnight UTC) or a date-time with its offset (2025-04-01T09:00:00+09:00). */
export const isoDateOrDateTime = (what: string) =>
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: `${what} must be an ISO 8601 date such as 2025-04-01 or a date-time such as 2025-04-01T09:00:00+09:00`,
  });

const reason = optionalText(MAX_REASON_CHARS, 'reason').optional();
const expectedUpdatedAt = z.string().min(1, 'expectedUpdatedAt must be the updatedAt you last read').optional();
const queryId = (what: string) => z.coerce.number({ error: `${what} must be a number` }).int().positive().max(Number.MAX_SAFE_INTEGER);

/** At least one key other than the bookkeeping ones (reason, expectedUpdatedAt). */
function requireChange<T extends z.ZodObject>(schema: T) {
  return schema.refine(
    (v) => Object.keys(v).some((k) => k !== 'reason' && k !== 'expectedUpdatedAt'),
    'send at least one field to change',
  );
}

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

export const workflowSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  workflowType: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  priority: z.enum(PRIORITIES),
  createdBy: id.nullable(),
  assignedTeamId: id.nullable(),
  estimatedDurationHours: z.number().nullable(),
  /** Set on completion: completedAt − startedAt. */
  actualDurationHours: z.number().nullable(),
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  metadata: jsonObject,
  /** The plan this workflow was created from, if any. */
  planId: id.nullable(),
  /** What POST /workflows/:id/transition accepts now. */
  allowedActions: z.array(z.enum(WORKFLOW_ACTIONS)),
  createdAt: timestamp,
  /** ISO 8601 with microseconds: send it back as expectedUpdatedAt. */
  updatedAt: timestamp,
});
export type WorkflowApi = z.output<typeof workflowSchema>;

const workflowFields = {
  name: text(100, 'name'),
  description: optionalText(MAX_WORKFLOW_DESCRIPTION_CHARS, 'description'),
  workflowType: text(50, 'workflowType'),
  priority: enumOf(PRIORITIES, 'priority'),
  assignedTeamId: id.nullable(),
  estimatedDurationHours: z.number({ error: 'estimatedDurationHours must be a number' }).min(0, 'estimatedDurationHours must not be negative').max(1_000_000).nullable(),
  metadata: jsonObject,
};

export const workflowCreateSchema = z
  .object({
    ...workflowFields,
    description: workflowFields.description.optional(),
    workflowType: workflowFields.workflowType.optional(),
    priority: workflowFields.priority.optional(),
    assignedTeamId: workflowFields.assignedTeamId.optional(),
    estimatedDurationHours: workflowFields.estimatedDurationHours.optional(),
    metadata: workflowFields.metadata.optional(),
  })
  .strict();
export type WorkflowCreate = z.input<typeof workflowCreateSchema>;

export const workflowUpdateSchema = requireChange(z.object(workflowFields).partial().extend({ expectedUpdatedAt }).strict());
export type WorkflowUpdate = z.input<typeof workflowUpdateSchema>;

export const workflowListQuerySchema = pageQuerySchema.extend({
  status: enumOf(WORKFLOW_STATUSES, 'status').optional(),
  priority: enumOf(PRIORITIES, 'priority').optional(),
  workflowType: z.string().trim().min(1).max(50).optional(),
  assignedTeamId: queryId('assignedTeamId').optional(),
});

export const workflowTransitionSchema = z
  .object({
    action: enumOf(WORKFLOW_ACTIONS, 'action'),
    reason,
    expectedUpdatedAt,
  })
  .strict();
export type WorkflowTransition = z.input<typeof workflowTransitionSchema>;

/** A row of the workflow_summary materialized view (refreshed after task changes, coalesced). */
export const workflowSummarySchema = z.object({
  workflowId: id,
  name: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  totalTasks: z.number().int(),
  completedTasks: z.number().int(),
  /** Mean actual hours of the tasks that have them; null when none has. */
  avgTaskHours: z.number().nullable(),
});
export type WorkflowSummaryApi = z.output<typeof workflowSummarySchema>;

export const workflowSummaryListQuerySchema = pageQuerySchema.extend({
  status: enumOf(WORKFLOW_STATUSES, 'status').optional(),
});

// ---------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------

export const taskSchema = z.object({
  id,
  workflowId: id,
  name: z.string(),
  description: z.string().nullable(),
  taskType: z.string(),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(PRIORITIES),
  assignedAssistantId: id.nullable(),
  estimatedHours: z.number().nullable(),
  actualHours: z.number().nullable(),
  /** Ids of the tasks (same workflow) this one depends on, ascending. */
  dependencies: z.array(id),
  dueDate: timestamp.nullable(),
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  /** What the task accepts now (transition or assignee endpoints). */
  allowedActions: z.array(z.enum(TASK_ACTIONS)),
  createdAt: timestamp,
  /** ISO 8601 with microseconds: send it back as expectedUpdatedAt. */
  updatedAt: timestamp,
});
export type TaskApi = z.output<typeof taskSchema>;

const taskFields = {
  name: text(100, 'name'),
  description: optionalText(MAX_TASK_DESCRIPTION_CHARS, 'description'),
  taskType: text(50, 'taskType'),
  priority: enumOf(PRIORITIES, 'priority'),
  dueDate: isoDateOrDateTime('dueDate').nullable(),
  estimatedHours: hours('estimatedHours').nullable(),
  actualHours: hours('actualHours').nullable(),
};

const dependencyIds = z
  .array(id, { error: 'dependencies must be a list of task ids' })
  .max(MAX_TASK_DEPENDENCIES, `a task can depend on at most ${MAX_TASK_DEPENDENCIES} tasks`)
  .refine((ids) => new Set(ids).size === ids.length, 'dependencies must not repeat a task');

export const taskCreateSchema = z
  .object({
    name: taskFields.name,
    description: taskFields.description.optional(),
    taskType: taskFields.taskType.optional(),
    priority: taskFields.priority.optional(),
    dueDate: taskFields.dueDate.optional(),
    estimatedHours: taskFields.estimatedHours.optional(),
    actualHours: taskFields.actualHours.optional(),
    /** Must be an active assistant; the task starts as `assigned`. */
    assignedAssistantId: id.nullable().optional(),
    dependencies: dependencyIds.optional(),
    reason,
  })
  .strict();
export type TaskCreate = z.input<typeof taskCreateSchema>;

export const taskUpdateSchema = requireChange(z.object(taskFields).partial().extend({ reason, expectedUpdatedAt }).strict());
export type TaskUpdate = z.input<typeof taskUpdateSchema>;

export const taskTransitionSchema = z
  .object({
    action: enumOf(TASK_STATUS_ACTIONS, 'action'),
    reason,
    expectedUpdatedAt,
  })
  .strict();
export type TaskTransition = z.input<typeof taskTransitionSchema>;

/** assistantId null unassigns. */
export const taskAssigneeSchema = z
  .object({
    assistantId: id.nullable(),
    reason,
    expectedUpdatedAt,
  })
  .strict();
export type TaskAssignee = z.input<typeof taskAssigneeSchema>;

export const taskDependencyAddSchema = z
  .object({
    dependsOnTaskId: id,
    reason,
    expectedUpdatedAt,
  })
  .strict();
export type TaskDependencyAdd = z.input<typeof taskDependencyAddSchema>;

export const taskDependencyParams = z.object({
  id: queryId('id'),
  dependsOnTaskId: queryId('dependsOnTaskId'),
});

/** DELETE requests carry their reason in the query. */
export const reasonQuerySchema = z.object({ reason: z.string().trim().max(MAX_REASON_CHARS, `reason must be at most ${MAX_REASON_CHARS} characters`).optional() });

const taskFilters = {
  status: enumOf(TASK_STATUSES, 'status').optional(),
  priority: enumOf(PRIORITIES, 'priority').optional(),
  assignedAssistantId: queryId('assignedAssistantId').optional(),
  /** Tasks due before this instant (ISO 8601). */
  dueBefore: isoDateOrDateTime('dueBefore').optional(),
};
export const workflowTaskListQuerySchema = pageQuerySchema.extend(taskFilters);
export const taskListQuerySchema = pageQuerySchema.extend({ ...taskFilters, workflowId: queryId('workflowId').optional() });

export const taskHistoryEntrySchema = z.object({
  id,
  taskId: id,
  action: z.enum(TASK_HISTORY_ACTIONS),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  changedBy: id.nullable(),
  reason: z.string().nullable(),
  createdAt: timestamp,
});
export type TaskHistoryEntryApi = z.output<typeof taskHistoryEntrySchema>;

export const taskHistoryQuerySchema = pageQuerySchema.extend({ limit: pageQuerySchema.shape.limit.default(200) });

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

export const workflowEndpoints = {
  listSummaries: endpoint({ method: 'get', path: '/workflows/summaries', tag: 'workflows', summary: 'Task counts and mean hours per workflow (workflow_summary)', query: workflowSummaryListQuerySchema, response: listOf(workflowSummarySchema) }),
  list: endpoint({ method: 'get', path: '/workflows', tag: 'workflows', summary: 'List workflows, newest first, by status, priority, type or team', query: workflowListQuerySchema, response: listOf(workflowSchema) }),
  get: endpoint({ method: 'get', path: '/workflows/:id', tag: 'workflows', summary: 'Get a workflow', params: idParams, response: workflowSchema }),
  create: endpoint({ method: 'post', path: '/workflows', tag: 'workflows', summary: 'Create a workflow (draft)', body: workflowCreateSchema, response: workflowSchema, status: 201 }),
  update: endpoint({ method: 'patch', path: '/workflows/:id', tag: 'workflows', summary: 'Change a workflow that is not completed or cancelled', params: idParams, body: workflowUpdateSchema, response: workflowSchema }),
  remove: endpoint({ method: 'delete', path: '/workflows/:id', tag: 'workflows', summary: 'Delete a workflow and its tasks (soft delete)', params: idParams, status: 204 }),
  transition: endpoint({ method: 'post', path: '/workflows/:id/transition', tag: 'workflows', summary: 'Activate, pause, resume, complete or cancel a workflow', params: idParams, body: workflowTransitionSchema, response: workflowSchema }),
  summary: endpoint({ method: 'get', path: '/workflows/:id/summary', tag: 'workflows', summary: "A workflow's task counts and mean hours (workflow_summary)", params: idParams, response: workflowSummarySchema }),
  listTasks: endpoint({ method: 'get', path: '/workflows/:id/tasks', tag: 'tasks', summary: "A workflow's tasks in creation order", params: idParams, query: workflowTaskListQuerySchema, response: listOf(taskSchema) }),
  createTask: endpoint({ method: 'post', path: '/workflows/:id/tasks', tag: 'tasks', summary: 'Add a task to a workflow', params: idParams, body: taskCreateSchema, response: taskSchema, status: 201 }),
};

export const taskEndpoints = {
  list: endpoint({ method: 'get', path: '/tasks', tag: 'tasks', summary: 'Tasks of every workflow, by status, priority, assistant, workflow or due date', query: taskListQuerySchema, response: listOf(taskSchema) }),
  get: endpoint({ method: 'get', path: '/tasks/:id', tag: 'tasks', summary: 'Get a task', params: idParams, response: taskSchema }),
  update: endpoint({ method: 'patch', path: '/tasks/:id', tag: 'tasks', summary: "Change a task's fields (one history entry per changed field)", params: idParams, body: taskUpdateSchema, response: taskSchema }),
  remove: endpoint({ method: 'delete', path: '/tasks/:id', tag: 'tasks', summary: 'Delete a task no other task depends on (soft delete)', params: idParams, query: reasonQuerySchema, status: 204 }),
  transition: endpoint({ method: 'post', path: '/tasks/:id/transition', tag: 'tasks', summary: 'Start, complete or cancel a task', params: idParams, body: taskTransitionSchema, response: taskSchema }),
  assign: endpoint({ method: 'put', path: '/tasks/:id/assignee', tag: 'tasks', summary: 'Assign a task to an active assistant, or unassign it (null)', params: idParams, body: taskAssigneeSchema, response: taskSchema }),
  addDependency: endpoint({ method: 'post', path: '/tasks/:id/dependencies', tag: 'tasks', summary: 'Make a task depend on another task of its workflow (cycles refused)', params: idParams, body: taskDependencyAddSchema, response: taskSchema }),
  removeDependency: endpoint({ method: 'delete', path: '/tasks/:id/dependencies/:dependsOnTaskId', tag: 'tasks', summary: 'Remove a dependency', params: taskDependencyParams, query: reasonQuerySchema, response: taskSchema }),
  history: endpoint({ method: 'get', path: '/tasks/:id/history', tag: 'tasks', summary: "A task's history, oldest first", params: idParams, query: taskHistoryQuerySchema, response: listOf(taskHistoryEntrySchema) }),
};
