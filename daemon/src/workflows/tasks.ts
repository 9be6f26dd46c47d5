/**
 * Tasks (design §3.4.2): create, read, list, change, soft delete, status actions, assignment to
 * assistants and dependencies, each change written to task_history in the same transaction.
 *
 * Locking: a write locks the task's workflow row, then the task row (always in that order, so two
 * writers cannot deadlock). Dependencies only link tasks of one workflow, so holding the workflow
 * lock while reading the dependency graph means no concurrent transaction can add the edge that
 * would close a cycle between our check and our commit.
 */
import { and, arrayContains, asc, eq, inArray, isNull, lt, type SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  Priority,
  TaskApi,
  taskAssigneeSchema,
  taskCreateSchema,
  taskDependencyAddSchema,
  taskListQuerySchema,
  taskTransitionSchema,
  taskUpdateSchema,
} from '../../../shared/contracts/workflows';
import type { Db } from '../db/drivers';
import { aiAssistants, tasks } from '../db/schema';
import { ApiError, conflict, notFound } from '../server/errors';
import { countRows } from '../server/routes/list';
import { cycleThrough } from './dependency-graph';
import { illegalTransition, unknownReference } from './errors';
import { recordHistory, type ChangeContext, type HistoryChange } from './history';
import { dependencyIdsOf, taskColumns, taskToApi, type TaskRow } from './rows';
import { allowedTaskActions, isTaskOpen, nextTaskStatus } from './task-transitions';
import { checkExpected, lockOpenWorkflow, type WorkflowStore } from './workflows';

const liveTask = (id: number) => and(eq(tasks.id, id), isNull(tasks.deletedAt));

export async function findTask(db: Db, id: number): Promise<TaskRow> {
  const [row] = await db.select(taskColumns()).from(tasks).where(liveTask(id));
  if (!row) throw notFound('Task', id);
  return row;
}

export async function getTask(db: Db, id: number): Promise<TaskApi> {
  return taskToApi(await findTask(db, id));
}

/** Locks the task's workflow (which must be open), then the task itself. */
async function lockTask(tx: Db, id: number) {
  const [ref] = await tx.select({ workflowId: tasks.workflowId }).from(tasks).where(liveTask(id));
  if (!ref?.workflowId) throw notFound('Task', id);
  const workflow = await lockOpenWorkflow(tx, ref.workflowId);
  const [task] = await tx.select(taskColumns()).from(tasks).where(liveTask(id)).for('update');
  // Deleted while this transaction waited for the workflow lock.
  if (!task) throw notFound('Task', id);
  return { workflow, task };
}

/** The assignee must exist and be active; FOR SHARE keeps it from being deactivated before we commit. */
export async function checkAssistant(tx: Db, assistantId: number): Promise<void> {
  const [assistant] = await tx
    .select({ id: aiAssistants.id, name: aiAssistants.name, isActive: aiAssistants.isActive })
    .from(aiAssistants)
    .where(and(eq(aiAssistants.id, assistantId), isNull(aiAssistants.deletedAt)))
    .for('share');
  if (!assistant) throw unknownReference('assistantId', assistantId, 'assistant');
  if (!assistant.isActive) {
    throw conflict('assistant_inactive', `Assistant ${assistantId} "${assistant.name}" is not active; activate it or choose another assistant`);
  }
}

/** Each id must be a live task of `workflowId`. */
async function checkDependencyTargets(tx: Db, workflowId: number, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx
    .select({ id: tasks.id, workflowId: tasks.workflowId })
    .from(tasks)
    .where(and(inArray(tasks.id, [...ids]), isNull(tasks.deletedAt)));
  const byId = new Map(rows.map((r) => [r.id, r.workflowId]));
  for (const id of ids) {
    if (!byId.has(id)) throw unknownReference('dependency', id, 'task');
    const other = byId.get(id);
    if (other !== workflowId) {
      throw new ApiError(400, 'foreign_task', `Task ${id} belongs to workflow ${other}; a task can only depend on tasks of its own workflow (${workflowId})`);
    }
  }
}

/** `task id → ids it depends on` for the live tasks of a workflow (read under the workflow lock). */
async function dependencyGraph(tx: Db, workflowId: number): Promise<Map<number, number[]>> {
  const rows = await tx
    .select({ id: tasks.id, dependencies: tasks.dependencies })
    .from(tasks)
    .where(and(eq(tasks.workflowId, workflowId), isNull(tasks.deletedAt)));
  return new Map(rows.map((r) => [r.id, dependencyIdsOf(r)]));
}

