/**
 * The Plans pane's client against the real daemon app served over real HTTP on 127.0.0.1 (real
 * database on every target, the in-process cache, a scripted model for the assistant's draft): the
 * review of a plan as the pane drives it, the answers it handles itself (409 stale version and
 * illegal transition, 400 with the fields named), the comparison drawn from the daemon's diff, the
 * note rendered from the daemon's note data, and the notifications a draft raises.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModel } from '../../daemon/test/ai/scripted-model';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../../daemon/test/helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../../daemon/test/helpers/databases';
import type { PlanDetail } from '../../shared/contracts/plans';
import { PLAN_NOTE_END, PLAN_NOTE_START, renderPlanNote } from '../../shared/plans/note';
import { AssistantsApi } from '../src/daemon/assistants-client';
import { DaemonClient, DaemonError } from '../src/daemon/client';
import { fieldIssuesOf, planConflictOf, PlansApi } from '../src/daemon/plans-client';
import { decisionRequest, emptyDecision } from '../src/views/plans/decision';
import { diffView } from '../src/views/plans/diff-model';
import { createBody, emptyPlanForm, formFromPlan, inputKey, placeIssues, updateBody, type PlanForm } from '../src/views/plans/form';
import { actionButtons, groupByStatus } from '../src/views/plans/model';

/** The error a call ended with (the test fails if it succeeded). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the daemon to refuse');
    },
    (e: unknown) => e,
  );
}

/** A new plan as the create form sends it. */
function launchForm(): PlanForm {
  return {
    ...emptyPlanForm('2025-02-01'),
    title: '春の新製品ローンチ',
    description: '新製品を三月に発売する。',
    objective: '初月の予約を1000件にする',
    endDate: '2025-03-31',
    milestones: [
      { name: 'ベータ版', date: '2025-02-20', description: '' },
      { name: 'Launch', date: '2025-03-31', description: '' },
    ],
    people: [{ name: '田中', role: 'PM', allocation: '50' }],
    currency: 'JPY',
    costItems: [{ name: '広告', amount: '500000' }],
    successCriteria: ['予約1000件'],
  };
}

