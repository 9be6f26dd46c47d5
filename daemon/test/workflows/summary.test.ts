/** workflow_summary through the API: its values after changes, and one refresh per burst of changes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshWorkflowSummary } from '../../src/db/database';
import { SummaryRefresher } from '../../src/workflows/summary-refresher';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { api, newTask, newWorkflow, ok } from './helpers';

describe.each(testDatabaseTargets())('workflow_summary on $kind', (target) => {
  let t: TestApp;
  let refreshes = 0;
  let summary: SummaryRefresher;
  beforeAll(async () => {
    const database = await target.open();
    // The timer never fires within a test (one hour): every refresh here is one a read asked for.
    summary = new SummaryRefresher(
      async () => {
        refreshes++;
        await refreshWorkflowSummary(database.db);
      },
      { delayMs: 3_600_000, onError: (e) => console.error(e) },
    );
    t = await createTestApp(database, undefined, { workflowSummary: summary });
  });
  afterAll(async () => {
    await summary?.close();
    await t?.dispose();
  });

  it('counts tasks, completed tasks and mean actual hours, following every change', async () => {
    const w = await newWorkflow(t, 'active', '集計');
    expect(await ok(t, 'GET', `/workflows/${w.id}/summary`)).toEqual({ workflowId: w.id, name: '集計', status: 'active', totalTasks: 0, completedTasks: 0, avgTaskHours: null });

    const a = await newTask(t, w.id, 'completed', null, { actualHours: 2 });
    await newTask(t, w.id, 'completed', null, { actualHours: 3 });
    const open = await newTask(t, w.id, 'pending', null);
    expect(await ok(t, 'GET', `/workflows/${w.id}/summary`)).toMatchObject({ totalTasks: 3, completedTasks: 2, avgTaskHours: 2.5 });

    await ok(t, 'PATCH', `/tasks/${a.id}`, { actualHours: 4.5 });
    await ok(t, 'PATCH', `/tasks/${open.id}`, { actualHours: 0.75 });
    expect(await ok(t, 'GET', `/workflows/${w.id}/summary`)).toMatchObject({ totalTasks: 3, completedTasks: 2, avgTaskHours: 2.75 });

    // A deleted task no longer counts (drizzle/0007).
    expect((await t.request('DELETE', api(`/tasks/${open.id}`))).status).toBe(204);
    expect(await ok(t, 'GET', `/workflows/${w.id}/summary`)).toMatchObject({ totalTasks: 2, completedTasks: 2, avgTaskHours: 3.75 });

    await ok(t, 'PATCH', `/workflows/${w.id}`, { name: '集計（改）' });
    await ok(t, 'POST', `/workflows/${w.id}/transition`, { action: 'complete' });
    expect(await ok(t, 'GET', `/workflows/${w.id}/summary`)).toMatchObject({ name: '集計（改）', status: 'completed' });
  });

  it('a burst of task edits costs one refresh, paid by the next read', async () => {
    const w = await newWorkflow(t, 'active');
    const task = await newTask(t, w.id, 'pending', null);
    await ok(t, 'GET', `/workflows/${w.id}/summary`);
    const before = refreshes;
    for (let i = 1; i <= 10; i++) await ok(t, 'PATCH', `/tasks/${task.id}`, { actualHours: i });
    expect(refreshes).toBe(before);
    expect(await ok(t, 'GET', `/workflows/${w.id}/summary`)).toMatchObject({ totalTasks: 1, avgTaskHours: 10 });
    expect(refreshes).toBe(before + 1);
    await ok(t, 'GET', `/workflows/${w.id}/summary`);
    await ok(t, 'GET', '/workflows/summaries');
    expect(refreshes).toBe(before + 1);
  });

  it('lists summaries of live workflows, by status', async () => {
    const paused = await newWorkflow(t, 'paused');
    const gone = await newWorkflow(t, 'paused');
    expect((await t.request('DELETE', api(`/workflows/${gone.id}`))).status).toBe(204);
    const list = await ok(t, 'GET', '/workflows/summaries?status=paused&limit=500');
    expect(list.items.map((s: { workflowId: number }) => s.workflowId)).toEqual([paused.id]);
    expect(list.total).toBe(1);
    expect((await t.json('GET', api(`/workflows/${gone.id}/summary`))).status).toBe(404);
    const all = await ok(t, 'GET', '/workflows/summaries?limit=500');
    expect(all.items.map((s: { workflowId: number }) => s.workflowId)).not.toContain(gone.id);
    expect((await t.json('GET', api('/workflows/summaries?status=lost'))).status).toBe(400);
  });
});