/** Ids as the design stores them (text[]), ascending. */
const storedIds = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b).map(String);

/** A date (read as midnight UTC) or a date-time with offset → the instant. */
export const dueDateOf = (v: string | null | undefined): Date | null | undefined =>
  v === null || v === undefined ? v : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

/** numeric(5,2) is written as a string so no float noise reaches the database. */
const storedHours = (v: number | null | undefined) => (v === null || v === undefined ? v : v.toFixed(2));

export interface NewTaskFields {
  name: string;
  description?: string | null;
  taskType?: string;
  priority?: Priority;
  dueDate?: string | null;
  estimatedHours?: number | null;
  actualHours?: number | null;
  assignedAssistantId?: number | null;
  dependencies?: readonly number[];
}

/**
 * Inserts a task and its `created` history entry (the task's initial fields as JSON). The caller
 * holds the workflow lock and has checked the assignee and the dependencies.
 */
export async function insertTask(tx: Db, workflowId: number, fields: NewTaskFields, ctx: ChangeContext): Promise<number> {
  const assignee = fields.assignedAssistantId ?? null;
  const [row] = await tx
    .insert(tasks)
    .values({
      workflowId,
      name: fields.name,
      description: fields.description ?? null,
      taskType: fields.taskType ?? 'general',
      priority: fields.priority ?? 'medium',
      status: assignee === null ? 'pending' : 'assigned',
      assignedAssistantId: assignee,
      estimatedHours: storedHours(fields.estimatedHours) ?? null,
      actualHours: storedHours(fields.actualHours) ?? null,
      dependencies: storedIds(fields.dependencies ?? []),
      dueDate: dueDateOf(fields.dueDate) ?? null,
    })
    .returning();
  const t = row!;
  const initial = {
    name: t.name,
    status: t.status,
    priority: t.priority,
    taskType: t.taskType,
    assignedAssistantId: t.assignedAssistantId,
    dueDate: t.dueDate?.toISOString() ?? null,
    estimatedHours: t.estimatedHours === null ? null : Number(t.estimatedHours),
    actualHours: t.actualHours === null ? null : Number(t.actualHours),
    dependencies: dependencyIdsOf(t),
  };
  await recordHistory(tx, t.id, [{ action: 'created', newValue: JSON.stringify(initial) }], ctx);
  return t.id;
}

export async function createTask(store: WorkflowStore, workflowId: number, body: z.output<typeof taskCreateSchema>): Promise<TaskApi> {
  const id = await store.db.transaction(async (tx) => {
    await lockOpenWorkflow(tx, workflowId);
    if (body.assignedAssistantId) await checkAssistant(tx, body.assignedAssistantId);
    await checkDependencyTargets(tx, workflowId, body.dependencies ?? []);
    return insertTask(tx, workflowId, body, { userId: store.userId, reason: body.reason ?? null });
  });
  store.summary.markDirty();
  return getTask(store.db, id);
}

type TaskListQuery = Omit<z.output<typeof taskListQuerySchema>, 'workflowId'> & { workflowId?: number };

export async function listTasks(db: Db, query: TaskListQuery): Promise<{ items: TaskApi[]; total: number }> {
  const conditions: SQL[] = [isNull(tasks.deletedAt)];
  if (query.workflowId) conditions.push(eq(tasks.workflowId, query.workflowId));
  if (query.status) conditions.push(eq(tasks.status, query.status));
  if (query.priority) conditions.push(eq(tasks.priority, query.priority));
  if (query.assignedAssistantId) conditions.push(eq(tasks.assignedAssistantId, query.assignedAssistantId));
  if (query.dueBefore) conditions.push(lt(tasks.dueDate, dueDateOf(query.dueBefore)!));
  const where = and(...conditions);
  const rows = await db.select(taskColumns()).from(tasks).where(where).orderBy(asc(tasks.id)).limit(query.limit).offset(query.offset);
  return { items: rows.map(taskToApi), total: await countRows(db, tasks, where) };
}

/** Each editable field, its history action, and how to compare and store it. */
const FIELDS = [
  { key: 'name', action: 'name_changed' },
  { key: 'description', action: 'description_changed' },
  { key: 'taskType', action: 'task_type_changed' },
  { key: 'priority', action: 'priority_changed' },
  { key: 'dueDate', action: 'due_date_changed' },
  { key: 'estimatedHours', action: 'estimated_hours_changed' },
  { key: 'actualHours', action: 'actual_hours_changed' },
] as const;

