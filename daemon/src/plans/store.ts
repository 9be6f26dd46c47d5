/**
 * Plans in PostgreSQL (design §3.8): reading them as the API shows them, and every change, each in
 * one transaction.
 *
 * Versions: `plans.version` counts content edits (it starts at 1 and every edit adds one), and it is
 * the optimistic-concurrency token: a change names the version its author saw (`expectedVersion`) and
 * is written with `UPDATE … WHERE version = expected AND status = current`, so of two concurrent
 * changes made from the same view exactly one is written and the other gets 409. Status changes do
 * not bump the version (the content did not change), but they change the status the UPDATE requires.
 *
 * Snapshots (`plan_versions`): the first submission records the submitted content; after that every
 * edit records its new version with a change summary and who made it. Drafts before the first
 * submission are not kept (nobody has reviewed them).
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  ApprovalAction,
  PlanAction,
  PlanApi,
  PlanApprovalApi,
  PlanDetail,
  PlanStatus,
  PlanVersionApi,
  planListQuerySchema,
} from '../../../shared/contracts/plans';
import type { PlanContent, Resources, Timeline } from '../../../shared/plans/schemas';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../db/drivers';
import { aiAssistants, planApprovals, plans, planVersions } from '../db/schema';
import { ApiError, conflict, notFound } from '../server/errors';
import { countRows, iso } from '../server/routes/list';
import { allowedActions, IllegalTransitionError, transition } from './state-machine';

type PlanRow = typeof plans.$inferSelect;
type ApprovalRow = typeof planApprovals.$inferSelect;
type VersionRow = typeof planVersions.$inferSelect;
type PlanSet = PgUpdateSetSource<typeof plans>;

const CONTENT_KEYS = ['title', 'description', 'objective', 'scope', 'timeline', 'resources', 'riskAssessment', 'successCriteria'] as const;
export type ContentKey = (typeof CONTENT_KEYS)[number];

const live = (id: number) => and(eq(plans.id, id), isNull(plans.deletedAt));

/** Who did it: the local user, or an assistant (drafts). */
export interface Actor {
  type: 'user' | 'assistant';
  id: number;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export const approvalToApi = (a: ApprovalRow): PlanApprovalApi => ({
  id: a.id,
  planId: a.planId,
  approverType: a.approverType,
  approverId: a.approverId,
  action: a.action,
  status: a.status,
  comments: a.comments,
  conditions: a.conditions ?? [],
  approvalDate: iso(a.approvalDate),
  createdAt: iso(a.createdAt),
});

function planToApi(p: PlanRow, assistantName: string | null, approvals: ApprovalRow[]): PlanApi {
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    objective: p.objective,
    scope: p.scope,
    status: p.status,
    version: p.version,
    assistantId: p.assistantId,
    assistantName,
    workflowId: p.workflowId,
    // Stored only after validation with the shared schemas (see createPlan/updatePlan).
    timeline: p.timeline as Timeline,
    resources: p.resources as Resources,
    riskAssessment: p.riskAssessment,
    successCriteria: p.successCriteria ?? [],
    submittedAt: p.submittedAt ? iso(p.submittedAt) : null,
    approvedAt: p.approvedAt ? iso(p.approvedAt) : null,
    rejectedAt: p.rejectedAt ? iso(p.rejectedAt) : null,
    rejectionReason: p.rejectionReason,
    allowedActions: allowedActions(p.status),
    conditions: approvals.flatMap((a) => (a.conditions ?? []).map((text) => ({ text, approvalId: a.id, action: a.action }))),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export const versionToApi = (v: VersionRow): PlanVersionApi => ({
  id: v.id,
  planId: v.planId,
  versionNumber: v.versionNumber,
  title: v.title,
  description: v.description,
  objective: v.objective,
  scope: v.scope,
  timeline: v.timeline as Timeline,
  resources: v.resources as Resources,
  riskAssessment: v.riskAssessment,
  successCriteria: v.successCriteria ?? [],
  changeSummary: v.changeSummary,
  createdBy: v.createdBy,
  createdAt: iso(v.createdAt),
});

const planColumns = { plan: plans, assistantName: aiAssistants.name };

async function approvalsOf(db: Db | Tx, planIds: number[]): Promise<ApprovalRow[]> {
  if (planIds.length === 0) return [];
  return db.select().from(planApprovals).where(inArray(planApprovals.planId, planIds)).orderBy(asc(planApprovals.id));
}

/** A live plan with its approval history; 404 when it does not exist or was deleted. */
export async function loadPlan(db: Db | Tx, id: number): Promise<PlanDetail> {
  const [row] = await db.select(planColumns).from(plans).leftJoin(aiAssistants, eq(aiAssistants.id, plans.assistantId)).where(live(id));
  if (!row) throw notFound('Plan', id);
  const approvals = await approvalsOf(db, [id]);
  return { ...planToApi(row.plan, row.assistantName, approvals), approvals: approvals.map(approvalToApi) };
}

export async function listPlans(db: Db, query: z.output<typeof planListQuerySchema>): Promise<{ items: PlanApi[]; total: number }> {
  const where = and(
    isNull(plans.deletedAt),
    query.status === undefined ? undefined : eq(plans.status, query.status),
    query.assistantId === undefined ? undefined : eq(plans.assistantId, query.assistantId),
    query.workflowId === undefined ? undefined : eq(plans.workflowId, query.workflowId),
  );
  const rows = await db
    .select(planColumns)
    .from(plans)
    .leftJoin(aiAssistants, eq(aiAssistants.id, plans.assistantId))
    .where(where)
    .orderBy(desc(plans.updatedAt), desc(plans.id))
    .limit(query.limit)
    .offset(query.offset);
  const approvals = await approvalsOf(db, rows.map((r) => r.plan.id));
  const items = rows.map((r) => planToApi(r.plan, r.assistantName, approvals.filter((a) => a.planId === r.plan.id)));
  return { items, total: await countRows(db, plans, where) };
}

export async function listApprovals(db: Db, planId: number): Promise<PlanApprovalApi[]> {
  await loadPlan(db, planId);
  return (await approvalsOf(db, [planId])).map(approvalToApi);
}

export async function listVersions(db: Db, planId: number): Promise<PlanVersionApi[]> {
  await loadPlan(db, planId);
  const rows = await db.select().from(planVersions).where(eq(planVersions.planId, planId)).orderBy(asc(planVersions.versionNumber));
  return rows.map(versionToApi);
}

export async function findVersion(db: Db, planId: number, versionNumber: number): Promise<PlanVersionApi> {
  const [row] = await db
    .select()
    .from(planVersions)
    .where(and(eq(planVersions.planId, planId), eq(planVersions.versionNumber, versionNumber)));
  if (!row) {
    throw new ApiError(404, 'not_found', `Plan ${planId} has no version ${versionNumber}; list its versions with GET /api/v1/plans/${planId}/versions (snapshots start at the first submission)`);
  }
  return versionToApi(row);
}

// ---------------------------------------------------------------------------------------------
// Assistants a plan is filed under
// ---------------------------------------------------------------------------------------------

/** The assistant named, or the first active one (lowest id) when none is named. */
export async function resolveAssistant(db: Db | Tx, assistantId: number | undefined) {
  if (assistantId !== undefined) {
    const [row] = await db.select().from(aiAssistants).where(and(eq(aiAssistants.id, assistantId), isNull(aiAssistants.deletedAt)));
    if (!row) throw new ApiError(400, 'unknown_reference', `assistantId ${assistantId} does not exist; list assistants with GET /api/v1/assistants`);
    if (!row.isActive) throw conflict('assistant_inactive', `Assistant "${row.name}" is inactive; activate it or choose another`);
    return row;
  }
  const [first] = await db
    .select()
    .from(aiAssistants)
    .where(and(isNull(aiAssistants.deletedAt), eq(aiAssistants.isActive, true)))
    .orderBy(asc(aiAssistants.id))
    .limit(1);
  if (!first) throw conflict('no_assistant', 'A plan is filed under an assistant, and there is no active one; create an assistant first (POST /api/v1/assistants)');
  return first;
}

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

function illegal(e: IllegalTransitionError): ApiError {
  return conflict('illegal_transition', e.message, { status: e.status, action: e.action, allowedActions: e.allowed });
}

function check(status: PlanStatus, action: PlanAction): PlanStatus {
  try {
    return transition(status, action);
  } catch (e) {
    if (e instanceof IllegalTransitionError) throw illegal(e);
    throw e;
  }
}

function stale(id: number, expected: number, current: number): ApiError {
  return conflict(
    'stale_version',
    `Plan ${id} changed since you loaded it (you acted on version ${expected}, it is now version ${current}); reload it and try again`,
    { expectedVersion: expected, currentVersion: current },
  );
}

interface Change {
  action: PlanAction;
  expectedVersion: number;
  /** Columns to set besides status and updated_at. */
  set?: PlanSet;
  /** Content edits add one to the version. */
  bumpVersion?: boolean;
}

/**
 * Applies one action inside `tx`: the state machine decides whether it is allowed, the conditional
 * UPDATE whether the author saw the current version. Returns the row before and after.
 */
async function applyChange(tx: Tx, id: number, change: Change): Promise<{ before: PlanRow; after: PlanRow }> {
  const [before] = await tx.select().from(plans).where(live(id));
  if (!before) throw notFound('Plan', id);
  const next = check(before.status, change.action);
  if (before.version !== change.expectedVersion) throw stale(id, change.expectedVersion, before.version);
  const [after] = await tx
    .update(plans)
    .set({
      ...change.set,
      status: next,
      updatedAt: sql`now()`,
      ...(change.bumpVersion ? { version: sql`${plans.version} + 1` } : {}),
    })
    .where(and(live(id), eq(plans.version, change.expectedVersion), eq(plans.status, before.status)))
    .returning();
  if (after) return { before, after };
  // Someone else changed the plan between our read and our write: say what it is now.
  const [now] = await tx.select().from(plans).where(live(id));
  if (!now) throw notFound('Plan', id);
  if (now.status !== before.status) check(now.status, change.action);
  throw stale(id, change.expectedVersion, now.version);
}

async function snapshot(tx: Tx, plan: PlanRow, changeSummary: string, createdBy: number | null): Promise<void> {
  await tx
    .insert(planVersions)
    .values({
      planId: plan.id,
      versionNumber: plan.version,
      title: plan.title,
      description: plan.description,
      objective: plan.objective,
      scope: plan.scope,
      timeline: plan.timeline,
      resources: plan.resources,
      riskAssessment: plan.riskAssessment,
      successCriteria: plan.successCriteria,
      changeSummary,
      createdBy,
    })
    .onConflictDoNothing({ target: [planVersions.planId, planVersions.versionNumber] });
}

export async function createPlan(
  db: Db | Tx,
  content: PlanContent,
  assistantId: number,
  options: { status?: 'draft' | 'submitted' } = {},
): Promise<PlanRow> {
  const [row] = await db
    .insert(plans)
    .values({
      title: content.title,
      description: content.description ?? null,
      objective: content.objective,
      scope: content.scope ?? null,
      timeline: content.timeline,
      resources: content.resources,
      riskAssessment: content.riskAssessment ?? null,
      successCriteria: content.successCriteria,
      assistantId,
      status: options.status ?? 'draft',
      submittedAt: options.status === 'submitted' ? sql`now()` : null,
    })
    .returning();
  return row!;
}

/** A plan arriving already submitted (an assistant's draft): created and snapshotted as version 1 together. */
export async function createSubmittedPlan(db: Db, content: PlanContent, assistantId: number, changeSummary: string): Promise<number> {
  return db.transaction(async (tx) => {
    const row = await createPlan(tx, content, assistantId, { status: 'submitted' });
    await snapshot(tx, row, changeSummary, null);
    return row.id;
  });
}

const FIELD_LABELS: Record<ContentKey, string> = {
  title: 'title',
  description: 'description',
  objective: 'objective',
  scope: 'scope',
  timeline: 'timeline',
  resources: 'resources',
  riskAssessment: 'risk assessment',
  successCriteria: 'success criteria',
};

export async function updatePlan(
  db: Db,
  id: number,
  edit: Partial<PlanContent> & { expectedVersion: number; changeSummary?: string | null },
  userId: number,
): Promise<void> {
  const set: PlanSet = {};
  const changed: string[] = [];
  for (const key of CONTENT_KEYS) {
    if (edit[key] === undefined) continue;
    (set as Record<string, unknown>)[key] = edit[key];
    changed.push(FIELD_LABELS[key]);
  }
  await db.transaction(async (tx) => {
    const { before, after } = await applyChange(tx, id, { action: 'edit', expectedVersion: edit.expectedVersion, set, bumpVersion: true });
    // Every edit after the first submission is kept as a version.
    if (before.submittedAt) await snapshot(tx, after, edit.changeSummary?.trim() || `Changed ${changed.join(', ')}`, userId);
  });
}

export async function submitPlan(db: Db, id: number, expectedVersion: number, userId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const { after } = await applyChange(tx, id, { action: 'submit', expectedVersion, set: { submittedAt: sql`now()` } });
    // The first submission records what was submitted; later versions were recorded by their edits.
    await snapshot(tx, after, 'Submitted for approval', userId);
  });
}

