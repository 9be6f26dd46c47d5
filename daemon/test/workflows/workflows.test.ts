/** Workflows through the HTTP API on every database target: CRUD, filters, every (status, action) pair, concurrency. */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_ACTIONS, WORKFLOW_STATUSES, workflowSchema } from '../../../shared/contracts/workflows';
import { taskHistory, tasks, workflows } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { api, historyOf, newAssistant, newTask, newWorkflow, ok } from './helpers';
import { workflowAllowed, workflowNext } from './spec';

describe.each(testDatabaseTargets())('workflows on $kind', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await target.open());
  });
  afterAll(async () => t?.dispose());

  it('create, read, change and list with filters', async () => {
    const team = await ok(t, 'POST', '/teams', { name: 'Planning' }, 201);
    const created = workflowSchema.parse(
      await ok(t, 'POST', '/workflows', { name: '引っ越し準備', description: '新居への移動', workflowType: 'personal', priority: 'high', assignedTeamId: team.id, estimatedDurationHours: 12.5, metadata: { source: 'test' } }, 201),
    );
    expect(created).toMatchObject({
      name: '引っ越し準備',
      description: '新居への移動',
      workflowType: 'personal',
      status: 'draft',
      priority: 'high',
      createdBy: t.localUserId,
      assignedTeamId: team.id,
      estimatedDurationHours: 12.5,
      actualDurationHours: null,
      startedAt: null,
      metadata: { source: 'test' },
      planId: null,
      allowedActions: ['activate', 'cancel'],
    });
    expect(created.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(await ok(t, 'GET', `/workflows/${created.id}`)).toEqual(created);

    const changed = await ok(t, 'PATCH', `/workflows/${created.id}`, { priority: 'urgent', assignedTeamId: null, estimatedDurationHours: null });
    expect(changed).toMatchObject({ priority: 'urgent', assignedTeamId: null, estimatedDurationHours: null, name: '引っ越し準備' });

    const other = await newWorkflow(t, 'active', 'Other');
    const urgent = await ok(t, 'GET', '/workflows?priority=urgent');
    expect(urgent.items.map((w: { id: number }) => w.id)).toContain(created.id);
    expect(urgent.items.every((w: { priority: string }) => w.priority === 'urgent')).toBe(true);
    const active = await ok(t, 'GET', '/workflows?status=active');
    expect(active.items.map((w: { id: number }) => w.id)).toContain(other.id);
    expect(active.items.map((w: { id: number }) => w.id)).not.toContain(created.id);
    expect((await ok(t, 'GET', '/workflows?workflowType=personal')).items.map((w: { id: number }) => w.id)).toEqual([created.id]);
    await ok(t, 'PATCH', `/workflows/${other.id}`, { assignedTeamId: team.id });
    expect((await ok(t, 'GET', `/workflows?assignedTeamId=${team.id}`)).items.map((w: { id: number }) => w.id)).toEqual([other.id]);
    const page = await ok(t, 'GET', '/workflows?limit=1');
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.items[0].id).toBe(Math.max(created.id, other.id)); // newest first
  });

  describe('every (status, action) pair', () => {
    for (const status of WORKFLOW_STATUSES) {
      for (const action of WORKFLOW_ACTIONS) {
        const expected = workflowNext(status, action);
        it(`${status} + ${action} → ${expected ?? '409'}`, async () => {
          const w = await newWorkflow(t, status);
          const res = await t.json('POST', api(`/workflows/${w.id}/transition`), { body: { action } });
          if (expected) {
            expect(res.status).toBe(200);
            expect(res.body.status).toBe(expected);
            expect(res.body.allowedActions).toEqual(workflowAllowed(expected));
          } else {
            expect(res.status).toBe(409);
            expect(res.body.error.code).toBe('illegal_transition');
            expect(res.body.error.message).toContain(`is ${status}`);
            expect(res.body.error.details).toEqual({ status, action, allowed: workflowAllowed(status) });
            for (const allowed of workflowAllowed(status)) expect(res.body.error.message).toContain(allowed);
            expect((await ok(t, 'GET', `/workflows/${w.id}`)).status).toBe(status);
          }
        });
      }
    }
  });

  it('activate sets startedAt once; complete sets completedAt and the actual duration', async () => {
    const w = await newWorkflow(t, 'active');
    expect(w.startedAt).not.toBeNull();
    const paused = await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'pause' });
    const resumed = await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'resume' });
    expect(paused.startedAt).toBe(w.startedAt);
    expect(resumed.startedAt).toBe(w.startedAt);
    const done = await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'complete' });
    expect(done.completedAt).not.toBeNull();
    expect(Date.parse(done.completedAt)).toBeGreaterThanOrEqual(Date.parse(w.startedAt!));
    expect(done.actualDurationHours).toBeGreaterThanOrEqual(0);
    expect(done.actualDurationHours).toBeCloseTo((Date.parse(done.completedAt) - Date.parse(w.startedAt!)) / 3_600_000, 5);
  });

  it('complete is refused while a task is open, naming it', async () => {
    const w = await newWorkflow(t, 'active');
    const open = await newTask(t, w.id, 'pending', null);
    const closed = await newTask(t, w.id, 'completed', null);
    const res = await t.json('POST', api(`/workflows/${w.id}/transition`), { body: { action: 'complete' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('workflow_has_open_tasks');
    expect(res.body.error.details.openTaskIds).toEqual([open.id]);
    expect(res.body.error.message).toContain(`${open.id} "task pending" (pending)`);
    await ok(t, 'POST', `/tasks/${open.id}/transition`, { action: 'cancel' });
    expect((await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'complete' })).status).toBe('completed');
    expect((await ok(t, 'GET', `/tasks/${closed.id}`)).status).toBe('completed');
  });

  it('cancel closes every open task, each with a history entry giving the reason', async () => {
    const w = await newWorkflow(t, 'active');
    const a = await newAssistant(t, 'Canceller');
    const pending = await newTask(t, w.id, 'pending', null);
    const working = await newTask(t, w.id, 'in_progress', a);
    const done = await newTask(t, w.id, 'completed', null);
    const res = await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'cancel', reason: '予算がなくなった' });
    expect(res.status).toBe('cancelled');
    expect((await ok(t, 'GET', `/tasks/${pending.id}`)).status).toBe('cancelled');
    expect((await ok(t, 'GET', `/tasks/${working.id}`)).status).toBe('cancelled');
    expect((await ok(t, 'GET', `/tasks/${done.id}`)).status).toBe('completed');
    const last = (await historyOf(t, working.id)).at(-1)!;
    expect(last).toMatchObject({ action: 'status_changed', oldValue: 'in_progress', newValue: 'cancelled', changedBy: t.localUserId });
    expect(last.reason).toBe(`workflow ${w.id} cancelled: 予算がなくなった`);
    expect((await historyOf(t, done.id)).map((h) => h.action)).toEqual(['created', 'status_changed', 'status_changed']);
  });

  it('a closed workflow and its tasks refuse every change', async () => {
    for (const status of ['completed', 'cancelled'] as const) {
      const w = await newWorkflow(t, status);
      const patch = await t.json('PATCH', api(`/workflows/${w.id}`), { body: { name: 'late' } });
      expect(patch.status).toBe(409);
      expect(patch.body.error.code).toBe('workflow_closed');
      const add = await t.json('POST', api(`/workflows/${w.id}/tasks`), { body: { name: 'late task' } });
      expect(add.status).toBe(409);
      expect(add.body.error.message).toContain(`is ${status}`);
    }
  });

  it('task status actions need an active workflow; cancel does not', async () => {
    const w = await newWorkflow(t, 'draft');
    const task = await ok(t, 'POST', `/workflows/${w.id}/tasks`, { name: 'early' }, 201);
    const start = await t.json('POST', api(`/tasks/${task.id}/transition`), { body: { action: 'start' } });
    expect(start.status).toBe(409);
    expect(start.body.error.code).toBe('workflow_not_active');
    expect(start.body.error.message).toContain('is draft');
    await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'activate' });
    await ok(t, 'POST', `/tasks/${task.id}/transition`, { action: 'start' });
    await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'pause' });
    const complete = await t.json('POST', api(`/tasks/${task.id}/transition`), { body: { action: 'complete' } });
    expect(complete.status).toBe(409);
    expect(complete.body.error.message).toContain('is paused');
    expect((await ok(t, 'POST', `/tasks/${task.id}/transition`, { action: 'cancel' })).status).toBe('cancelled');
  });

  it('optimistic concurrency: a change based on an old updatedAt is refused', async () => {
    const w = await newWorkflow(t, 'draft');
    const first = await ok(t, 'PATCH', `/workflows/${w.id}`, { name: 'first', expectedUpdatedAt: w.updatedAt });
    expect(first.updatedAt).not.toBe(w.updatedAt);
    const stale = await t.json('PATCH', api(`/workflows/${w.id}`), { body: { name: 'second', expectedUpdatedAt: w.updatedAt } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_update');
    expect(stale.body.error.details).toEqual({ expectedUpdatedAt: w.updatedAt, updatedAt: first.updatedAt });
    const staleAction = await t.json('POST', api(`/workflows/${w.id}/transition`), { body: { action: 'activate', expectedUpdatedAt: w.updatedAt } });
    expect(staleAction.status).toBe(409);
    expect((await ok(t, 'GET', `/workflows/${w.id}`)).name).toBe('first');
    expect((await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'activate', expectedUpdatedAt: first.updatedAt })).status).toBe('active');
  });

  it('two concurrent changes from the same version: exactly one succeeds', async () => {
    const w = await newWorkflow(t, 'active');
    const results = await Promise.all(
      ['pause', 'complete'].map((action) => t.json('POST', api(`/workflows/${w.id}/transition`), { body: { action, expectedUpdatedAt: w.updatedAt } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body;
    expect((await ok(t, 'GET', `/workflows/${w.id}`)).status).toBe(winner.status);
  });

  it('delete hides the workflow and its tasks and records each task deletion', async () => {
    const w = await newWorkflow(t, 'active');
    const task = await newTask(t, w.id, 'pending', null);
    expect((await t.request('DELETE', api(`/workflows/${w.id}`))).status).toBe(204);
    expect((await t.json('GET', api(`/workflows/${w.id}`))).status).toBe(404);
    expect((await t.json('GET', api(`/tasks/${task.id}`))).status).toBe(404);
    expect((await t.json('DELETE', api(`/workflows/${w.id}`))).status).toBe(404);
    const [row] = await t.database.db.select().from(tasks).where(eq(tasks.id, task.id));
    expect(row!.deletedAt).not.toBeNull();
    const deleted = await t.database.db.select().from(taskHistory).where(and(eq(taskHistory.taskId, task.id), eq(taskHistory.action, 'deleted')));
    expect(deleted).toEqual([expect.objectContaining({ oldValue: 'pending', changeReason: `workflow ${w.id} deleted` })]);
    expect((await ok(t, 'GET', '/workflows?limit=500')).items.map((x: { id: number }) => x.id)).not.toContain(w.id);
  });

  it('unknown workflows, teams and ids answer 404 / 400', async () => {
    expect((await t.json('GET', api('/workflows/999999'))).status).toBe(404);
    expect((await t.json('POST', api('/workflows/999999/transition'), { body: { action: 'activate' } })).status).toBe(404);
    expect((await t.json('GET', api('/workflows/999999/tasks'))).status).toBe(404);
    const team = await t.json('POST', api('/workflows'), { body: { name: 'x', assignedTeamId: 999999 } });
    expect(team.status).toBe(400);
    expect(team.body.error.message).toContain('assignedTeamId 999999 does not exist');
    expect((await t.json('GET', api('/workflows/abc'))).status).toBe(400);
    const rows = await t.database.db.select().from(workflows).where(eq(workflows.name, 'x'));
    expect(rows).toEqual([]);
  });
});
