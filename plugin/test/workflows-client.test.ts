/**
 * The workflow view's client against the real daemon app served over real HTTP on 127.0.0.1 (real
 * database on every target): a plan approved with its workflow as the approve form sends it, the
 * workflow and its tasks read back, the task changes the view makes (start, complete, the editor's
 * fields and assignee, dependencies), the answers it handles itself (409 stale_update and
 * illegal_transition, the cycle named by dependency_cycle), the summary counts and the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowSummaryRefresher, type SummaryRefresher } from '../../daemon/src/workflows/summary-refresher';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../../daemon/test/helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../../daemon/test/helpers/databases';
import { AssistantsApi } from '../src/daemon/assistants-client';
import { DaemonClient, DaemonError } from '../src/daemon/client';
import { PlansApi } from '../src/daemon/plans-client';
import { dependencyCycleOf, workflowConflictOf, WorkflowsApi } from '../src/daemon/workflows-client';
import type { TaskView } from '../src/daemon/workflows-schemas';
import { I18n } from '../src/i18n';
import { decisionRequest, emptyDecision } from '../src/views/plans/decision';
import { createBody, emptyPlanForm } from '../src/views/plans/form';
import { describeCycle, historyLines, taskButtons, taskChanges, taskForm, workflowButtons } from '../src/views/workflows/model';

const en = new I18n(() => 'en');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the daemon to refuse');
    },
    (e: unknown) => e,
  );
}

describe.each(testDatabaseTargets())('workflows client against the daemon on $kind', (target) => {
  let database: TestDatabase;
  let summary: SummaryRefresher;
  let daemon: ServedTestApp;
  let plans: PlansApi;
  let workflows: WorkflowsApi;
  let planner = 0;
  let researcher = 0;
  const refreshErrors: unknown[] = [];

  /** A plan with three milestones, taken to review and approved as the approve form sends it. */
  async function approvedPlan(title: string, createWorkflow: boolean) {
    let plan = await plans.create(
      createBody({
        ...emptyPlanForm('2025-02-01'),
        title,
        objective: '初月の予約を1000件にする',
        endDate: '2025-03-31',
        milestones: [
          { name: 'Launch', date: '2025-03-31', description: '' },
          { name: 'ベータ版', date: '2025-02-20', description: '社内向け' },
          { name: '広告開始', date: '2025-03-10', description: '' },
        ],
      }).body,
    );
    plan = await plans.submit(plan.id, plan.version);
    plan = await plans.startReview(plan.id, plan.version);
    const { request } = decisionRequest({ ...emptyDecision('approve', plan.timeline.milestones.length > 0), createWorkflow, comments: 'よい計画です' });
    if (request.action !== 'approve') throw new Error('unexpected action');
    return plans.approve(plan.id, plan.version, request.body);
  }

  beforeAll(async () => {
    database = await target.open();
    summary = workflowSummaryRefresher(database.db, (e) => refreshErrors.push(e));
    daemon = await serveTestApp(database, { workflowSummary: summary });
    const client = new DaemonClient({ baseUrl: daemon.url, token: TEST_TOKEN, fetch, timeoutMs: 20_000 });
    plans = new PlansApi(client);
    workflows = new WorkflowsApi(client);
    // The assistants plans and tasks go under, filed as the settings tab does.
    const assistants = new AssistantsApi(client);
    const createAssistant = async (name: string) => (await assistants.create({ name, provider: 'openai_compatible', model: 'llama3.2' })).id;
    planner = await createAssistant('計画係');
    researcher = await createAssistant('調査係');
  });

  afterAll(async () => {
    await daemon?.close();
    await summary?.close();
    await database?.dispose();
  });

  it('approves without a workflow when the box is unticked', async () => {
    const plan = await approvedPlan('ワークフローなし', false);
    expect(plan).toMatchObject({ status: 'approved', workflowId: null });
    expect(await workflows.summaries()).toEqual([]);
  });

  it('runs the workflow of an approved plan as the view does', async () => {
    const plan = await approvedPlan('春の新製品ローンチ', true);
    expect(plan.status).toBe('approved');
    expect(plan.workflowId).not.toBeNull();
    const workflowId = plan.workflowId!;

    const workflow = await workflows.get(workflowId);
    expect(workflow).toMatchObject({ id: workflowId, name: '春の新製品ローンチ', status: 'active', planId: plan.id });
    expect(workflowButtons(workflow.allowedActions).map((b) => b.action)).toEqual(['complete', 'pause', 'cancel']);

    // A task per milestone in date order, each after the one before, given to the plan's assistant.
    let tasks = await workflows.tasks(workflowId);
    expect(tasks.map((t) => [t.name, t.dueDate?.slice(0, 10), t.status, t.assignedAssistantId])).toEqual([
      ['ベータ版', '2025-02-20', 'assigned', planner],
      ['広告開始', '2025-03-10', 'assigned', planner],
      ['Launch', '2025-03-31', 'assigned', planner],
    ]);
    const [beta, ads, launch] = tasks as [TaskView, TaskView, TaskView];
    expect(ads.dependencies).toEqual([beta.id]);
    expect(launch.dependencies).toEqual([ads.id]);
    expect(beta.description).toBe('社内向け');
    expect(await workflows.summaries()).toEqual([{ workflowId, name: '春の新製品ローンチ', status: 'active', totalTasks: 3, completedTasks: 0, avgTaskHours: null }]);

    // Start and complete the first task with the buttons the daemon allows.
    expect(taskButtons(beta.allowedActions)).toEqual(['start', 'cancel']);
    const started = await workflows.transitionTask(beta, 'start');
    expect(started.status).toBe('in_progress');
    expect(taskButtons(started.allowedActions)).toEqual(['complete', 'cancel']);

    // A pane still holding the task before it started is told it changed (409 stale_update).
    const stale = await failure(workflows.transitionTask(beta, 'cancel'));
    expect(workflowConflictOf(stale)).toBe('stale_update');
    // Completing a task that has not started is not allowed: the daemon names what is.
    const illegal = await failure(workflows.transitionTask(ads, 'complete'));
    expect(workflowConflictOf(illegal)).toBe('illegal_transition');
    expect((illegal as Error).message).toContain('allowed: assign, unassign, start, cancel');

    // The editor: actual hours recorded, the assignee changed, both with the latest updatedAt.
    const edited = taskChanges({ ...taskForm(started), actualHours: '3.5', estimatedHours: '4', assistantId: String(researcher) }, started);
    if (!('changes' in edited)) throw new Error('expected changes');
    const patched = await workflows.updateTask(started, edited.changes.fields!);
    const reassigned = await workflows.assign(patched, edited.changes.assignee!.assistantId);
    expect(reassigned).toMatchObject({ actualHours: 3.5, estimatedHours: 4, assignedAssistantId: researcher, status: 'in_progress' });
    const completed = await workflows.transitionTask(reassigned, 'complete');
    expect(completed.status).toBe('completed');
    expect(await workflows.summaries()).toEqual([{ workflowId, name: '春の新製品ローンチ', status: 'active', totalTasks: 3, completedTasks: 1, avgTaskHours: 3.5 }]);

    // A dependency that closes a cycle is refused with the cycle, told by task names.
    tasks = await workflows.tasks(workflowId);
    const current = (id: number) => tasks.find((t) => t.id === id)!;
    const cycle = await failure(workflows.addDependency(current(ads.id), launch.id));
    expect(workflowConflictOf(cycle)).toBeNull();
    expect(dependencyCycleOf(cycle)).toEqual([ads.id, launch.id, ads.id]);
    expect(describeCycle(dependencyCycleOf(cycle)!, tasks)).toBe('広告開始 → Launch → 広告開始');
    expect(dependencyCycleOf(stale)).toBeNull();
    expect((await workflows.tasks(workflowId)).find((t) => t.id === ads.id)!.dependencies).toEqual([beta.id]);

    // Launch may also wait for the beta directly; then that is taken back.
    const both = await workflows.addDependency(current(launch.id), beta.id);
    expect(both.dependencies).toEqual([beta.id, ads.id]);
    expect((await workflows.removeDependency(launch.id, beta.id)).dependencies).toEqual([ads.id]);
    const missing = await failure(workflows.removeDependency(launch.id, beta.id));
    expect((missing as DaemonError).reason).toMatchObject({ code: 'http-error', status: 404 });

    // Unassigning the next task sends it back to pending; then its due date moves.
    let next = await workflows.assign(current(ads.id), null);
    expect(next).toMatchObject({ status: 'pending', assignedAssistantId: null });
    next = await workflows.updateTask(next, { dueDate: '2025-03-12' });
    expect(next.dueDate?.slice(0, 10)).toBe('2025-03-12');
    // Hours the contract refuses come back as a 400 naming the field.
    const badHours = await failure(workflows.updateTask(next, { estimatedHours: 1.234 }));
    expect((badHours as DaemonError).reason).toMatchObject({ status: 400 });
    expect((badHours as Error).message).toContain('estimatedHours must have at most two decimals');

    // The history of the first task, as the view reads it.
    const history = historyLines(await workflows.history(beta.id), { tasks, assistants: [{ id: planner, name: '計画係' }, { id: researcher, name: '調査係' }] }, en.t, 'en');
    expect(history.map((l) => [l.label, l.change, l.reason])).toEqual([
      ['Created', null, `created from plan ${plan.id}`],
      ['Status', 'Assigned → In progress', null],
      ['Estimated hours', '— → 4', null],
      ['Actual hours', '— → 3.5', null],
      ['Assigned', '計画係 → 調査係', null],
      ['Status', 'In progress → Completed', null],
    ]);

    // Pausing the workflow: its tasks cannot start until it resumes.
    const paused = await workflows.transition(workflow, 'pause');
    expect(workflowButtons(paused.allowedActions).map((b) => b.action)).toEqual(['resume', 'cancel']);
    const notActive = await failure(workflows.transitionTask(next, 'start'));
    expect((notActive as DaemonError).body?.error.code).toBe('workflow_not_active');
    expect(workflowConflictOf(await failure(workflows.transition(workflow, 'resume')))).toBe('stale_update');
    expect((await workflows.transition(paused, 'resume')).status).toBe('active');
    expect(refreshErrors).toEqual([]);
  });
});
