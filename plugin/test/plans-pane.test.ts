/**
 * The Plans pane's logic without Obsidian: grouping, the buttons each status shows, the model the
 * version comparison is drawn from, and the forms' mapping to requests and back from the daemon's
 * complaints. Request bodies are checked with the contract's own zod schemas, and complaints are
 * produced by those schemas, so the mapping follows the real paths.
 */
import { describe, expect, it } from 'vitest';
import { allowedActions } from '../../daemon/src/plans/state-machine';
import {
  PLAN_STATUSES,
  planApproveSchema,
  planCreateSchema,
  planRejectSchema,
  planRequestRevisionSchema,
  planUpdateSchema,
  type NotificationApi,
  type PlanDetail,
  type PlanDiff,
} from '../../shared/contracts/plans';
import { diffPlanVersions, type PlanVersionContent } from '../../shared/plans/diff';
import { planContentSchema } from '../../shared/plans/schemas';
import { japanesePlan } from '../../shared/test/plans/fixtures';
import type { FieldIssue } from '../src/daemon/plans-client';
import { decisionInputKey, decisionRequest, emptyDecision } from '../src/views/plans/decision';
import { diffView } from '../src/views/plans/diff-model';
import { localToday } from '../src/views/plans/format';
import {
  contentFromForm,
  createBody,
  emptyPlanForm,
  formFromPlan,
  inputKey,
  placeIssues,
  updateBody,
  withoutRowErrors,
  type PlanForm,
} from '../src/views/plans/form';
import { actionButtons, groupByStatus, isDecision, STATUS_ORDER } from '../src/views/plans/model';
import { NotificationFeed } from '../src/views/plans/notification-feed';
import { defaultPair } from '../src/views/plans/versions';

/** What the daemon's validator would say about `body` (route.ts sends these as `details.issues`). */
function issuesOf(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, body: unknown): FieldIssue[] {
  // Through JSON, as the request travels (NaN becomes null).
  const parsed = schema.safeParse(JSON.parse(JSON.stringify(body)));
  if (parsed.success) throw new Error('expected the contract to refuse the body');
  return parsed.error!.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
}

const plan = (overrides: Partial<PlanDetail> = {}) => japanesePlan({ status: 'draft', allowedActions: allowedActions('draft'), ...overrides });

describe('groupByStatus', () => {
  it('groups in review order with the plans in the order given, leaving empty groups out', () => {
    const plans = [
      { id: 1, status: 'draft' },
      { id: 2, status: 'approved' },
      { id: 3, status: 'under_review' },
      { id: 4, status: 'draft' },
      { id: 5, status: 'revision_requested' },
    ] as const;
    expect(groupByStatus(plans).map((g) => [g.status, g.plans.map((p) => p.id)])).toEqual([
      ['under_review', [3]],
      ['revision_requested', [5]],
      ['draft', [1, 4]],
      ['approved', [2]],
    ]);
    expect(groupByStatus([])).toEqual([]);
  });

  it('has a place for every status', () => {
    expect([...STATUS_ORDER].sort()).toEqual([...PLAN_STATUSES].sort());
  });
});

describe('actionButtons', () => {
  it('shows exactly the actions the state machine allows (deleting aside), the forward step first and highlighted', () => {
    const shown = Object.fromEntries(PLAN_STATUSES.map((s) => [s, actionButtons(allowedActions(s))]));
    expect(shown).toEqual({
      draft: [
        { action: 'submit', primary: true },
        { action: 'edit', primary: false },
      ],
      submitted: [{ action: 'start_review', primary: true }],
      under_review: [
        { action: 'approve', primary: true },
        { action: 'request_revision', primary: false },
        { action: 'reject', primary: false },
      ],
      revision_requested: [
        { action: 'submit', primary: true },
        { action: 'edit', primary: false },
      ],
      approved: [],
      rejected: [{ action: 'copy', primary: false }],
    });
    for (const status of PLAN_STATUSES) {
      for (const button of shown[status]!) expect(allowedActions(status)).toContain(button.action);
    }
  });

  it('opens the decision form for approve, reject and request revision only', () => {
    expect(['approve', 'reject', 'request_revision', 'submit', 'edit', 'copy'].map((a) => isDecision(a as never))).toEqual([true, true, true, false, false, false]);
  });
});