type TaskUpdateBody = z.output<typeof taskUpdateSchema>;

/** The comparable (and history) form of a field: strings, numbers as text, instants as ISO. */
function currentValue(t: TaskRow, key: (typeof FIELDS)[number]['key']): string | null {
  switch (key) {
    case 'dueDate':
      return t.dueDate?.toISOString() ?? null;
    case 'estimatedHours':
    case 'actualHours':
      return t[key] === null ? null : String(Number(t[key]));
    default:
      return t[key];
  }
}

function requestedValue(body: TaskUpdateBody, key: (typeof FIELDS)[number]['key']): string | null {
  switch (key) {
    case 'dueDate':
      return dueDateOf(body.dueDate)?.toISOString() ?? null;
    case 'estimatedHours':
    case 'actualHours':
      return body[key] === null || body[key] === undefined ? null : String(body[key]);
    default:
      return body[key] ?? null;
  }
}

export async function updateTask(store: WorkflowStore, id: number, body: TaskUpdateBody): Promise<TaskApi> {
  await store.db.transaction(async (tx) => {
    const { task } = await lockTask(tx, id);
    checkExpected('Task', id, task.updatedAtPrecise, body.expectedUpdatedAt);
    const changes: HistoryChange[] = [];
    for (const { key, action } of FIELDS) {
      if (body[key] === undefined) continue;
      const before = currentValue(task, key);
      const after = requestedValue(body, key);
      if (before !== after) changes.push({ action, oldValue: before, newValue: after });
    }
    if (changes.length === 0) return; // nothing differs: no write, no history
    await tx
      .update(tasks)
      .set({
        name: body.name,
        description: body.description,
        taskType: body.taskType,
        priority: body.priority,
        dueDate: dueDateOf(body.dueDate),
        estimatedHours: storedHours(body.estimatedHours),
        actualHours: storedHours(body.actualHours),
      })
      .where(eq(tasks.id, id));
    await recordHistory(tx, id, changes, { userId: store.userId, reason: body.reason ?? null });
  });
  store.summary.markDirty();
  return getTask(store.db, id);
}

export async function transitionTask(store: WorkflowStore, id: number, body: z.output<typeof taskTransitionSchema>): Promise<TaskApi> {
  await store.db.transaction(async (tx) => {
    const { workflow, task } = await lockTask(tx, id);
    checkExpected('Task', id, task.updatedAtPrecise, body.expectedUpdatedAt);
    const state = { status: task.status, assigned: task.assignedAssistantId !== null };
    const next = nextTaskStatus(state, body.action);
    if (!next) throw illegalTransition('Task', id, task.status, body.action, allowedTaskActions(state));
    if (body.action !== 'cancel' && workflow.status !== 'active') {
      throw conflict('workflow_not_active', `Workflow ${workflow.id} is ${workflow.status}: activate or resume it before you ${body.action} its tasks`, {
        workflowStatus: workflow.status,
      });
    }
    if (body.action === 'start') {
      const deps = dependencyIdsOf(task);
      const blocking = deps.length
        ? await tx
            .select({ id: tasks.id, name: tasks.name, status: tasks.status })
            .from(tasks)
            .where(and(inArray(tasks.id, deps), isNull(tasks.deletedAt)))
            .orderBy(asc(tasks.id))
        : [];
      const open = blocking.filter((d) => isTaskOpen(d.status));
      if (open.length > 0) {
        const list = open.map((d) => `${d.id} "${d.name}" (${d.status})`).join(', ');
        throw conflict('task_blocked', `Task ${id} depends on open task(s) ${list}; complete or cancel them first`, { blockingTaskIds: open.map((d) => d.id) });
      }
    }
    await tx
      .update(tasks)
      .set({
        status: next,
        ...(body.action === 'start' ? { startedAt: sql`coalesce(${tasks.startedAt}, now())` } : {}),
        ...(body.action === 'complete' ? { completedAt: sql`now()` } : {}),
      })
      .where(eq(tasks.id, id));
    await recordHistory(tx, id, [{ action: 'status_changed', oldValue: task.status, newValue: next }], { userId: store.userId, reason: body.reason ?? null });
  });
  store.summary.markDirty();
  return getTask(store.db, id);
}

