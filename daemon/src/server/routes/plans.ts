/**
 * Plan approvals (design §3.8) and the notifications they raise. The rules live in
 * daemon/src/plans/ (state machine, store, drafting); this file maps the contract onto them.
 * See docs/plans.md.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { notificationEndpoints, planEndpoints } from '../../../../shared/contracts/plans';
import { diffPlanVersions } from '../../../../shared/plans/diff';
import { defaultModelFactory } from '../../ai/assistants';
import { users } from '../../db/schema';
import { draftPlan } from '../../plans/drafting';
import { listNotifications, markNotificationRead } from '../../plans/notifications';
import {
  copyPlan,
  createPlan,
  decide,
  deletePlan,
  findVersion,
  listApprovals,
  listPlans,
  listVersions,
  loadPlan,
  resolveAssistant,
  startReview,
  submitPlan,
  updatePlan,
  type Actor,
} from '../../plans/store';
import { readPlanTemplate } from '../../plans/template';
import type { SummaryRefresher } from '../../workflows/summary-refresher';
import type { AppDeps } from '../app';
import { register, type AppEnv } from '../route';
import { resolvePreferences } from './preferences';

/** `workflowSummary` is marked dirty when an approval creates a workflow. */
export function planRoutes(deps: AppDeps, workflowSummary: SummaryRefresher) {
  const app = new Hono<AppEnv>();
  const { db } = deps.database;
  const { cache, localUserId } = deps;
  const me: Actor = { type: 'user', id: localUserId };
  const models = deps.models ?? defaultModelFactory(deps.log);

  register(app, planEndpoints.list, ({ query }) => listPlans(db, query));

  register(app, planEndpoints.create, async ({ body }) => {
    const { assistantId, ...content } = body;
    const assistant = await resolveAssistant(db, assistantId);
    const row = await createPlan(db, content, assistant.id);
    return loadPlan(db, row.id);
  });

  register(app, planEndpoints.draft, async ({ body }) => {
    const id = await draftPlan({ db, cache, models, secrets: deps.secrets, log: deps.log, localUserId }, body);
    return loadPlan(db, id);
  });

  register(app, planEndpoints.get, ({ params }) => loadPlan(db, params.id));

  register(app, planEndpoints.update, async ({ params, body }) => {
    await updatePlan(db, params.id, body, localUserId);
    return loadPlan(db, params.id);
  });

  register(app, planEndpoints.remove, async ({ params, query }) => {
    await deletePlan(db, params.id, query.expectedVersion);
    return undefined;
  });

  register(app, planEndpoints.submit, async ({ params, body }) => {
    await submitPlan(db, params.id, body.expectedVersion, localUserId);
    return loadPlan(db, params.id);
  });

  register(app, planEndpoints.startReview, async ({ params, body }) => {
    await startReview(db, params.id, body.expectedVersion);
    return loadPlan(db, params.id);
  });

  register(app, planEndpoints.approve, async ({ params, body }) => {
    const { workflowCreated } = await decide(db, params.id, { action: 'approve', ...body }, me);
    if (workflowCreated) workflowSummary.markDirty();
    return loadPlan(db, params.id);
  });

  register(app, planEndpoints.reject, async ({ params, body }) => {
    await decide(db, params.id, { action: 'reject', ...body }, me);
    return loadPlan(db, params.id);
  });

  register(app, planEndpoints.requestRevision, async ({ params, body }) => {
    await decide(db, params.id, { action: 'request_revision', ...body }, me);
    return loadPlan(db, params.id);
  });

  register(app, planEndpoints.copy, async ({ params }) => loadPlan(db, await copyPlan(db, params.id)));

  register(app, planEndpoints.versions, async ({ params }) => {
    const items = await listVersions(db, params.id);
    return { items, total: items.length };
  });

  register(app, planEndpoints.compare, async ({ params, query }) => {
    await loadPlan(db, params.id);
    const [from, to] = await Promise.all([findVersion(db, params.id, query.from), findVersion(db, params.id, query.to)]);
    return { planId: params.id, from: query.from, to: query.to, ...diffPlanVersions(from, to) };
  });

  register(app, planEndpoints.approvals, async ({ params }) => {
    const items = await listApprovals(db, params.id);
    return { items, total: items.length };
  });

  register(app, planEndpoints.note, async ({ params, query }) => {
    const plan = await loadPlan(db, params.id);
    const [user] = await db.select({ preferences: users.preferences }).from(users).where(eq(users.id, localUserId));
    const template = query.vaultId === undefined ? null : await readPlanTemplate(db, query.vaultId, query.configDir);
    return { plan, language: resolvePreferences(user?.preferences).language, template };
  });

  register(app, notificationEndpoints.list, async ({ query }) => {
    const items = await listNotifications(cache, localUserId, query.unread === undefined ? undefined : query.unread === 'true');
    return { items, total: items.length };
  });

  register(app, notificationEndpoints.markRead, ({ params }) => markNotificationRead(cache, localUserId, params.id));

  return app;
}
