/**
 * Workflows (design §3.4.1): create, read, list, change, soft delete and the status actions.
 *
 * Every write locks the workflow row first (SELECT … FOR UPDATE): task writes do the same, so all
 * changes to one workflow and its tasks are serialized — a dependency cycle check or an "all tasks
 * closed?" check cannot be invalidated by a concurrent commit.
 */
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  WorkflowApi,
  workflowCreateSchema,
  workflowListQuerySchema,
  workflowTransitionSchema,
  workflowUpdateSchema,
} from '../../../shared/contracts/workflows';
import type { Db } from '../db/drivers';
import { tasks, teams, workflows } from '../db/schema';
import { conflict, notFound } from '../server/errors';
import { countRows } from '../server/routes/list';
import { illegalTransition, staleUpdate, unknownReference, workflowClosed } from './errors';
import { recordHistory, type ChangeContext } from './history';
import { intervalOfHours, preciseTimestamp, workflowColumns, workflowToApi, type WorkflowRow } from './rows';
import type { SummaryRefresher } from './summary-refresher';
import { OPEN_TASK_STATUSES } from './task-transitions';
import { allowedWorkflowActions, isWorkflowClosed, nextWorkflowStatus } from './workflow-transitions';

/** What every workflow or task operation needs: the database, who acts, and the summary to mark. */
export interface WorkflowStore {
  db: Db;
  userId: number;
  summary: SummaryRefresher;
}

const live = (id: number) => and(eq(workflows.id, id), isNull(workflows.deletedAt));

export async function findWorkflow(db: Db, id: number): Promise<WorkflowRow> {
  const [row] = await db.select(workflowColumns()).from(workflows).where(live(id));
  if (!row) throw notFound('Workflow', id);
  return row;
}

export async function getWorkflow(db: Db, id: number): Promise<WorkflowApi> {
  return workflowToApi(await findWorkflow(db, id));
}

/** Locks a live workflow for the rest of the transaction; 404 when it does not exist. */
export async function lockWorkflow(tx: Db, id: number) {
  const [row] = await tx
    .select({ id: workflows.id, status: workflows.status, updatedAtPrecise: preciseTimestamp(workflows.updatedAt) })
    .from(workflows)
    .where(live(id))
    .for('update');
  if (!row) throw notFound('Workflow', id);
  return row;
}

/** Locks a workflow whose tasks are about to change: 409 when it is completed or cancelled. */
export async function lockOpenWorkflow(tx: Db, id: number) {
  const row = await lockWorkflow(tx, id);
  if (isWorkflowClosed(row.status)) throw workflowClosed(id, row.status);
  return row;
}

export function checkExpected(what: 'Workflow' | 'Task', id: number, current: string, expected: string | undefined): void {
  if (expected !== undefined && expected !== current) throw staleUpdate(what, id, expected, current);
}

async function checkTeam(db: Db, teamId: number | null | undefined): Promise<void> {
  if (teamId === null || teamId === undefined) return;
  const [team] = await db.select({ id: teams.id }).from(teams).where(and(eq(teams.id, teamId), isNull(teams.deletedAt)));
  if (!team) throw unknownReference('assignedTeamId', teamId, 'team');
}

export async function listWorkflows(db: Db, query: z.output<typeof workflowListQuerySchema>): Promise<{ items: WorkflowApi[]; total: number }> {
  const conditions: SQL[] = [isNull(workflows.deletedAt)];
  if (query.status) conditions.push(eq(workflows.status, query.status));
  if (query.priority) conditions.push(eq(workflows.priority, query.priority));
  if (query.workflowType) conditions.push(eq(workflows.workflowType, query.workflowType));
  if (query.assignedTeamId) conditions.push(eq(workflows.assignedTeamId, query.assignedTeamId));
  const where = and(...conditions);
  const rows = await db.select(workflowColumns()).from(workflows).where(where).orderBy(desc(workflows.id)).limit(query.limit).offset(query.offset);
  return { items: rows.map(workflowToApi), total: await countRows(db, workflows, where) };
}

/** Inserts a draft workflow (inside the caller's transaction when given one). */
export async function insertWorkflow(tx: Db, body: z.output<typeof workflowCreateSchema>, createdBy: number | null): Promise<number> {
  await checkTeam(tx, body.assignedTeamId);
  const [row] = await tx
    .insert(workflows)
    .values({
      name: body.name,
      description: body.description ?? null,
      workflowType: body.workflowType ?? 'general',
      priority: body.priority ?? 'medium',
      assignedTeamId: body.assignedTeamId ?? null,
      estimatedDuration: intervalOfHours(body.estimatedDurationHours) ?? null,
      metadata: body.metadata ?? {},
      createdBy,
    })
    .returning({ id: workflows.id });
  return row!.id;
}