export async function assignTask(store: WorkflowStore, id: number, body: z.output<typeof taskAssigneeSchema>): Promise<TaskApi> {
  await store.db.transaction(async (tx) => {
    const { task } = await lockTask(tx, id);
    checkExpected('Task', id, task.updatedAtPrecise, body.expectedUpdatedAt);
    if (body.assistantId !== null && body.assistantId === task.assignedAssistantId) return; // already so
    const action = body.assistantId === null ? 'unassign' : 'assign';
    const state = { status: task.status, assigned: task.assignedAssistantId !== null };
    const next = nextTaskStatus(state, action);
    if (!next) throw illegalTransition('Task', id, task.status, action, allowedTaskActions(state));
    if (body.assistantId !== null) await checkAssistant(tx, body.assistantId);
    await tx.update(tasks).set({ assignedAssistantId: body.assistantId, status: next }).where(eq(tasks.id, id));
    const changes: HistoryChange[] = [
      body.assistantId === null
        ? { action: 'unassigned', oldValue: task.assignedAssistantId }
        : { action: 'assigned', oldValue: task.assignedAssistantId, newValue: body.assistantId },
    ];
    if (next !== task.status) changes.push({ action: 'status_changed', oldValue: task.status, newValue: next });
    await recordHistory(tx, id, changes, { userId: store.userId, reason: body.reason ?? null });
  });
  store.summary.markDirty();
  return getTask(store.db, id);
}

export async function addDependency(store: WorkflowStore, id: number, body: z.output<typeof taskDependencyAddSchema>): Promise<TaskApi> {
  const target = body.dependsOnTaskId;
  await store.db.transaction(async (tx) => {
    const { workflow, task } = await lockTask(tx, id);
    checkExpected('Task', id, task.updatedAtPrecise, body.expectedUpdatedAt);
    if (target === id) throw new ApiError(400, 'self_dependency', `Task ${id} cannot depend on itself`);
    await checkDependencyTargets(tx, workflow.id, [target]);
    const current = dependencyIdsOf(task);
    if (current.includes(target)) throw conflict('dependency_exists', `Task ${id} already depends on task ${target}`);
    const cycle = cycleThrough(await dependencyGraph(tx, workflow.id), id, target);
    if (cycle) {
      throw conflict('dependency_cycle', `Task ${id} cannot depend on task ${target}: that would close the cycle ${cycle.join(' → ')} (each task waiting for the next)`, {
        cycle,
      });
    }
    await tx.update(tasks).set({ dependencies: storedIds([...current, target]) }).where(eq(tasks.id, id));
    await recordHistory(tx, id, [{ action: 'dependency_added', newValue: target }], { userId: store.userId, reason: body.reason ?? null });
  });
  store.summary.markDirty();
  return getTask(store.db, id);
}

export async function removeDependency(store: WorkflowStore, id: number, dependsOnTaskId: number, reason: string | undefined): Promise<TaskApi> {
  await store.db.transaction(async (tx) => {
    const { task } = await lockTask(tx, id);
    const current = dependencyIdsOf(task);
    if (!current.includes(dependsOnTaskId)) throw notFound(`Dependency of task ${id} on task`, dependsOnTaskId);
    await tx
      .update(tasks)
      .set({ dependencies: storedIds(current.filter((d) => d !== dependsOnTaskId)) })
      .where(eq(tasks.id, id));
    await recordHistory(tx, id, [{ action: 'dependency_removed', oldValue: dependsOnTaskId }], { userId: store.userId, reason: reason || null });
  });
  store.summary.markDirty();
  return getTask(store.db, id);
}

/** Soft delete; refused while another live task depends on this one (its history is kept). */
export async function removeTask(store: WorkflowStore, id: number, reason: string | undefined): Promise<void> {
  await store.db.transaction(async (tx) => {
    const { workflow, task } = await lockTask(tx, id);
    const dependents = await tx
      .select({ id: tasks.id, name: tasks.name })
      .from(tasks)
      .where(and(eq(tasks.workflowId, workflow.id), isNull(tasks.deletedAt), arrayContains(tasks.dependencies, [String(id)])))
      .orderBy(asc(tasks.id));
    if (dependents.length > 0) {
      const list = dependents.map((d) => `${d.id} "${d.name}"`).join(', ');
      throw conflict('task_has_dependents', `Task ${id} cannot be deleted: task(s) ${list} depend on it; remove those dependencies first`, {
        dependentTaskIds: dependents.map((d) => d.id),
      });
    }
    await tx.update(tasks).set({ deletedAt: sql`now()` }).where(eq(tasks.id, id));
    await recordHistory(tx, id, [{ action: 'deleted', oldValue: task.status }], { userId: store.userId, reason: reason || null });
  });
  store.summary.markDirty();
}