describe.each(testDatabaseTargets())('plans client against the daemon on $kind', (target) => {
  let database: TestDatabase;
  let daemon: ServedTestApp;
  let baseUrl: string;
  let plans: PlansApi;
  const model = new ScriptedModel();

  beforeAll(async () => {
    database = await target.open();
    daemon = await serveTestApp(database, { models: model.factory() });
    baseUrl = daemon.url;
    const client = new DaemonClient({ baseUrl, token: TEST_TOKEN, fetch, timeoutMs: 20_000 });
    plans = new PlansApi(client);
    // The assistant the plans go under, filed as the settings tab does.
    await new AssistantsApi(client).create({ name: '計画係', provider: 'openai_compatible', model: 'llama3.2' });
  });

  afterEach(() => model.verify());

  afterAll(async () => {
    await daemon?.close();
    await database?.dispose();
  });

  it('shows the daemon’s complaints about a new plan on the inputs they name', async () => {
    const form: PlanForm = { ...launchForm(), endDate: '2025-01-15', costItems: [{ name: '', amount: '' }, { name: '広告', amount: '-5' }] };
    const { body, rows } = createBody(form);
    const e = await failure(plans.create(body));
    expect(e).toBeInstanceOf(DaemonError);
    const issues = fieldIssuesOf(e);
    expect(issues).not.toBeNull();
    const errors = placeIssues(issues!, (path) => inputKey(path, rows));
    expect(errors.fields.endDate?.[0]).toContain('is before startDate 2025-02-01');
    expect(errors.fields['costItems.1.amount']).toEqual(['cost amounts must not be negative']);
    expect(errors.other).toEqual([]);
    expect((await plans.list()).items).toEqual([]);
  });

  it('drives a plan through review as the pane does: revision, edit, comparison, approval with a condition, note', async () => {
    let plan: PlanDetail = await plans.create(createBody(launchForm()).body);
    expect(plan).toMatchObject({ status: 'draft', version: 1, assistantName: '計画係' });
    expect(actionButtons(plan.allowedActions).map((b) => b.action)).toEqual(['submit', 'edit']);

    plan = await plans.submit(plan.id, plan.version);
    plan = await plans.startReview(plan.id, plan.version);
    expect(actionButtons(plan.allowedActions).map((b) => b.action)).toEqual(['approve', 'request_revision', 'reject']);
    expect(groupByStatus((await plans.list()).items).map((g) => [g.status, g.plans.map((p) => p.id)])).toEqual([['under_review', [plan.id]]]);

    const revision = decisionRequest({ ...emptyDecision('request_revision'), comments: 'ベータ版を早めてください', conditions: ['', '予算は据え置き'] });
    if (revision.request.action !== 'request_revision') throw new Error('unexpected action');
    plan = await plans.requestRevision(plan.id, plan.version, revision.request.body);
    expect(plan.status).toBe('revision_requested');
    expect(plan.conditions).toEqual([{ text: '予算は据え置き', approvalId: plan.approvals[0]!.id, action: 'request_revision' }]);

    // The person edits the milestone and the objective.
    const base = plan;
    const form = formFromPlan(base);
    form.objective = '初月の予約を2000件にする';
    form.milestones[0] = { ...form.milestones[0]!, date: '2025-02-15' };
    form.changeSummary = 'ベータ版を前倒し';
    const update = updateBody(form, base, base.version);
    expect(Object.keys(update!.body).sort()).toEqual(['changeSummary', 'expectedVersion', 'objective', 'timeline']);
    plan = await plans.update(plan.id, update!.body);
    expect(plan.version).toBe(2);

    // A second pane still holding version 1 is told so (409 stale_version), and nothing changes.
    const stale = await failure(plans.update(plan.id, { ...update!.body, expectedVersion: 1, title: '別の題' }));
    expect(planConflictOf(stale)).toBe('stale_version');
    expect((await plans.get(plan.id)).title).toBe('春の新製品ローンチ');

    plan = await plans.submit(plan.id, plan.version);
    const versions = await plans.versions(plan.id);
    expect(versions.map((v) => [v.versionNumber, v.changeSummary])).toEqual([
      [1, 'Submitted for approval'],
      [2, 'ベータ版を前倒し'],
    ]);
    const view = diffView(await plans.compare(plan.id, 1, 2), 'ja');
    expect(view.text.map((t) => t.field)).toEqual(['objective']);
    expect(view.text[0]!.parts).toEqual([
      { op: 'equal', text: '初月の予約を' },
      { op: 'delete', text: '1000' },
      { op: 'insert', text: '2000' },
      { op: 'equal', text: '件にする' },
    ]);
    expect(view.lists.map((l) => [l.list, l.items.map((i) => i.kind)])).toEqual([['milestones', ['changed']]]);

    // Approving before the review started again is not allowed: the daemon says what is.
    const early = await failure(plans.approve(plan.id, plan.version, { conditions: [] }));
    expect(planConflictOf(early)).toBe('illegal_transition');
    expect((early as DaemonError).reason).toMatchObject({ status: 409 });
    expect((early as Error).message).toContain('submitted');

    plan = await plans.startReview(plan.id, plan.version);
    const approval = decisionRequest({ ...emptyDecision('approve'), comments: 'よい計画です', conditions: ['毎週金曜に進捗を報告する'] });
    if (approval.request.action !== 'approve') throw new Error('unexpected action');
    plan = await plans.approve(plan.id, plan.version, approval.request.body);
    expect(plan.status).toBe('approved');
    expect(actionButtons(plan.allowedActions)).toEqual([]);
    expect(plan.conditions.map((c) => [c.text, c.action])).toEqual([
      ['予算は据え置き', 'request_revision'],
      ['毎週金曜に進捗を報告する', 'approve'],
    ]);

    // The note, rendered from the daemon's note data as the plugin writes it.
    const data = await plans.note(plan.id, undefined);
    // The default preferences speak Japanese; without a vault the default template is used.
    expect(data).toMatchObject({ language: 'ja', template: null });
    const note = renderPlanNote(data.plan, { language: data.language, template: data.template?.content ?? null });
    expect(note).toContain(`hisho-plan-id: ${plan.id}`);
    expect(note).toContain('## 承認条件\n\n- [ ] 予算は据え置き\n- [ ] 毎週金曜に進捗を報告する\n');
    expect(note.indexOf(PLAN_NOTE_START)).toBeLessThan(note.indexOf(PLAN_NOTE_END));
  });

  it('copies a rejected plan into a new draft', async () => {
    let plan = await plans.create(createBody({ ...launchForm(), title: '却下される計画' }).body);
    plan = await plans.submit(plan.id, plan.version);
    plan = await plans.startReview(plan.id, plan.version);
    plan = await plans.reject(plan.id, plan.version, { reason: '費用が大きすぎる' });
    expect(plan).toMatchObject({ status: 'rejected', rejectionReason: '費用が大きすぎる' });
    expect(actionButtons(plan.allowedActions).map((b) => b.action)).toEqual(['copy']);
    const copy = await plans.copy(plan.id);
    expect(copy).toMatchObject({ status: 'draft', title: '却下される計画', version: 1 });
    expect(copy.id).not.toBe(plan.id);
  });

  it('lists the notification of an assistant’s draft until it is marked read', async () => {
    model.script({
      call: 'generateObject',
      reply: {
        object: {
          title: '引っ越しの計画',
          description: null,
          objective: '四月末までに引っ越す',
          scope: null,
          timeline: { startDate: '2025-04-01', endDate: '2025-04-30', milestones: [{ name: '荷造り', date: '2025-04-20' }] },
          resources: { people: [], cost: null, dependencies: [] },
          riskAssessment: null,
          successCriteria: ['四月中に完了'],
        },
      },
    });
    const drafted = await fetch(`${baseUrl}/api/v1/plans/draft`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: '来月の引っ越しを計画して' }),
    });
    expect(drafted.status).toBe(201);
    const planId = ((await drafted.json()) as { id: number }).id;

    const unread = await plans.notifications(true);
    expect(unread).toHaveLength(1);
    expect(unread[0]).toMatchObject({ type: 'plan_drafted', planId, read: false });
    expect(unread[0]!.message).toContain('引っ越しの計画');

    expect(await plans.markRead(unread[0]!.id)).toMatchObject({ id: unread[0]!.id, read: true });
    expect(await plans.notifications(true)).toEqual([]);
    expect((await plans.notifications(false)).map((n) => n.read)).toEqual([true]);
    const missing = await failure(plans.markRead('00000000-0000-4000-8000-000000000000'));
    expect((missing as DaemonError).reason).toMatchObject({ code: 'http-error', status: 404 });
  });
});