describe('diffView', () => {
  const v1: PlanVersionContent = {
    title: '春の新製品ローンチ',
    description: '新製品を三月に発売する。',
    objective: '初月の予約を1000件にする',
    scope: null,
    timeline: {
      startDate: '2025-02-01',
      endDate: '2025-03-31',
      milestones: [
        { name: 'ベータ版', date: '2025-02-20' },
        { name: 'Launch', date: '2025-03-31' },
      ],
    },
    resources: { people: [{ name: '田中', role: 'PM', allocation: 50 }], cost: { currency: 'JPY', items: [{ name: '広告', amount: 500000 }] }, dependencies: ['法務レビュー'] },
    riskAssessment: '競合が先に発売する可能性',
    successCriteria: ['予約1000件'],
  };
  const v2: PlanVersionContent = {
    ...v1,
    objective: '初月の予約を2000件にする',
    timeline: { ...v1.timeline, milestones: [{ name: 'ベータ版', date: '2025-02-15' }, { name: 'Launch', date: '2025-03-31' }] },
    resources: { ...v1.resources, people: [{ name: '田中', role: 'PM', allocation: 80 }], dependencies: [] },
    successCriteria: ['予約1000件', '返品率5%未満'],
  };
  const compare = (a: PlanVersionContent, b: PlanVersionContent): PlanDiff => ({ planId: 1, from: 1, to: 2, ...diffPlanVersions(a, b) });

  it('shows only what changed: Japanese words marked, items added, removed and changed', () => {
    const view = diffView(compare(v1, v2), 'ja');
    expect(view.changed).toBe(true);
    expect(view.text).toEqual([
      {
        field: 'objective',
        parts: [
          { op: 'equal', text: '初月の予約を' },
          { op: 'delete', text: '1000' },
          { op: 'insert', text: '2000' },
          { op: 'equal', text: '件にする' },
        ],
      },
    ]);
    const lists = Object.fromEntries(view.lists.map((l) => [l.list, l]));
    expect(Object.keys(lists)).toEqual(['milestones', 'people', 'dependencies', 'successCriteria']);
    expect(lists.milestones).toEqual({
      list: 'milestones',
      items: [
        {
          kind: 'changed',
          parts: [
            { op: 'equal', text: 'ベータ版 (2025-02-' },
            { op: 'delete', text: '20' },
            { op: 'insert', text: '15' },
            { op: 'equal', text: ')' },
          ],
        },
      ],
      unchanged: 1,
    });
    expect(lists.people!.items).toEqual([
      {
        kind: 'changed',
        parts: [
          { op: 'equal', text: '田中 (PM, ' },
          { op: 'delete', text: '50' },
          { op: 'insert', text: '80' },
          { op: 'equal', text: '%)' },
        ],
      },
    ]);
    expect(lists.dependencies!.items).toEqual([{ kind: 'removed', parts: [{ op: 'delete', text: '法務レビュー' }] }]);
    expect(lists.successCriteria).toEqual({ list: 'successCriteria', items: [{ kind: 'added', parts: [{ op: 'insert', text: '返品率5%未満' }] }], unchanged: 1 });
  });

  it('gives the newer text back from its kept and inserted runs, the older from its kept and deleted ones', () => {
    const [objective] = diffView(compare(v1, v2), 'ja').text;
    const join = (skip: string) => objective!.parts.filter((p) => p.op !== skip).map((p) => p.text).join('');
    expect(join('delete')).toBe(v2.objective);
    expect(join('insert')).toBe(v1.objective);
  });

  it('has nothing to show for two equal versions', () => {
    expect(diffView(compare(v1, v1), 'en')).toEqual({ changed: false, text: [], lists: [] });
  });

  it('compares the latest version with the one before by default', () => {
    const version = (n: number) => ({ versionNumber: n }) as never;
    expect(defaultPair([version(1), version(2), version(3)])).toEqual([2, 3]);
    expect(defaultPair([version(1)])).toBeNull();
  });
});

