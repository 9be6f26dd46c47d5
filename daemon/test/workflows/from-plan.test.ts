/** createWorkflowFromPlan, called directly in a transaction as the plans approve endpoint does. */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plans, taskHistory, tasks, workflows } from '../../src/db/schema';
import { ApiError } from '../../src/server/errors';
import { SummaryRefresher } from '../../src/workflows/summary-refresher';
import { refreshWorkflowSummary } from '../../src/db/database';
import { createWorkflowFromPlan } from '../../src/workflows/from-plan';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { api, historyOf, newAssistant, ok } from './helpers';

describe.each(testDatabaseTargets())('createWorkflowFromPlan on $kind', (target) => {
  let t: TestApp;
  let summary: SummaryRefresher;
  let author: number;
  beforeAll(async () => {
    const database = await target.open();
    summary = new SummaryRefresher(() => refreshWorkflowSummary(database.db), { delayMs: 3_600_000, onError: (e) => console.error(e) });
    t = await createTestApp(database, undefined, { workflowSummary: summary });
    author = await newAssistant(t, 'Planner');
  });
  afterAll(async () => {
    await summary?.close();
    await t?.dispose();
  });

  async function newPlan(title = '新居への引っ越し'): Promise<number> {
    const [row] = await t.database.db
      .insert(plans)
      .values({ title, objective: '四月までに引っ越す', assistantId: author, status: 'approved', timeline: { start_date: '2025-03-01', end_date: '2025-04-30' }, resources: {} })
      .returning({ id: plans.id });
    return row!.id;
  }

  const fromPlan = (planId: number, over: Partial<Parameters<typeof createWorkflowFromPlan>[1]> = {}) =>
    t.database.db.transaction((tx) =>
      createWorkflowFromPlan(tx, {
        planId,
        title: '新居への引っ越し',
        description: '計画から',
        milestones: [
          { name: '荷造り', date: '2025-04-10', description: '箱詰め' },
          { name: '物件契約', date: '2025-03-15' },
          { name: '搬出', date: '2025-04-20T09:00:00+09:00', description: null },
        ],
        createdBy: t.localUserId,
        assistantId: author,
        ...over,
      }),
    );

  async function writes() {
    const [w] = await t.database.db.select({ n: count() }).from(workflows);
    const [k] = await t.database.db.select({ n: count() }).from(tasks);
    const [h] = await t.database.db.select({ n: count() }).from(taskHistory);
    return [Number(w!.n), Number(k!.n), Number(h!.n)];
  }

  it('creates an active workflow with one task per milestone, in date order, chained, and links the plan', async () => {
    const planId = await newPlan();
    const { workflowId, taskIds } = await fromPlan(planId);
    summary.markDirty(); // after the commit, as every caller must

    const w = await ok(t, 'GET', `/workflows/${workflowId}`);
    expect(w).toMatchObject({ name: '新居への引っ越し', description: '計画から', workflowType: 'plan', status: 'active', planId, metadata: { planId }, createdBy: t.localUserId });
    expect(w.startedAt).not.toBeNull();
    const [plan] = await t.database.db.select({ workflowId: plans.workflowId }).from(plans).where(eq(plans.id, planId));
    expect(plan!.workflowId).toBe(workflowId);

    const list = (await ok(t, 'GET', `/workflows/${workflowId}/tasks`)).items;
    expect(list.map((x: { id: number }) => x.id)).toEqual(taskIds);
    expect(list.map((x: { name: string; dueDate: string; dependencies: number[]; description: string | null }) => [x.name, x.dueDate, x.dependencies, x.description])).toEqual([
      ['物件契約', '2025-03-15T00:00:00.000Z', [], null],
      ['荷造り', '2025-04-10T00:00:00.000Z', [taskIds[0]], '箱詰め'],
      ['搬出', '2025-04-20T00:00:00.000Z', [taskIds[1]], null],
    ]);
    for (const task of list) expect(task).toMatchObject({ taskType: 'milestone', status: 'assigned', assignedAssistantId: author });
    for (const id of taskIds) {
      const history = await historyOf(t, id);
      expect(history).toEqual([expect.objectContaining({ action: 'created', reason: `created from plan ${planId}`, changedBy: t.localUserId })]);
    }
    expect(await ok(t, 'GET', `/workflows/${workflowId}/summary`)).toMatchObject({ totalTasks: 3, completedTasks: 0 });

    // The chain is enforced: the second milestone waits for the first.
    const blocked = await t.json('POST', api(`/tasks/${taskIds[1]}/transition`), { body: { action: 'start' } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.details.blockingTaskIds).toEqual([taskIds[0]]);
  });

  it('without an assistant the tasks are pending; without milestones there are no tasks; long titles are cut', async () => {
    const first = await fromPlan(await newPlan(), { assistantId: null });
    expect((await ok(t, 'GET', `/workflows/${first.workflowId}/tasks`)).items.every((x: { status: string; assignedAssistantId: null }) => x.status === 'pending' && x.assignedAssistantId === null)).toBe(true);
    const long = 'とても長い計画名'.repeat(20);
    const second = await fromPlan(await newPlan(long), { milestones: [], title: long });
    expect(second.taskIds).toEqual([]);
    const w = await ok(t, 'GET', `/workflows/${second.workflowId}`);
    expect(w.name).toHaveLength(100);
    expect(w.name.endsWith('…')).toBe(true);
  });

  it('milestones on the same date keep the plan order', async () => {
    const { taskIds } = await fromPlan(await newPlan(), {
      milestones: [
        { name: 'B', date: '2025-05-01' },
        { name: 'A', date: '2025-05-01' },
        { name: 'first', date: '2025-04-01' },
      ],
    });
    const names = (await ok(t, 'GET', `/workflows/${(await ok(t, 'GET', `/tasks/${taskIds[0]}`)).workflowId}/tasks`)).items.map((x: { name: string }) => x.name);
    expect(names).toEqual(['first', 'B', 'A']);
  });

  it('refuses bad input and writes nothing', async () => {
    const planId = await newPlan();
    const idle = await newAssistant(t, 'Idle planner', false);
    const before = await writes();
    const failures: Array<[Partial<Parameters<typeof createWorkflowFromPlan>[1]>, number, string]> = [
      [{ milestones: [{ name: 'ok', date: '2025-03-01' }, { name: '最後', date: '4月1日' }] }, 400, 'Milestone 2 "最後": milestone date must be an ISO 8601 date'],
      [{ milestones: [{ name: '  ', date: '2025-03-01' }] }, 400, 'Milestone 1 has no name'],
      [{ title: '   ' }, 400, 'no title'],
      [{ assistantId: idle }, 409, 'is not active'],
      [{ assistantId: 999999 }, 400, 'assistantId 999999 does not exist'],
      [{ planId: 999999 }, 404, 'Plan 999999 not found'],
    ];
    for (const [over, status, message] of failures) {
      const e = await fromPlan(planId, over).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e, JSON.stringify(over)).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(status);
      expect((e as ApiError).message).toContain(message);
    }
    expect(await writes()).toEqual(before);
    const [plan] = await t.database.db.select({ workflowId: plans.workflowId }).from(plans).where(eq(plans.id, planId));
    expect(plan!.workflowId).toBeNull();
  });

  it('a plan gets one workflow: a second call is refused and rolled back', async () => {
    const planId = await newPlan();
    const { workflowId } = await fromPlan(planId);
    const before = await writes();
    const again = await fromPlan(planId).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ApiError);
    expect((again as ApiError).status).toBe(409);
    expect((again as ApiError).message).toBe(`Plan ${planId} already has workflow ${workflowId}`);
    expect(await writes()).toEqual(before);
    // Once that workflow is deleted, the plan can get a new one.
    expect((await t.request('DELETE', api(`/workflows/${workflowId}`))).status).toBe(204);
    const next = await fromPlan(planId);
    expect(next.workflowId).not.toBe(workflowId);
  });
});
