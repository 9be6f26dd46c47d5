/** Tasks through the HTTP API on every database target: fields, every (state, action) pair, assignment, history, dependencies. */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_ACTIONS, taskSchema, type TaskApi } from '../../../shared/contracts/workflows';
import { aiAssistants, taskHistory, tasks } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { api, historyOf, newAssistant, newTask, newWorkflow, ok } from './helpers';
import { TASK_STATES, taskAllowed, taskNext } from './spec';

describe.each(testDatabaseTargets())('tasks on $kind', (target) => {
  let t: TestApp;
  let alice: number;
  let bob: number;
  beforeAll(async () => {
    t = await createTestApp(await target.open());
    alice = await newAssistant(t, 'Alice');
    bob = await newAssistant(t, 'Bob');
  });
  afterAll(async () => t?.dispose());

  it('create, read, change and list with filters', async () => {
    const w = await newWorkflow(t, 'active');
    const created = taskSchema.parse(
      await ok(
        t,
        'POST',
        `/workflows/${w.id}/tasks`,
        { name: '見積もりを取る', description: '三社から', taskType: 'research', priority: 'high', dueDate: '2025-04-01', estimatedHours: 1.5, assignedAssistantId: alice },
        201,
      ),
    );
    expect(created).toMatchObject({
      workflowId: w.id,
      name: '見積もりを取る',
      description: '三社から',
      taskType: 'research',
      status: 'assigned',
      priority: 'high',
      assignedAssistantId: alice,
      estimatedHours: 1.5,
      actualHours: null,
      dependencies: [],
      dueDate: '2025-04-01T00:00:00.000Z',
      allowedActions: ['assign', 'unassign', 'start', 'cancel'],
    });
    expect(await ok(t, 'GET', `/tasks/${created.id}`)).toEqual(created);
    const later = await ok(t, 'POST', `/workflows/${w.id}/tasks`, { name: 'later', dueDate: '2025-06-01T09:00:00+09:00', priority: 'low' }, 201);
    expect(later).toMatchObject({ dueDate: '2025-06-01T00:00:00.000Z', status: 'pending', taskType: 'general', priority: 'low' });

    const changed = await ok(t, 'PATCH', `/tasks/${created.id}`, { actualHours: 2.25, dueDate: null, description: null });
    expect(changed).toMatchObject({ actualHours: 2.25, dueDate: null, description: null, estimatedHours: 1.5 });

    const ids = (body: { items: TaskApi[] }) => body.items.map((x) => x.id);
    expect(ids(await ok(t, 'GET', `/workflows/${w.id}/tasks`))).toEqual([created.id, later.id]);
    expect(ids(await ok(t, 'GET', `/workflows/${w.id}/tasks?priority=low`))).toEqual([later.id]);
    expect(ids(await ok(t, 'GET', `/workflows/${w.id}/tasks?status=assigned`))).toEqual([created.id]);
    expect(ids(await ok(t, 'GET', `/tasks?assignedAssistantId=${alice}&workflowId=${w.id}`))).toEqual([created.id]);
    expect(ids(await ok(t, 'GET', `/tasks?workflowId=${w.id}&dueBefore=2025-07-01`))).toEqual([later.id]);
    expect(ids(await ok(t, 'GET', `/tasks?workflowId=${w.id}&dueBefore=2025-05-31T23:59:59Z`))).toEqual([]);
    const all = await ok(t, 'GET', `/tasks?workflowId=${w.id}&limit=1&offset=1`);
    expect(all).toMatchObject({ total: 2, items: [expect.objectContaining({ id: later.id })] });
  });

  describe('every (state, action) pair', () => {
    for (const [status, assigned] of TASK_STATES) {
      for (const action of TASK_ACTIONS) {
        const expected = taskNext(status, assigned, action);
        it(`${status}${assigned ? ' (assigned)' : ''} + ${action} → ${expected ?? '409'}`, async () => {
          const w = await newWorkflow(t, 'active');
          let task = await newTask(t, w.id, status, assigned ? alice : null);
          if (status === 'in_progress' && !assigned) expect(task.assignedAssistantId).toBeNull();
          expect([...task.allowedActions].sort()).toEqual([...taskAllowed(status, assigned)].sort());
          const before = (await historyOf(t, task.id)).length;
          const res =
            action === 'assign' || action === 'unassign'
              ? await t.json('PUT', api(`/tasks/${task.id}/assignee`), { body: { assistantId: action === 'assign' ? bob : null } })
              : await t.json('POST', api(`/tasks/${task.id}/transition`), { body: { action } });
          const history = await historyOf(t, task.id);
          if (expected) {
            expect(res.status).toBe(200);
            task = res.body;
            expect(task.status).toBe(expected);
            if (action === 'assign') expect(task.assignedAssistantId).toBe(bob);
            if (action === 'unassign') expect(task.assignedAssistantId).toBeNull();
            const written = history.slice(before);
            const statusRow = written.find((h) => h.action === 'status_changed');
            if (expected !== status) expect(statusRow).toMatchObject({ oldValue: status, newValue: expected });
            else expect(statusRow).toBeUndefined();
            if (action === 'assign') expect(written[0]).toMatchObject({ action: 'assigned', oldValue: assigned ? String(alice) : null, newValue: String(bob) });
            if (action === 'unassign') expect(written[0]).toMatchObject({ action: 'unassigned', oldValue: String(alice), newValue: null });
          } else {
            expect(res.status).toBe(409);
            expect(res.body.error.code).toBe('illegal_transition');
            expect(res.body.error.message).toContain(`is ${status}`);
            expect([...res.body.error.details.allowed].sort()).toEqual([...taskAllowed(status, assigned)].sort());
            expect(history).toHaveLength(before);
            expect((await ok(t, 'GET', `/tasks/${task.id}`)).status).toBe(status);
          }
        });
      }
    }
  });

  it('start sets startedAt, complete sets completedAt', async () => {
    const w = await newWorkflow(t, 'active');
    const started = await newTask(t, w.id, 'in_progress', null);
    expect(started.startedAt).not.toBeNull();
    expect(started.completedAt).toBeNull();
    const done = await ok(t, 'POST', `/tasks/${started.id}/transition`, { action: 'complete' });
    expect(done.startedAt).toBe(started.startedAt);
    expect(Date.parse(done.completedAt)).toBeGreaterThanOrEqual(Date.parse(started.startedAt!));
  });

  describe('assignment', () => {
    it('refuses unknown, deleted and inactive assistants, changing nothing', async () => {
      const w = await newWorkflow(t, 'active');
      const task = await newTask(t, w.id, 'pending', null);
      const idle = await newAssistant(t, 'Idle', false);
      const gone = await newAssistant(t, 'Gone');
      await t.database.db.update(aiAssistants).set({ deletedAt: sql`now()` }).where(eq(aiAssistants.id, gone));
      const unknown = await t.json('PUT', api(`/tasks/${task.id}/assignee`), { body: { assistantId: 999999 } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('assistantId 999999 does not exist');
      expect((await t.json('PUT', api(`/tasks/${task.id}/assignee`), { body: { assistantId: gone } })).status).toBe(400);
      const inactive = await t.json('PUT', api(`/tasks/${task.id}/assignee`), { body: { assistantId: idle } });
      expect(inactive.status).toBe(409);
      expect(inactive.body.error.code).toBe('assistant_inactive');
      expect(inactive.body.error.message).toContain('"Idle" is not active');
      const onCreate = await t.json('POST', api(`/workflows/${w.id}/tasks`), { body: { name: 'for idle', assignedAssistantId: idle } });
      expect(onCreate.status).toBe(409);
      expect(await ok(t, 'GET', `/tasks/${task.id}`)).toMatchObject({ status: 'pending', assignedAssistantId: null });
      expect((await historyOf(t, task.id)).map((h) => h.action)).toEqual(['created']);
      expect((await ok(t, 'GET', `/workflows/${w.id}/tasks`)).items.map((x: TaskApi) => x.name)).toEqual(['task pending']);
    });

    it('assigning the current assignee again changes nothing', async () => {
      const w = await newWorkflow(t, 'active');
      const task = await newTask(t, w.id, 'assigned', alice);
      const again = await ok(t, 'PUT', `/tasks/${task.id}/assignee`, { assistantId: alice });
      expect(again.updatedAt).toBe(task.updatedAt);
      expect((await historyOf(t, task.id)).map((h) => h.action)).toEqual(['created']);
    });
  });

  it('task history: one entry per change, with old and new values, who and why', async () => {
    const w = await newWorkflow(t, 'active');
    const dep = await newTask(t, w.id, 'pending', null);
    const task = await ok(
      t,
      'POST',
      `/workflows/${w.id}/tasks`,
      { name: '原稿', priority: 'low', estimatedHours: 3, dueDate: '2025-05-01', dependencies: [dep.id], reason: '計画から' },
      201,
    );
    await ok(t, 'PATCH', `/tasks/${task.id}`, {
      name: '原稿を書く',
      description: '第一章',
      taskType: 'writing',
      priority: 'urgent',
      dueDate: '2025-05-02T12:00:00+09:00',
      estimatedHours: 4.5,
      actualHours: 0.25,
      reason: 'scope grew',
    });
    // Sending the current values again writes nothing.
    const same = await ok(t, 'PATCH', `/tasks/${task.id}`, { name: '原稿を書く', priority: 'urgent', estimatedHours: 4.5 });
    await ok(t, 'PUT', `/tasks/${task.id}/assignee`, { assistantId: alice, reason: 'Alice writes' });
    await ok(t, 'PUT', `/tasks/${task.id}/assignee`, { assistantId: bob });
    await ok(t, 'PUT', `/tasks/${task.id}/assignee`, { assistantId: null });
    await ok(t, 'DELETE', `/tasks/${task.id}/dependencies/${dep.id}?reason=no%20longer%20needed`);
    await ok(t, 'POST', `/tasks/${task.id}/dependencies`, { dependsOnTaskId: dep.id });
    await ok(t, 'POST', `/tasks/${dep.id}/transition`, { action: 'cancel' });
    await ok(t, 'POST', `/tasks/${task.id}/transition`, { action: 'start', reason: 'go' });
    await ok(t, 'POST', `/tasks/${task.id}/transition`, { action: 'complete' });
    // Completed tasks can still have their hours corrected.
    await ok(t, 'PATCH', `/tasks/${task.id}`, { actualHours: 5 });
    await ok(t, 'DELETE', `/tasks/${task.id}/dependencies/${dep.id}`);
    expect((await t.request('DELETE', api(`/tasks/${task.id}?reason=duplicate`))).status).toBe(204);

    const rows = await t.database.db.select().from(taskHistory).where(eq(taskHistory.taskId, task.id)).orderBy(taskHistory.id);
    const seen = rows.map((h) => [h.action, h.oldValue, h.newValue, h.changeReason]);
    const created = JSON.parse(rows[0]!.newValue!);
    expect(created).toEqual({
      name: '原稿',
      status: 'pending',
      priority: 'low',
      taskType: 'general',
      assignedAssistantId: null,
      dueDate: '2025-05-01T00:00:00.000Z',
      estimatedHours: 3,
      actualHours: null,
      dependencies: [dep.id],
    });
    expect(seen).toEqual([
      ['created', null, rows[0]!.newValue, '計画から'],
      ['name_changed', '原稿', '原稿を書く', 'scope grew'],
      ['description_changed', null, '第一章', 'scope grew'],
      ['task_type_changed', 'general', 'writing', 'scope grew'],
      ['priority_changed', 'low', 'urgent', 'scope grew'],
      ['due_date_changed', '2025-05-01T00:00:00.000Z', '2025-05-02T03:00:00.000Z', 'scope grew'],
      ['estimated_hours_changed', '3', '4.5', 'scope grew'],
      ['actual_hours_changed', null, '0.25', 'scope grew'],
      ['assigned', null, String(alice), 'Alice writes'],
      ['status_changed', 'pending', 'assigned', 'Alice writes'],
      ['assigned', String(alice), String(bob), null],
      ['unassigned', String(bob), null, null],
      ['status_changed', 'assigned', 'pending', null],
      ['dependency_removed', String(dep.id), null, 'no longer needed'],
      ['dependency_added', null, String(dep.id), null],
      ['status_changed', 'pending', 'in_progress', 'go'],
      ['status_changed', 'in_progress', 'completed', null],
      ['actual_hours_changed', '0.25', '5', null],
      ['dependency_removed', String(dep.id), null, null],
      ['deleted', 'completed', null, 'duplicate'],
    ]);
    expect(rows.every((h) => h.changedBy === t.localUserId)).toBe(true);
    expect(same.name).toBe('原稿を書く');
    // The history of a deleted task stays in the database; the API no longer serves the task.
    expect((await t.json('GET', api(`/tasks/${task.id}/history`))).status).toBe(404);
    const served = await ok(t, 'GET', `/tasks/${dep.id}/history?limit=1&offset=1`);
    expect(served).toMatchObject({ total: 2, items: [expect.objectContaining({ action: 'status_changed', newValue: 'cancelled' })] });
  });

  describe('dependencies', () => {
    async function chain(n: number) {
      const w = await newWorkflow(t, 'active');
      const list: TaskApi[] = [];
      for (let i = 0; i < n; i++) list.push(await ok(t, 'POST', `/workflows/${w.id}/tasks`, { name: `step ${i + 1}` }, 201));
      return { w, ids: list.map((x) => x.id) };
    }
    const depend = (id: number, on: number) => t.json('POST', api(`/tasks/${id}/dependencies`), { body: { dependsOnTaskId: on } });

    it('refuses a direct cycle, naming it', async () => {
      const { ids: [a, b] } = await chain(2);
      expect((await depend(b!, a!)).status).toBe(200);
      const res = await depend(a!, b!);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('dependency_cycle');
      expect(res.body.error.details.cycle).toEqual([a, b, a]);
      expect(res.body.error.message).toContain(`${a} → ${b} → ${a}`);
      expect((await ok(t, 'GET', `/tasks/${a}`)).dependencies).toEqual([]);
      expect((await historyOf(t, a!)).map((h) => h.action)).toEqual(['created']);
    });

    it('refuses an indirect cycle, naming the whole path', async () => {
      const { ids: [a, b, c, d] } = await chain(4);
      await depend(b!, a!);
      await depend(c!, b!);
      await depend(d!, c!);
      const res = await depend(a!, d!);
      expect(res.status).toBe(409);
      expect(res.body.error.details.cycle).toEqual([a, d, c, b, a]);
      expect(res.body.error.message).toContain(`${a} → ${d} → ${c} → ${b} → ${a}`);
      expect((await ok(t, 'GET', `/tasks/${d}`)).dependencies).toEqual([c]);
    });

    it('refuses self, foreign, unknown and repeated dependencies', async () => {
      const { w, ids: [a, b] } = await chain(2);
      const other = await newWorkflow(t, 'active', 'other');
      const foreign = await ok(t, 'POST', `/workflows/${other.id}/tasks`, { name: 'elsewhere' }, 201);
      const self = await depend(a!, a!);
      expect(self.status).toBe(400);
      expect(self.body.error.code).toBe('self_dependency');
      const cross = await depend(a!, foreign.id);
      expect(cross.status).toBe(400);
      expect(cross.body.error.code).toBe('foreign_task');
      expect(cross.body.error.message).toContain(`belongs to workflow ${other.id}`);
      expect((await depend(a!, 999999)).status).toBe(400);
      await depend(a!, b!);
      const again = await depend(a!, b!);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('dependency_exists');
      // On create: a foreign dependency among valid ones writes nothing.
      const before = (await ok(t, 'GET', `/workflows/${w.id}/tasks`)).total;
      const create = await t.json('POST', api(`/workflows/${w.id}/tasks`), { body: { name: 'mixed', dependencies: [a, foreign.id] } });
      expect(create.status).toBe(400);
      expect((await ok(t, 'GET', `/workflows/${w.id}/tasks`)).total).toBe(before);
      expect((await t.json('DELETE', api(`/tasks/${a}/dependencies/${foreign.id}`))).status).toBe(404);
    });

    it('an open dependency blocks start; a closed one does not', async () => {
      const { ids: [a, b] } = await chain(2);
      await depend(b!, a!);
      const blocked = await t.json('POST', api(`/tasks/${b}/transition`), { body: { action: 'start' } });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.code).toBe('task_blocked');
      expect(blocked.body.error.details.blockingTaskIds).toEqual([a]);
      expect(blocked.body.error.message).toContain(`${a} "step 1" (pending)`);
      await ok(t, 'POST', `/tasks/${a}/transition`, { action: 'start' });
      await ok(t, 'POST', `/tasks/${a}/transition`, { action: 'complete' });
      expect((await ok(t, 'POST', `/tasks/${b}/transition`, { action: 'start' })).status).toBe('in_progress');
    });

    it('a task others depend on cannot be deleted until they stop', async () => {
      const { ids: [a, b] } = await chain(2);
      await depend(b!, a!);
      const refused = await t.json('DELETE', api(`/tasks/${a}`));
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('task_has_dependents');
      expect(refused.body.error.details.dependentTaskIds).toEqual([b]);
      await ok(t, 'DELETE', `/tasks/${b}/dependencies/${a}`);
      expect((await t.request('DELETE', api(`/tasks/${a}`))).status).toBe(204);
      expect((await t.json('GET', api(`/tasks/${a}`))).status).toBe(404);
    });

    it.runIf(target.kind === 'postgres')('the cycle check waits for a writer holding the workflow, then sees its edge', async () => {
      const { w, ids: [a, b] } = await chain(2);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      // Another writer: holds the workflow lock and has stored "a depends on b", not yet committed.
      const writer = t.database.db.transaction(async (tx) => {
        await tx.execute(sql`select id from workflows where id = ${w.id} for update`);
        await tx.update(tasks).set({ dependencies: [String(b)] }).where(eq(tasks.id, a!));
        locked();
        await released;
      });
      await holding;
      const request = depend(b!, a!);
      // Until the writer commits, the request must be waiting for the lock (not checking a stale graph).
      for (;;) {
        const res = (await t.database.db.execute(
          sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )) as unknown as { rows: Array<{ n: number }> };
        if (res.rows[0]!.n > 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      release();
      await writer;
      const res = await request;
      expect(res.status).toBe(409);
      expect(res.body.error.details.cycle).toEqual([b, a, b]);
      expect((await ok(t, 'GET', `/tasks/${b}`)).dependencies).toEqual([]);
    });

    it('concurrent attempts to close a cycle: exactly one edge of each pair is stored', async () => {
      for (let round = 0; round < 5; round++) {
        const { ids: [a, b] } = await chain(2);
        const [ab, ba] = await Promise.all([depend(a!, b!), depend(b!, a!)]);
        expect([ab.status, ba.status].sort()).toEqual([200, 409]);
        const loser = ab.status === 409 ? ab : ba;
        expect(loser.body.error.code).toBe('dependency_cycle');
        const stored = await t.database.db.select({ id: tasks.id, deps: tasks.dependencies }).from(tasks).where(sql`${tasks.id} in (${a}, ${b})`);
        expect(stored.filter((r) => (r.deps ?? []).length > 0)).toHaveLength(1);
      }
      // Three tasks, three edges of a triangle at once: the last one to commit must be refused.
      const { ids: [a, b, c] } = await chain(3);
      const results = await Promise.all([depend(a!, b!), depend(b!, c!), depend(c!, a!)]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
      expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(['dependency_cycle']);
    });
  });

  it('optimistic concurrency on tasks', async () => {
    const w = await newWorkflow(t, 'active');
    const task = await newTask(t, w.id, 'pending', null);
    const moved = await ok(t, 'PATCH', `/tasks/${task.id}`, { priority: 'high', expectedUpdatedAt: task.updatedAt });
    for (const [method, path, body] of [
      ['PATCH', `/tasks/${task.id}`, { priority: 'low' }],
      ['POST', `/tasks/${task.id}/transition`, { action: 'start' }],
      ['PUT', `/tasks/${task.id}/assignee`, { assistantId: alice }],
      ['POST', `/tasks/${task.id}/dependencies`, { dependsOnTaskId: (await newTask(t, w.id, 'pending', null)).id }],
    ] as const) {
      const res = await t.json(method, api(path), { body: { ...body, expectedUpdatedAt: task.updatedAt } });
      expect(res.status, path).toBe(409);
      expect(res.body.error.code).toBe('stale_update');
      expect(res.body.error.details.updatedAt).toBe(moved.updatedAt);
    }
    expect(await ok(t, 'GET', `/tasks/${task.id}`)).toEqual(moved);
  });

  it('bad input gets a 4xx saying what to fix, and writes nothing', async () => {
    const w = await newWorkflow(t, 'active');
    const task = await newTask(t, w.id, 'pending', null);
    const count = async () => {
      const [n] = await t.database.db.select({ tasks: sql<number>`(select count(*) from tasks)::int`, history: sql<number>`(select count(*) from task_history)::int` }).from(sql`(select 1) x`);
      return n;
    };
    const before = await count();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', priority: 'critical' }, 400, 'priority must be one of low, medium, high, urgent'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', estimatedHours: -1 }, 400, 'estimatedHours must not be negative'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', actualHours: 1000 }, 400, 'actualHours must be at most 999.99'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', estimatedHours: 1.005 }, 400, 'at most two decimals'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', dueDate: 'next Tuesday' }, 400, 'dueDate must be an ISO 8601 date'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', dueDate: '2025/04/01' }, 400, 'dueDate must be an ISO 8601 date'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', dueDate: '2025-13-01' }, 400, 'dueDate must be an ISO 8601 date'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', description: 'あ'.repeat(10_001) }, 400, 'description must be at most 10000 characters'],
      ['POST', `/workflows/${w.id}/tasks`, { name: '' }, 400, 'name must not be empty'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', dependencies: [task.id, task.id] }, 400, 'dependencies must not repeat a task'],
      ['POST', `/workflows/${w.id}/tasks`, { name: 'x', status: 'completed' }, 400, 'Unrecognized key'],
      ['PATCH', `/tasks/${task.id}`, {}, 400, 'send at least one field to change'],
      ['PATCH', `/tasks/${task.id}`, { reason: 'only a reason' }, 400, 'send at least one field to change'],
      ['PATCH', `/tasks/${task.id}`, { actualHours: -0.5 }, 400, 'actualHours must not be negative'],
      ['POST', `/tasks/${task.id}/transition`, { action: 'finish' }, 400, 'action must be one of start, complete, cancel'],
      ['POST', `/tasks/${task.id}/transition`, { action: 'assign' }, 400, 'action must be one of start, complete, cancel'],
      ['POST', `/workflows/${w.id}/transition`, { action: 'archive' }, 400, 'action must be one of activate, pause, resume, complete, cancel'],
      ['POST', '/workflows', { name: 'x', priority: 'asap' }, 400, 'priority must be one of'],
      ['POST', '/workflows', { name: 'x', description: 'x'.repeat(10_001) }, 400, 'description must be at most 10000 characters'],
      ['GET', '/tasks?status=done', undefined, 400, 'status must be one of pending, assigned, in_progress, completed, cancelled'],
      ['GET', '/workflows?status=open', undefined, 400, 'status must be one of draft, active, paused, completed, cancelled'],
      ['GET', '/tasks?dueBefore=soon', undefined, 400, 'dueBefore must be an ISO 8601 date'],
      ['PUT', `/tasks/${task.id}/assignee`, { assistantId: 'alice' }, 400, 'assistantId'],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await t.json(method, api(path), body === undefined ? {} : { body });
      expect(res.status, `${method} ${path} ${String(JSON.stringify(body)).slice(0, 80)}`).toBe(status);
      expect(res.body.error.message).toContain(message);
    }
    // A 1 MB description is refused before it is read.
    const huge = await t.json('POST', api(`/workflows/${w.id}/tasks`), { body: { name: 'huge', description: 'x'.repeat(1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect(await count()).toEqual(before);
    expect(await ok(t, 'GET', `/tasks/${task.id}`)).toEqual(task);
  });

  it('a task that does not exist answers 404 everywhere', async () => {
    for (const [method, path, body] of [
      ['GET', '/tasks/999999', undefined],
      ['PATCH', '/tasks/999999', { name: 'x' }],
      ['DELETE', '/tasks/999999', undefined],
      ['POST', '/tasks/999999/transition', { action: 'start' }],
      ['PUT', '/tasks/999999/assignee', { assistantId: null }],
      ['POST', '/tasks/999999/dependencies', { dependsOnTaskId: 1 }],
      ['GET', '/tasks/999999/history', undefined],
      ['POST', '/workflows/999999/tasks', { name: 'x' }],
    ] as const) {
      const res = await t.json(method, api(path), body === undefined ? {} : { body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});