export async function createWorkflow(store: WorkflowStore, body: z.output<typeof workflowCreateSchema>): Promise<WorkflowApi> {
  const id = await store.db.transaction((tx) => insertWorkflow(tx, body, store.userId));
  store.summary.markDirty();
  return getWorkflow(store.db, id);
}

export async function updateWorkflow(store: WorkflowStore, id: number, body: z.output<typeof workflowUpdateSchema>): Promise<WorkflowApi> {
  await store.db.transaction(async (tx) => {
    const current = await lockOpenWorkflow(tx, id);
    checkExpected('Workflow', id, current.updatedAtPrecise, body.expectedUpdatedAt);
    await checkTeam(tx, body.assignedTeamId);
    const { expectedUpdatedAt: _ignored, estimatedDurationHours, ...fields } = body;
    await tx
      .update(workflows)
      .set({ ...fields, ...(estimatedDurationHours !== undefined ? { estimatedDuration: intervalOfHours(estimatedDurationHours) } : {}) })
      .where(eq(workflows.id, id));
  });
  store.summary.markDirty();
  return getWorkflow(store.db, id);
}

async function openTasksOf(tx: Db, workflowId: number) {
  return tx
    .select({ id: tasks.id, name: tasks.name, status: tasks.status })
    .from(tasks)
    .where(and(eq(tasks.workflowId, workflowId), isNull(tasks.deletedAt), inArray(tasks.status, [...OPEN_TASK_STATUSES])))
    .orderBy(tasks.id)
    .for('update');
}

export async function transitionWorkflow(store: WorkflowStore, id: number, body: z.output<typeof workflowTransitionSchema>): Promise<WorkflowApi> {
  await store.db.transaction(async (tx) => {
    const current = await lockWorkflow(tx, id);
    checkExpected('Workflow', id, current.updatedAtPrecise, body.expectedUpdatedAt);
    const next = nextWorkflowStatus(current.status, body.action);
    if (!next) throw illegalTransition('Workflow', id, current.status, body.action, allowedWorkflowActions(current.status));
    const open = await openTasksOf(tx, id);
    if (body.action === 'complete' && open.length > 0) {
      const list = open.map((t) => `${t.id} "${t.name}" (${t.status})`).join(', ');
      throw conflict('workflow_has_open_tasks', `Workflow ${id} cannot complete: ${open.length} task(s) are still open: ${list}; complete or cancel them first`, {
        openTaskIds: open.map((t) => t.id),
      });
    }
    if (body.action === 'cancel') {
      // A cancelled workflow leaves no task open; each one's history says why.
      const ctx: ChangeContext = { userId: store.userId, reason: `workflow ${id} cancelled${body.reason ? `: ${body.reason}` : ''}` };
      for (const t of open) {
        await tx.update(tasks).set({ status: 'cancelled' }).where(eq(tasks.id, t.id));
        await recordHistory(tx, t.id, [{ action: 'status_changed', oldValue: t.status, newValue: 'cancelled' }], ctx);
      }
    }
    await tx
      .update(workflows)
      .set({
        status: next,
        ...(body.action === 'activate' ? { startedAt: sql`coalesce(${workflows.startedAt}, now())` } : {}),
        ...(body.action === 'complete' ? { completedAt: sql`now()`, actualDuration: sql`now() - coalesce(${workflows.startedAt}, now())` } : {}),
      })
      .where(eq(workflows.id, id));
  });
  store.summary.markDirty();
  return getWorkflow(store.db, id);
}

/** Soft-deletes the workflow and its live tasks (each task's history records the deletion). */
export async function removeWorkflow(store: WorkflowStore, id: number): Promise<void> {
  await store.db.transaction(async (tx) => {
    await lockWorkflow(tx, id);
    const removed = await tx
      .update(tasks)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(tasks.workflowId, id), isNull(tasks.deletedAt)))
      .returning({ id: tasks.id, status: tasks.status });
    const ctx: ChangeContext = { userId: store.userId, reason: `workflow ${id} deleted` };
    for (const t of removed) await recordHistory(tx, t.id, [{ action: 'deleted', oldValue: t.status }], ctx);
    await tx.update(workflows).set({ deletedAt: sql`now()` }).where(eq(workflows.id, id));
  });
  store.summary.markDirty();
}