describe('the plan form', () => {
  it('maps a plan to the form and back to the same content', () => {
    const detail = plan();
    const { content } = contentFromForm(formFromPlan(detail));
    const stored = planContentSchema.parse(content);
    expect(stored).toEqual({
      title: detail.title,
      description: detail.description,
      objective: detail.objective,
      scope: detail.scope,
      timeline: { ...detail.timeline, milestones: detail.timeline.milestones.map((m) => ({ ...m, description: m.description ?? null })) },
      resources: { ...detail.resources, people: detail.resources.people.map((p) => ({ ...p, role: p.role ?? null })) },
      riskAssessment: detail.riskAssessment,
      successCriteria: detail.successCriteria,
    });
  });

  it('leaves blank rows and blank texts out of a new plan, which the contract accepts', () => {
    const form: PlanForm = {
      ...emptyPlanForm('2025-04-01'),
      title: '  新しい計画 ',
      objective: '目的',
      endDate: '2025-04-30',
      milestones: [{ name: '', date: '', description: '' }, { name: '中間報告', date: '2025-04-15', description: '' }],
      successCriteria: ['', '  完了 '],
      currency: 'jpy',
      costItems: [{ name: '印刷', amount: '1200' }],
    };
    const { body, rows } = createBody(form);
    expect(body).toEqual({
      title: '新しい計画',
      description: null,
      objective: '目的',
      scope: null,
      timeline: { startDate: '2025-04-01', endDate: '2025-04-30', milestones: [{ name: '中間報告', date: '2025-04-15', description: null }] },
      resources: { people: [], cost: { currency: 'JPY', items: [{ name: '印刷', amount: 1200 }] }, dependencies: [] },
      riskAssessment: null,
      successCriteria: ['完了'],
    });
    expect(rows.milestones).toEqual([1]);
    expect(rows.successCriteria).toEqual([1]);
    expect(planCreateSchema.safeParse(body).success).toBe(true);
  });

  it('sends no cost estimate when there is neither a currency nor an item', () => {
    expect(contentFromForm({ ...emptyPlanForm('2025-04-01'), costItems: [{ name: ' ', amount: '' }] }).content.resources.cost).toBeNull();
  });

  it('places each of the contract’s complaints on the input it is about, in the row the person sees', () => {
    const form: PlanForm = {
      ...emptyPlanForm('2025-04-01'),
      title: '',
      objective: '目的',
      endDate: '2025-03-01',
      milestones: [{ name: '', date: '', description: '' }, { name: '外', date: '2025-05-10', description: '' }],
      people: [{ name: '田中', role: '', allocation: '150' }],
      costItems: [{ name: '', amount: '' }, { name: '広告', amount: '' }],
    };
    const { body, rows } = createBody(form);
    const errors = placeIssues(issuesOf(planCreateSchema, body), (path) => inputKey(path, rows));
    expect(Object.keys(errors.fields).sort()).toEqual(['costItems.1.amount', 'currency', 'endDate', 'people.0.allocation', 'title']);
    expect(errors.fields.title).toEqual(['title must not be empty']);
    expect(errors.fields['costItems.1.amount']).toEqual(['a cost amount must be a number']);
    expect(errors.fields['people.0.allocation']).toEqual(['allocation is a percentage, at most 100']);
    expect(errors.fields.endDate![0]).toContain('is before startDate');
    expect(errors.other).toEqual([]);

    // With the dates in order, the milestone outside them is named on its own row (row 1; row 0 was blank).
    const fixed = createBody({ ...form, title: 't', endDate: '2025-04-30', people: [], costItems: [] });
    const placed = placeIssues(issuesOf(planCreateSchema, fixed.body), (path) => inputKey(path, fixed.rows));
    expect(Object.keys(placed.fields)).toEqual(['milestones.1.date']);
  });

  it('keeps complaints about no input, and drops row complaints of a list once a row is removed', () => {
    const errors = placeIssues(
      [
        { path: [], message: 'send at least one field to change' },
        { path: ['resources', 'people', '0', 'name'], message: 'a person’s name must not be empty' },
        { path: ['expectedVersion'], message: 'expectedVersion must be a number' },
      ],
      (path) => inputKey(path, { milestones: [], people: [2], costItems: [], dependencies: [], successCriteria: [] }),
    );
    expect(errors).toEqual({
      fields: { 'people.2.name': ['a person’s name must not be empty'] },
      other: ['send at least one field to change', 'expectedVersion: expectedVersion must be a number'],
    });
    expect(withoutRowErrors(errors, 'people').fields).toEqual({});
  });

  it('sends only the fields the person changed, with the version they saw', () => {
    const base = plan({ version: 4 });
    expect(updateBody(formFromPlan(base), base, 4)).toBeNull();

    const form = formFromPlan(base);
    form.title = '夏の新製品ローンチ';
    form.milestones[0] = { ...form.milestones[0]!, date: '2025-02-18' };
    form.changeSummary = '日程を前倒し';
    const update = updateBody(form, base, 5);
    expect(update?.body).toEqual({
      expectedVersion: 5,
      title: '夏の新製品ローンチ',
      timeline: { ...contentFromForm(form).content.timeline },
      changeSummary: '日程を前倒し',
    });
    expect(planUpdateSchema.safeParse(update?.body).success).toBe(true);
  });

  it('after a reload keeps someone else’s change to a field this person did not touch', () => {
    const base = plan({ version: 2 });
    const form = formFromPlan(base);
    form.scope = '海外も含める';
    // Meanwhile someone changed the objective (version 3): the objective is not sent back as it was.
    const update = updateBody(form, base, 3);
    expect(update?.body).toEqual({ expectedVersion: 3, scope: '海外も含める' });
  });

  it('starts a new plan today in the local calendar', () => {
    expect(localToday(new Date(2025, 0, 5, 23, 30))).toBe('2025-01-05');
  });
});