export async function startReview(db: Db, id: number, expectedVersion: number): Promise<void> {
  await db.transaction((tx) => applyChange(tx, id, { action: 'start_review', expectedVersion }));
}

const DECISIONS: Record<ApprovalAction, { status: 'approved' | 'rejected' | 'revision_requested' }> = {
  approve: { status: 'approved' },
  reject: { status: 'rejected' },
  request_revision: { status: 'revision_requested' },
};

export interface Decision {
  action: ApprovalAction;
  expectedVersion: number;
  comments?: string | null;
  conditions?: string[];
  /** reject only: becomes plans.rejection_reason. */
  reason?: string;
}

/** Approve, reject or request a revision: the status change and the plan_approvals record together. */
export async function decide(db: Db, id: number, decision: Decision, approver: Actor): Promise<void> {
  const set: PlanSet =
    decision.action === 'approve'
      ? { approvedAt: sql`now()` }
      : decision.action === 'reject'
        ? { rejectedAt: sql`now()`, rejectionReason: decision.reason ?? null }
        : {};
  await db.transaction(async (tx) => {
    await applyChange(tx, id, { action: decision.action, expectedVersion: decision.expectedVersion, set });
    const comments = [decision.reason, decision.comments].filter((c): c is string => Boolean(c && c.trim())).join('\n\n');
    await tx.insert(planApprovals).values({
      planId: id,
      approverType: approver.type,
      approverId: approver.id,
      action: decision.action,
      status: DECISIONS[decision.action].status,
      comments: comments || null,
      conditions: decision.conditions ?? [],
    });
  });
}

export async function deletePlan(db: Db, id: number, expectedVersion: number): Promise<void> {
  await db.transaction((tx) => applyChange(tx, id, { action: 'delete', expectedVersion, set: { deletedAt: sql`now()` } }));
}

/** A rejected plan's content as a new draft (the rejected plan stays as it is). Returns the new id. */
export async function copyPlan(db: Db, id: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [source] = await tx.select().from(plans).where(live(id));
    if (!source) throw notFound('Plan', id);
    check(source.status, 'copy');
    const content: PlanContent = {
      title: source.title,
      description: source.description,
      objective: source.objective,
      scope: source.scope,
      timeline: source.timeline as Timeline,
      resources: source.resources as Resources,
      riskAssessment: source.riskAssessment,
      successCriteria: source.successCriteria ?? [],
    };
    return (await createPlan(tx, content, source.assistantId)).id;
  });
}

