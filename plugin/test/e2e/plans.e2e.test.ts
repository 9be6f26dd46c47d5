/**
 * The Plans pane end to end: a real daemon (PGlite), the plugin's real code in Chromium. A plan is
 * written in the pane's form (the daemon's complaint shown next to the input), submitted and
 * reviewed, sent back for revision with a condition, edited, refused once as stale after another
 * client's change, compared across versions, approved with a condition, and written as a note
 * through the stand-in's vault API; the note is read back and regenerated around the person's text.
 * The approval creates the plan's workflow (a task per milestone): its first task is started,
 * given hours and completed, a change made elsewhere is reported, a dependency that would close a
 * cycle is refused with the cycle named, and the task's history is read. Last, an assistant (a local server speaking OpenAI's protocol) drafts a plan: its notification
 * appears as a Notice and in the pane.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../../../daemon/test/ai/protocol-server';
import { en } from '../../../shared/i18n/en';
import { PLAN_NOTE_END, PLAN_NOTE_START } from '../../../shared/plans/note';
import { startDaemon, type RunningDaemon } from './daemon-process';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
let daemon: RunningDaemon | undefined;
let harness: Harness | undefined;
let provider: ProtocolServer | undefined;
let planId = 0;

const TITLE = '春の新製品ローンチ';
const NOTE_PATH = () => `Plans/${TITLE} (plan ${planId}).md`;

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

/** A call to the daemon from outside the pane (another client). */
async function daemonCall(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  if (!daemon) throw new Error('no daemon');
  const response = await fetch(`${daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const pane = () => h().page.locator('.workspace-leaf-content[data-type="hisho-plans"]');
const detail = () => pane().locator('.hisho-plan-detail');
const button = (action: string) => detail().locator(`.hisho-plan-action[data-action="${action}"]`);
const actions = () => detail().locator('.hisho-plan-action').evaluateAll((els) => els.map((el) => el.getAttribute('data-action')));
const noteText = (path: string) => h().page.evaluate((p) => window.hishoHarness.app.vault.text(p), path);

/** Waits until the pane shows the plan with `status` (and `version`, when given). */
async function shows(status: string, version?: number): Promise<void> {
  const state = async () => [await detail().getAttribute('data-status'), version === undefined ? null : await detail().getAttribute('data-version')];
  await expect.poll(state, { timeout: 10_000 }).toEqual([status, version === undefined ? null : String(version)]);
}

beforeAll(async () => {
  if (!enabled) return;
  daemon = await startDaemon();
  // Plans are filed under an assistant; the assistants' settings are not this pane's.
  const assistant = await daemonCall('POST', '/assistants', { name: '計画係', provider: 'openai_compatible', model: 'llama3.2' });
  if (assistant.status !== 201) throw new Error(`could not create the assistant: ${JSON.stringify(assistant.body)}`);
  harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token });
}, 150_000);

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await provider?.close();
});

describe.skipIf(!enabled)('the Plans pane against a real daemon', () => {
  it('writes a new plan in the form; the daemon’s complaint appears next to the input and nothing typed is lost', async () => {
    await h().openView('hisho-plans');
    // No plans yet: what will appear here, and the connection.
    await expect.poll(() => pane().locator('.hisho-empty-title').textContent(), { timeout: 10_000 }).toBe(en['view.plans.empty.title']);
    await pane().locator('.hisho-plan-new').click();
    const form = pane().locator('.hisho-plan-form');
    await form.locator('input[name="title"]').fill(TITLE);
    await form.locator('textarea[name="objective"]').fill('初月の予約を1000件にする');
    await form.locator('input[name="startDate"]').fill('2025-02-01');
    await form.locator('input[name="endDate"]').fill('2025-01-31');
    const milestones = form.locator('[data-list="milestones"]');
    for (const [name, date] of [
      ['ベータ版', '2025-02-20'],
      ['Launch', '2025-03-31'],
    ] as const) {
      await milestones.locator('.hisho-list-add').click();
      await milestones.locator('.hisho-list-row').last().locator('.hisho-row-name').fill(name);
      await milestones.locator('.hisho-list-row').last().locator('.hisho-row-date').fill(date);
    }
    await form.locator('[data-list="successCriteria"] .hisho-list-add').click();
    await form.locator('[data-list="successCriteria"] .hisho-list-text').fill('予約1000件');
    await form.locator('.hisho-form-submit').click();

    const endError = form.locator('.hisho-form-endDate .hisho-field-errors');
    await expect.poll(() => endError.textContent(), { timeout: 10_000 }).toContain('is before startDate 2025-02-01');
    expect(await form.locator('.hisho-form-errors').first().textContent()).toContain(en['plans.pane.form.invalid']);
    expect(await form.locator('input[name="title"]').inputValue()).toBe(TITLE);
    expect(await milestones.locator('.hisho-row-name').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value))).toEqual(['ベータ版', 'Launch']);
    await h().screenshot('plans-form-error');

    await form.locator('input[name="endDate"]').fill('2025-03-31');
    await form.locator('.hisho-form-submit').click();
    await shows('draft', 1);
    planId = Number(await detail().getAttribute('data-plan'));
    expect(await actions()).toEqual(['submit', 'edit']);
    expect(await detail().locator('.hisho-plan-milestones li').allTextContents()).toEqual(['2025-02-20 ベータ版', '2025-03-31 Launch']);
  });

  it('submits the plan and starts the review, showing only the actions each status allows', async () => {
    await button('submit').click();
    await shows('submitted');
    expect(await actions()).toEqual(['start_review']);
    await button('start_review').click();
    await shows('under_review');
    expect(await actions()).toEqual(['approve', 'request_revision', 'reject']);
    expect(await detail().locator('.hisho-plan-status').textContent()).toBe(en['plans.status.under_review']);
  });

  it('requests a revision with a comment and a condition', async () => {
    await button('request_revision').click();
    const decision = detail().locator('.hisho-decision-form[data-action="request_revision"]');
    await decision.locator('.hisho-decision-submit').click();
    // The daemon wants to know what to revise: its words under the comments, the form stays.
    await expect.poll(() => decision.locator('.hisho-form-comments .hisho-field-errors').textContent(), { timeout: 10_000 }).toContain('comments must not be empty');
    // Only an approval asks about a workflow.
    expect(await decision.locator('input[name="createWorkflow"]').count()).toBe(0);
    await decision.locator('textarea[name="comments"]').fill('ベータ版を早めてください');
    await decision.locator('.hisho-list-add').click();
    await decision.locator('.hisho-list-text').fill('予算は据え置き');
    await h().screenshot('plans-request-revision');
    await decision.locator('.hisho-decision-submit').click();
    await shows('revision_requested');
    expect(await detail().locator('.hisho-plan-message').textContent()).toBe(en['plans.pane.decided.request_revision']);
    expect(await detail().locator('.hisho-plan-conditions li').allTextContents()).toEqual([`予算は据え置き · ${en['plans.approval.request_revision']}`]);
    const history = detail().locator('.hisho-plan-approval');
    expect(await history.count()).toBe(1);
    expect(await history.first().getAttribute('data-action')).toBe('request_revision');
    expect(await history.first().locator('.hisho-plan-approval-comments').textContent()).toBe('ベータ版を早めてください');
  });

  it('edits the plan; a change made elsewhere meanwhile is reported and the plan reloaded', async () => {
    await button('edit').click();
    const form = detail().locator('.hisho-plan-form');
    await form.locator('textarea[name="objective"]').fill('初月の予約を2000件にする');
    await form.locator('[data-list="milestones"] .hisho-list-row').first().locator('.hisho-row-date').fill('2025-02-15');
    await form.locator('input[name="changeSummary"]').fill('ベータ版を前倒し');
    await form.locator('.hisho-form-submit').click();
    await shows('revision_requested', 2);
    expect(await detail().locator('.hisho-plan-section-objective .hisho-plan-prose').textContent()).toBe('初月の予約を2000件にする');

    // Another client edits the plan (version 3) while the pane still shows version 2.
    const other = await daemonCall('PATCH', `/plans/${planId}`, { expectedVersion: 2, scope: '国内のオンライン販売のみ', changeSummary: '範囲を明記' });
    expect(other.status).toBe(200);
    await button('submit').click();
    await expect
      .poll(() => detail().locator('.hisho-plan-message').textContent(), { timeout: 10_000 })
      .toBe(en['plans.pane.stale'].replace('{version}', '3'));
    await shows('revision_requested', 3);
    expect(await detail().locator('.hisho-plan-section-scope .hisho-plan-prose').textContent()).toBe('国内のオンライン販売のみ');
    await detail().locator('.hisho-plan-message').scrollIntoViewIfNeeded();
    await h().screenshot('plans-stale');

    await button('submit').click();
    await shows('submitted', 3);
    await button('start_review').click();
    await shows('under_review', 3);
  });

  it('compares any two versions, insertions and deletions marked', async () => {
    await detail().locator('.hisho-plan-section-versions > summary').click();
    const versions = detail().locator('.hisho-version');
    await expect.poll(() => versions.count(), { timeout: 10_000 }).toBe(3);
    expect(await detail().locator('.hisho-version-summary').allTextContents()).toEqual(['Submitted for approval', 'ベータ版を前倒し', '範囲を明記']);

    // By default the latest against the one before: only the scope changed.
    const diff = detail().locator('.hisho-diff');
    await expect.poll(() => diff.getAttribute('data-from'), { timeout: 10_000 }).toBe('2');
    expect(await diff.locator('.hisho-diff-field').evaluateAll((els) => els.map((el) => el.getAttribute('data-field')))).toEqual(['scope']);
    expect(await diff.locator('.hisho-diff-insert').allTextContents()).toEqual(['国内のオンライン販売のみ']);

    await detail().locator('.hisho-compare-from').selectOption('1');
    await expect.poll(() => diff.getAttribute('data-from')).toBe('1');
    const objective = diff.locator('.hisho-diff-field[data-field="objective"]');
    expect(await objective.locator('.hisho-diff-delete').allTextContents()).toEqual(['1000']);
    expect(await objective.locator('.hisho-diff-insert').allTextContents()).toEqual(['2000']);
    expect(await objective.locator('.hisho-diff-text').textContent()).toBe('初月の予約を10002000件にする');
    const milestone = diff.locator('.hisho-diff-field[data-field="milestones"] .hisho-diff-item');
    expect(await milestone.getAttribute('data-kind')).toBe('changed');
    expect(await milestone.locator('.hisho-diff-delete').textContent()).toBe('20');
    expect(await milestone.locator('.hisho-diff-insert').textContent()).toBe('15');
    await diff.scrollIntoViewIfNeeded();
    await h().screenshot('plans-compare');
  });

  it('approves with a condition, kept on the plan with the earlier one, and creates its workflow', async () => {
    await button('approve').click();
    const decision = detail().locator('.hisho-decision-form[data-action="approve"]');
    // The plan has milestones: the workflow is offered, ticked.
    const createWorkflow = decision.locator('input[name="createWorkflow"]');
    expect(await createWorkflow.isChecked()).toBe(true);
    expect(await decision.locator('.hisho-form-check').textContent()).toBe(en['workflows.create-with-plan']);
    await decision.locator('textarea[name="comments"]').fill('よい計画です');
    await decision.locator('.hisho-list-add').click();
    await decision.locator('.hisho-list-add').click();
    // The second row stays blank: it is not sent.
    await decision.locator('.hisho-list-text').first().fill('毎週金曜に進捗を報告する');
    await decision.locator('.hisho-decision-submit').click();
    await shows('approved', 3);
    expect(await actions()).toEqual([]);
    expect(await detail().locator('.hisho-plan-message').textContent()).toBe(en['workflows.created-with-plan']);
    expect(await detail().locator('.hisho-plan-open-workflow').textContent()).toBe(en['workflows.open']);
    expect(await detail().locator('.hisho-plan-conditions li').allTextContents()).toEqual([
      `予算は据え置き · ${en['plans.approval.request_revision']}`,
      `毎週金曜に進捗を報告する · ${en['plans.approval.approve']}`,
    ]);
    expect(await detail().locator('.hisho-plan-approval').evaluateAll((els) => els.map((el) => el.getAttribute('data-action')))).toEqual(['request_revision', 'approve']);
    await h().screenshot('plans-approved');
  });

  it('creates the plan’s note through the vault API, with the conditions as checkboxes between the markers', async () => {
    await detail().locator('.hisho-plan-write-note').click();
    await expect.poll(() => noteText(NOTE_PATH()), { timeout: 10_000 }).not.toBeNull();
    const note = (await noteText(NOTE_PATH()))!;
    expect(note.startsWith(`---\nhisho-plan-id: ${planId}\nhisho-plan-status: approved\nhisho-plan-version: 3\n`)).toBe(true);
    expect(note).toContain(`${PLAN_NOTE_START}\n# ${TITLE}\n`);
    expect(note.trimEnd().endsWith(PLAN_NOTE_END)).toBe(true);
    expect(note).toContain('- [ ] 予算は据え置き\n- [ ] 毎週金曜に進捗を報告する\n');
    expect(await detail().locator('.hisho-plan-message').textContent()).toBe(en['plans.pane.note.created'].replace('{path}', NOTE_PATH()));
    await expect.poll(() => h().page.evaluate(() => window.hishoHarness.app.workspace.openedLinks.map((l) => l.linktext))).toEqual([NOTE_PATH()]);
    expect(await detail().locator('.hisho-plan-write-note').textContent()).toBe(en['plans.pane.note.update']);
    await detail().locator('.hisho-plan-open-note').click();
    await expect.poll(() => h().page.evaluate(() => window.hishoHarness.app.workspace.openedLinks.length)).toBe(2);
  });

  it('regenerates the note from the command, keeping the person’s text and ticks', async () => {
    const path = NOTE_PATH();
    await h().page.evaluate(async (p) => {
      const { vault, workspace } = window.hishoHarness.app;
      const file = vault.getAbstractFileByPath(p) as Parameters<typeof vault.modify>[0];
      const text = vault.text(p)!;
      await vault.modify(file, `${text.replace('- [ ] 予算は据え置き', '- [x] 予算は据え置き')}\n## 私のメモ\n\n広告代理店に連絡済み。\n`);
      workspace.setActiveFile(p);
    }, path);
    await h().runCommand('regenerate-plan-note');
    await expect.poll(() => h().page.locator('.notice').last().textContent(), { timeout: 10_000 }).toBe(en['plans.pane.note.updated'].replace('{path}', path));
    const note = (await noteText(path))!;
    expect(note).toContain('- [x] 予算は据え置き\n- [ ] 毎週金曜に進捗を報告する\n');
    expect(note).toContain(`${PLAN_NOTE_END}\n\n## 私のメモ\n\n広告代理店に連絡済み。\n`);
    expect(note.split(PLAN_NOTE_START)).toHaveLength(2);
  });

  it('opens the plan’s workflow: starts, records hours on and completes the first task, refuses a cycle, shows the history', async () => {
    await detail().locator('.hisho-plan-open-workflow').click();
    const workflow = pane().locator('.hisho-workflow');
    await expect.poll(() => workflow.getAttribute('data-status'), { timeout: 10_000 }).toBe('active');
    expect(await workflow.locator('.hisho-plan-title').textContent()).toBe(TITLE);
    expect(await workflow.locator('.hisho-workflow-action').evaluateAll((els) => els.map((el) => el.getAttribute('data-action')))).toEqual(['complete', 'pause', 'cancel']);
    const tasks = workflow.locator('.hisho-task');
    expect(await tasks.locator('.hisho-task-name').allTextContents()).toEqual(['ベータ版', 'Launch']);
    expect(await tasks.locator('.hisho-task-due').allTextContents()).toEqual(['Due 2025-02-15', 'Due 2025-03-31']);
    expect(await tasks.locator('.hisho-task-assignee').allTextContents()).toEqual(['計画係', '計画係']);
    expect(await tasks.nth(1).locator('.hisho-task-after').textContent()).toBe(`${en['workflows.task.after']}: ベータ版`);
    const first = tasks.first();
    const taskActions = (task: typeof first) => task.locator('.hisho-task-action').evaluateAll((els) => els.map((el) => el.getAttribute('data-action')));
    expect(await taskActions(first)).toEqual(['start', 'cancel']);

    await first.locator('.hisho-task-action[data-action="start"]').click();
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 10_000 }).toBe('in_progress');
    expect(await taskActions(first)).toEqual(['complete', 'cancel']);
    await first.locator('.hisho-task-edit').click();
    await first.locator('input[name="actualHours"]').fill('3');
    await first.locator('.hisho-task-save').click();
    await expect.poll(() => first.locator('.hisho-task-hours').textContent(), { timeout: 10_000 }).toBe('3 h spent');
    await first.locator('.hisho-task-action[data-action="complete"]').click();
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await taskActions(first)).toEqual([]);
    expect(await workflow.locator('.hisho-workflow-progress').textContent()).toBe('1 of 2 tasks done');

    // Another client changes the second task while the pane shows it: starting it is refused as stale, the workflow reloaded.
    const second = tasks.nth(1);
    const secondId = Number(await second.getAttribute('data-task'));
    expect((await daemonCall('PATCH', `/tasks/${secondId}`, { estimatedHours: 8 })).status).toBe(200);
    await second.locator('.hisho-task-action[data-action="start"]').click();
    await expect.poll(() => second.locator('.hisho-plan-message').textContent(), { timeout: 10_000 }).toBe(en['workflows.stale']);
    expect(await second.locator('.hisho-task-hours').textContent()).toBe('8 h estimated');
    await second.locator('.hisho-task-action[data-action="start"]').click();
    await expect.poll(() => second.getAttribute('data-status'), { timeout: 10_000 }).toBe('in_progress');
    // Cancelling cannot be undone: one click only asks, and moving on leaves the task as it was.
    const cancelSecond = second.locator('.hisho-task-action[data-action="cancel"]');
    await cancelSecond.click();
    expect(await cancelSecond.textContent()).toBe(en['workflows.confirm'].replace('{action}', en['workflows.task.action.cancel']));

    // The first task made to wait for the second, which already waits for it: refused, the cycle named.
    await first.locator('.hisho-task-edit').click();
    expect(await cancelSecond.textContent()).toBe(en['workflows.task.action.cancel']);
    expect((await daemonCall('GET', `/tasks/${secondId}`)).body.status).toBe('in_progress');
    await first.locator('.hisho-dependency-pick').selectOption({ label: 'Launch' });
    await first.locator('.hisho-dependency-add').click();
    await expect
      .poll(() => first.locator('.hisho-plan-message').textContent(), { timeout: 10_000 })
      .toBe(en['workflows.cycle'].replace('{cycle}', 'ベータ版 → Launch → ベータ版'));
    expect(await first.locator('.hisho-plan-message').getAttribute('role')).toBe('alert');
    expect(await first.locator('.hisho-task-after').count()).toBe(0);
    await h().screenshot('workflow-cycle');

    await first.locator('.hisho-task-history-toggle').click();
    const history = first.locator('.hisho-task-history-entry');
    await expect.poll(() => history.count(), { timeout: 10_000 }).toBe(4);
    expect(await history.evaluateAll((els) => els.map((el) => [el.querySelector('.hisho-task-history-action')?.textContent, el.querySelector('.hisho-task-history-change')?.textContent ?? null]))).toEqual([
      ['Created', null],
      ['Status', ' Assigned → In progress'],
      ['Actual hours', ' — → 3'],
      ['Status', ' In progress → Completed'],
    ]);
    await history.first().scrollIntoViewIfNeeded();
    await h().screenshot('workflow-history');
  });

  it('goes back to the list: the plan under approved, with the counts, and its workflow with its progress', async () => {
    await detail().locator('.hisho-plan-back').click();
    const workflowItem = pane().locator('.hisho-workflow-list .hisho-plan-item');
    await expect.poll(() => workflowItem.locator('.hisho-workflow-progress').allTextContents(), { timeout: 10_000 }).toEqual(['1 of 2 tasks done']);
    expect(await workflowItem.locator('.hisho-plan-item-title').textContent()).toBe(TITLE);
    expect(await workflowItem.locator('.hisho-plan-status').getAttribute('data-status')).toBe('active');
    const group = pane().locator('.hisho-plan-group[data-status="approved"]');
    await expect.poll(() => group.locator('.hisho-plan-group-count').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await pane().locator('.hisho-plan-group').count()).toBe(1);
    await group.locator('summary').click();
    expect(await group.locator('.hisho-plan-item-title').allTextContents()).toEqual([TITLE]);
    await h().screenshot('plans-list');
  });

  it('announces a plan an assistant drafted with a Notice, lists it in the pane, opens it and marks it read', async () => {
    provider = await startProtocolServer();
    const drafter = await daemonCall('POST', '/assistants', { name: '起案係', provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${provider.url}/v1` } });
    expect(drafter.status).toBe(201);
    const draft = {
      title: '引っ越しの計画',
      description: null,
      objective: '四月末までに引っ越す',
      scope: null,
      timeline: { startDate: '2025-04-01', endDate: '2025-04-30', milestones: [{ name: '荷造り', date: '2025-04-20' }] },
      resources: { people: [], cost: null, dependencies: [] },
      riskAssessment: null,
      successCriteria: ['四月中に完了'],
    };
    provider.script({ expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion(JSON.stringify(draft)) } });
    const drafted = await daemonCall('POST', '/plans/draft', { assistantId: drafter.body.id, prompt: '来月の引っ越しを計画して' });
    expect(drafted.status).toBe(201);
    provider.verify();

    // A new session: the plugin reads the notifications once connected and shows the new one.
    await harness?.close();
    harness = await startHarness({ daemonUrl: daemon!.url, token: daemon!.token });
    await expect.poll(() => h().page.locator('.notice').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining('引っ越しの計画')]);
    await h().openView('hisho-plans');
    const notification = pane().locator('.hisho-notification');
    await expect.poll(() => notification.count(), { timeout: 10_000 }).toBe(1);
    expect(await notification.locator('.hisho-notification-message').textContent()).toContain('起案係');
    // The plan list loads on its own, after or before the notifications.
    await expect
      .poll(() => pane().locator('.hisho-plan-group[data-status="submitted"] .hisho-plan-item-title').allTextContents(), { timeout: 10_000 })
      .toEqual(['引っ越しの計画']);
    await h().screenshot('plans-notification');

    await notification.locator('.hisho-notification-open').click();
    await shows('submitted', 1);
    expect(await detail().locator('.hisho-plan-title').textContent()).toBe('引っ越しの計画');
    expect(await detail().locator('.hisho-plan-assistant').textContent()).toBe('起案係');
    await detail().locator('.hisho-plan-back').click();
    await pane().locator('.hisho-notification-read').click();
    await expect.poll(() => notification.count()).toBe(0);
    const unread = await daemonCall('GET', '/notifications?unread=true');
    expect(unread.body.items).toEqual([]);
  });
});