describe('the decision form', () => {
  it('approves with the non-blank conditions, remembering their rows', () => {
    const { request, rows } = decisionRequest({ ...emptyDecision('approve'), comments: ' よい ', conditions: ['予算上限を守る', ' ', '毎週報告'] });
    expect(request).toEqual({ action: 'approve', body: { comments: 'よい', conditions: ['予算上限を守る', '毎週報告'] } });
    expect(rows).toEqual([0, 2]);
    expect(planApproveSchema.safeParse({ expectedVersion: 1, ...request.body }).success).toBe(true);
  });

  it('rejects with the reason, without conditions', () => {
    const { request } = decisionRequest({ ...emptyDecision('reject'), reason: '費用が大きすぎる', conditions: ['ignored'] });
    expect(request).toEqual({ action: 'reject', body: { reason: '費用が大きすぎる' } });
    expect(planRejectSchema.safeParse({ expectedVersion: 1, ...request.body }).success).toBe(true);
  });

  it('places the contract’s complaints on the comments and on the condition’s own row', () => {
    const { request, rows } = decisionRequest({ ...emptyDecision('request_revision'), conditions: ['', 'x'.repeat(1001)] });
    expect(request.action).toBe('request_revision');
    const errors = placeIssues(issuesOf(planRequestRevisionSchema, { expectedVersion: 1, ...request.body }), (path) => decisionInputKey(path, rows));
    expect(Object.keys(errors.fields).sort()).toEqual(['comments', 'conditions.1']);
    expect(errors.fields['conditions.1']![0]).toContain('at most 1000 characters');
  });
});

describe('NotificationFeed', () => {
  const note = (id: string, createdAt: string, read = false): NotificationApi => ({ id, type: 'plan_drafted', message: `m${id}`, planId: 1, read, createdAt });

  it('announces each unread notification once, oldest first, and lists the unread ones', async () => {
    let answer = [note('b', '2025-01-02'), note('a', '2025-01-01'), note('r', '2025-01-01', true)];
    const announced: string[] = [];
    let changes = 0;
    const feed = new NotificationFeed(
      async () => answer,
      async () => undefined,
      (n) => announced.push(n.id),
    );
    feed.subscribe(() => changes++);
    await feed.refresh();
    expect(announced).toEqual(['a', 'b']);
    expect(feed.unread.map((n) => n.id)).toEqual(['b', 'a']);
    expect(changes).toBe(1);

    await feed.refresh();
    expect(announced).toEqual(['a', 'b']);
    expect(changes).toBe(1);

    answer = [note('c', '2025-01-03'), ...answer];
    await feed.refresh();
    expect(announced).toEqual(['a', 'b', 'c']);
    expect(changes).toBe(2);
  });

  it('marks read through the daemon and drops the notification from the list', async () => {
    const marked: string[] = [];
    const feed = new NotificationFeed(
      async () => [note('a', '2025-01-01'), note('b', '2025-01-02')],
      async (id) => marked.push(id),
      () => undefined,
    );
    await feed.refresh();
    await feed.markRead('a');
    expect(marked).toEqual(['a']);
    expect(feed.unread.map((n) => n.id)).toEqual(['b']);
  });

  it('keeps the list when marking read fails', async () => {
    const feed = new NotificationFeed(
      async () => [note('a', '2025-01-01')],
      async () => {
        throw new Error('daemon away');
      },
      () => undefined,
    );
    await feed.refresh();
    await expect(feed.markRead('a')).rejects.toThrow('daemon away');
    expect(feed.unread.map((n) => n.id)).toEqual(['a']);
  });

  it('joins a refresh asked for while one runs', async () => {
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const feed = new NotificationFeed(
      async () => {
        loads++;
        await gate;
        return [];
      },
      async () => undefined,
      () => undefined,
    );
    const first = feed.refresh();
    const second = feed.refresh();
    release();
    await Promise.all([first, second]);
    expect(loads).toBe(1);
  });
});
