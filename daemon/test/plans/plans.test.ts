/**
 * The plans API over real HTTP (app.request) on every database target: create/read/list/delete,
 * optimistic concurrency (stale versions, concurrent approvals and edits), versions and diffs,
 * approvals with conditions through to the note, the note endpoint with a vault template.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDiffSchema, planNoteDataSchema, planSchema, planVersionSchema, type PlanDetail } from '../../../shared/contracts/plans';
import { PLAN_NOTE_END, PLAN_NOTE_START, regeneratePlanNote, renderPlanNote } from '../../../shared/plans/note';
import { aiAssistants, obsidianIntegrationSettings, planApprovals, plans, planVersions, workflows } from '../../src/db/schema';
import { MAX_TEMPLATE_BYTES } from '../../src/plans/template';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { act, api, asPlan, createAssistant, createPlan, planBody, planIn } from './helpers';

describe.each(testDatabaseTargets())('plans API on $kind', (target) => {
  let t: TestApp;
  let assistantId: number;
  let otherAssistantId: number;

  beforeAll(async () => {
    t = await createTestApp(await target.open());
  });
  afterAll(async () => t?.dispose());

  /** Rows of a table for one plan: nothing may be half-written. */
  async function rowsOf(planId: number) {
    const { db } = t.database;
    const [a] = await db.select({ n: count() }).from(planApprovals).where(eq(planApprovals.planId, planId));
    const [v] = await db.select({ n: count() }).from(planVersions).where(eq(planVersions.planId, planId));
    return { approvals: Number(a!.n), versions: Number(v!.n) };
  }

  describe('create, read, list, delete', () => {
    it('refuses a plan while no assistant exists to file it under', async () => {
      const r = await t.json('POST', api('/plans'), { body: planBody() });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('no_assistant');
      expect(r.body.error.message).toContain('POST /api/v1/assistants');
    });

    it('files a plan without assistantId under the first active assistant', async () => {
      const first = await createAssistant(t, '最初');
      assistantId = await createAssistant(t, '計画係');
      otherAssistantId = await createAssistant(t, '経理');
      await t.database.db.update(aiAssistants).set({ isActive: false }).where(eq(aiAssistants.id, first));
      const plan = await createPlan(t);
      expect(plan).toMatchObject({ assistantId, assistantName: '計画係', status: 'draft', version: 1, approvals: [], conditions: [], allowedActions: ['edit', 'submit', 'delete'] });
      expect(plan.timeline.milestones).toHaveLength(2);
      expect(plan.resources.cost).toEqual({ currency: 'JPY', items: [{ name: '広告', amount: 500000 }] });
      const inactive = await t.json('POST', api('/plans'), { body: { ...planBody(), assistantId: first } });
      expect(inactive.status).toBe(409);
      expect(inactive.body.error.code).toBe('assistant_inactive');
      const unknown = await t.json('POST', api('/plans'), { body: { ...planBody(), assistantId: 999_999 } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('unknown_reference');
    });

    it('lists by status, assistant and workflow, newest change first', async () => {
      const mine = await createPlan(t, { title: 'リスト用' });
      const [wf] = await t.database.db.insert(workflows).values({ name: 'ローンチ', workflowType: 'project' }).returning();
      await t.database.db.update(plans).set({ workflowId: wf!.id }).where(eq(plans.id, mine.id));
      const theirs = asPlan(await t.json('POST', api('/plans'), { body: { ...planBody({ title: '経理のプラン' }), assistantId: otherAssistantId } }), 201);
      const submitted = asPlan(await act(t, theirs, 'submit'));

      const byStatus = await t.json('GET', api('/plans?status=submitted'));
      expect(byStatus.status).toBe(200);
      expect(byStatus.body.items.map((p: PlanDetail) => p.id)).toEqual([submitted.id]);
      byStatus.body.items.forEach((p: unknown) => planSchema.parse(p));

      const byAssistant = await t.json('GET', api(`/plans?assistantId=${otherAssistantId}`));
      expect(byAssistant.body).toMatchObject({ total: 1, items: [{ id: theirs.id, assistantName: '経理' }] });
      const byWorkflow = await t.json('GET', api(`/plans?workflowId=${wf!.id}`));
      expect(byWorkflow.body).toMatchObject({ total: 1, items: [{ id: mine.id, workflowId: wf!.id }] });

      const all = await t.json('GET', api('/plans?limit=2'));
      expect(all.body.items).toHaveLength(2);
      expect(all.body.items[0].id).toBe(submitted.id); // changed last
      expect(all.body.total).toBeGreaterThanOrEqual(3);
    });

    it('soft-deletes: the row stays, the API no longer shows it', async () => {
      const plan = await createPlan(t, { title: '消すプラン' });
      const r = await t.request('DELETE', api(`/plans/${plan.id}?expectedVersion=1`));
      expect(r.status).toBe(204);
      expect((await t.json('GET', api(`/plans/${plan.id}`))).status).toBe(404);
      const list = await t.json('GET', api('/plans?limit=500'));
      expect(list.body.items.some((p: PlanDetail) => p.id === plan.id)).toBe(false);
      const [row] = await t.database.db.select().from(plans).where(eq(plans.id, plan.id));
      expect(row?.deletedAt).toBeInstanceOf(Date);
      const again = await t.json('DELETE', api(`/plans/${plan.id}?expectedVersion=1`));
      expect(again.status).toBe(404);
    });
  });

  describe('optimistic concurrency', () => {
    it('refuses an edit made on a stale version, and changes nothing', async () => {
      const plan = await createPlan(t);
      const edited = asPlan(await t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: 1, title: '第二版' } }));
      expect(edited.version).toBe(2);
      const stale = await t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: 1, title: '古い画面からの編集' } });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'stale_version', details: { expectedVersion: 1, currentVersion: 2 } });
      expect(stale.body.error.message).toContain('version 2');
      expect(asPlan(await t.json('GET', api(`/plans/${plan.id}`)))).toEqual(edited);
      const staleDelete = await t.json('DELETE', api(`/plans/${plan.id}?expectedVersion=1`));
      expect(staleDelete.body.error.code).toBe('stale_version');
    });

    it('refuses an approval of a version the approver has not seen', async () => {
      const seen = await planIn(t, 'under_review');
      const revising = asPlan(await act(t, seen, 'request-revision', { comments: '予算を減らして' }));
      const revised = asPlan(await t.json('PATCH', api(`/plans/${seen.id}`), { body: { expectedVersion: revising.version, resources: { people: [] } } }));
      const again = asPlan(await act(t, asPlan(await act(t, revised, 'submit')), 'start-review'));
      expect(again.version).toBe(seen.version + 1);
      const r = await act(t, seen, 'approve'); // the approver's pane still shows the old version
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('stale_version');
      expect(await rowsOf(seen.id)).toMatchObject({ approvals: 1 });
    });

    it('lets exactly one of two concurrent decisions through', async () => {
      for (let round = 0; round < 5; round++) {
        const plan = await planIn(t, 'under_review');
        const [a, b] = await Promise.all([act(t, plan, 'approve', { conditions: [`条件${round}`] }), round % 2 ? act(t, plan, 'reject', { reason: '却下' }) : act(t, plan, 'approve')]);
        const statuses = [a.status, b.status].sort();
        expect(statuses).toEqual([200, 409]);
        const loser = a.status === 409 ? a : b;
        expect(['illegal_transition', 'stale_version']).toContain(loser.body.error.code);
        expect(await rowsOf(plan.id)).toMatchObject({ approvals: 1 });
        const final = asPlan(await t.json('GET', api(`/plans/${plan.id}`)));
        expect(final.approvals).toHaveLength(1);
        expect(final.status).toBe(final.approvals[0]!.action === 'approve' ? 'approved' : 'rejected');
      }
    });

    it('lets exactly one of two concurrent edits through', async () => {
      const plan = await createPlan(t);
      const [a, b] = await Promise.all(
        ['画面Aの題名', '画面Bの題名'].map((title) => t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: 1, title } })),
      );
      expect([a!.status, b!.status].sort()).toEqual([200, 409]);
      const winner = a!.status === 200 ? a! : b!;
      const final = asPlan(await t.json('GET', api(`/plans/${plan.id}`)));
      expect(final).toMatchObject({ version: 2, title: winner.body.title });
    });

    it.runIf(target.kind === 'postgres')('resolves a true race (both read before either writes) with the conditional UPDATE', async () => {
      const plan = await planIn(t, 'under_review');
      // Hold the row so both requests read it, then both wait at their UPDATE; release and let them race.
      // Returned wrapped: a promise returned from the callback would keep the transaction (and the lock) open until it settles.
      const { racing } = await t.database.db.transaction(async (tx) => {
        await tx.execute(sql`select id from plans where id = ${plan.id} for update`);
        const both = Promise.all([act(t, plan, 'approve', { conditions: ['A'] }), act(t, plan, 'request-revision', { comments: 'B' })]);
        for (;;) {
          const waiting = (await t.database.db.execute(
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "plans"%'`,
          )) as unknown as { rows: Array<{ n: number }> };
          if (Number(waiting.rows[0]?.n) >= 2) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return { racing: both };
      });
      const results = await racing;
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.error.code).toBe('illegal_transition');
      expect(await rowsOf(plan.id)).toMatchObject({ approvals: 1 });
    });
  });

  describe('versions and diffs', () => {
    it('snapshots from the first submission on and compares any two versions, Japanese included', async () => {
      let plan = await createPlan(t, { title: '議事録システム導入' });
      // Edits of a draft are not versions yet.
      plan = asPlan(await t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: plan.version, objective: '来週までに議事録をまとめる' } }));
      expect((await t.json('GET', api(`/plans/${plan.id}/versions`))).body).toEqual({ items: [], total: 0 });

      plan = asPlan(await act(t, plan, 'submit'));
      plan = asPlan(await act(t, plan, 'start-review'));
      plan = asPlan(await act(t, plan, 'request-revision', { comments: '期限と費用を見直してください', conditions: ['費用を50万円以下にする'] }));
      expect(plan.conditions).toEqual([{ text: '費用を50万円以下にする', approvalId: plan.approvals[0]!.id, action: 'request_revision' }]);

      plan = asPlan(
        await t.json('PATCH', api(`/plans/${plan.id}`), {
          body: {
            expectedVersion: plan.version,
            objective: '再来週までに議事録と資料をまとめる',
            changeSummary: '期限を延ばした',
            timeline: { startDate: '2025-02-01', endDate: '2025-04-15', milestones: [{ name: 'ベータ版', date: '2025-02-25' }, { name: '本番', date: '2025-04-15' }] },
          },
        }),
      );
      plan = asPlan(
        await t.json('PATCH', api(`/plans/${plan.id}`), {
          body: { expectedVersion: plan.version, resources: { cost: { currency: 'JPY', items: [{ name: '広告', amount: 400000 }] } }, successCriteria: ['予約1200件'] },
        }),
      );
      plan = asPlan(await act(t, plan, 'submit')); // no new snapshot: version 4 was recorded by its edit

      const versions = await t.json('GET', api(`/plans/${plan.id}/versions`));
      expect(versions.status).toBe(200);
      versions.body.items.forEach((v: unknown) => planVersionSchema.parse(v));
      expect(versions.body.items.map((v: { versionNumber: number; changeSummary: string; createdBy: number }) => [v.versionNumber, v.changeSummary, v.createdBy])).toEqual([
        [2, 'Submitted for approval', t.localUserId],
        [3, '期限を延ばした', t.localUserId],
        [4, 'Changed resources, success criteria', t.localUserId],
      ]);
      expect(versions.body.items[0].objective).toBe('来週までに議事録をまとめる');

      const diff = await t.json('GET', api(`/plans/${plan.id}/compare?from=2&to=4`));
      expect(diff.status).toBe(200);
      const d = planDiffSchema.parse(diff.body);
      expect(d).toMatchObject({ planId: plan.id, from: 2, to: 4, changed: true });
      expect(d.text.find((f) => f.field === 'objective')!.segments).toEqual([
        { op: 'delete', text: '来週' },
        { op: 'insert', text: '再来週' },
        { op: 'equal', text: 'までに議事録' },
        { op: 'insert', text: 'と資料' },
        { op: 'equal', text: 'をまとめる' },
      ]);
      expect(d.text.find((f) => f.field === 'title')!.changed).toBe(false);
      expect(d.milestones.added).toEqual([{ name: '本番', date: '2025-04-15' }]);
      expect(d.milestones.removed).toEqual([{ name: 'Launch', date: '2025-03-31' }]);
      expect(d.milestones.changed).toEqual([{ key: 'ベータ版', before: { name: 'ベータ版', date: '2025-02-20' }, after: { name: 'ベータ版', date: '2025-02-25' } }]);
      expect(d.costItems.changed).toEqual([{ key: '広告', before: { name: '広告', amount: 500000 }, after: { name: '広告', amount: 400000 } }]);
      expect(d.people.removed).toEqual([{ name: '田中', role: 'PM', allocation: 50 }]);
      expect(d.successCriteria.changed).toEqual([{ key: '予約1000件', before: '予約1000件', after: '予約1200件' }]);

      const backwards = planDiffSchema.parse((await t.json('GET', api(`/plans/${plan.id}/compare?from=4&to=2`))).body);
      expect(backwards.milestones.added).toEqual([{ name: 'Launch', date: '2025-03-31' }]);
      const same = planDiffSchema.parse((await t.json('GET', api(`/plans/${plan.id}/compare?from=3&to=3`))).body);
      expect(same.changed).toBe(false);

      const missing = await t.json('GET', api(`/plans/${plan.id}/compare?from=1&to=4`));
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toContain('no version 1');
    });
  });

  describe('approvals with conditions, through to the note', () => {
    it('keeps every decision with its comments and conditions, shows them on the plan and in its note', async () => {
      let plan = await planIn(t, 'revision_requested');
      plan = asPlan(await t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: plan.version, scope: '国内と台湾' } }));
      plan = asPlan(await act(t, asPlan(await act(t, plan, 'submit')), 'start-review'));
      plan = asPlan(await act(t, plan, 'approve', { comments: '条件付きで承認します', conditions: ['予算上限を守る', '毎週進捗を報告する'] }));

      const approvals = await t.json('GET', api(`/plans/${plan.id}/approvals`));
      expect(approvals.body.items.map((a: { action: string; status: string; comments: string; conditions: string[] }) => [a.action, a.status, a.comments, a.conditions])).toEqual([
        ['request_revision', 'revision_requested', '日程を見直してください', ['ベータ版を早める']],
        ['approve', 'approved', '条件付きで承認します', ['予算上限を守る', '毎週進捗を報告する']],
      ]);
      expect(plan.conditions.map((c) => c.text)).toEqual(['ベータ版を早める', '予算上限を守る', '毎週進捗を報告する']);

      const note = await t.json('GET', api(`/plans/${plan.id}/note`));
      expect(note.status).toBe(200);
      const data = planNoteDataSchema.parse(note.body);
      expect(data).toMatchObject({ language: 'ja', template: null }); // the default preference
      expect(data.plan).toEqual(plan);
      const markdown = renderPlanNote(data.plan, { language: data.language });
      expect(markdown).toContain('## 承認条件\n\n- [ ] ベータ版を早める\n- [ ] 予算上限を守る\n- [ ] 毎週進捗を報告する\n');
      expect(markdown).toContain('- **承認** · ');
      expect(markdown).toContain('  条件付きで承認します\n  条件: 予算上限を守る / 毎週進捗を報告する');
      expect(markdown).toContain('hisho-plan-status: approved\nhisho-plan-version: 2\n');

      // The person ticks a condition and writes below the plan; the plan's note is regenerated.
      const ticked = markdown.replace('- [ ] 予算上限を守る', '- [x] 予算上限を守る') + '\n進捗メモ: 第1週は順調。\n';
      const renamed = asPlan(await t.json('GET', api(`/plans/${plan.id}`)));
      const regenerated = regeneratePlanNote(ticked, { ...renamed, title: '新しい題名' }, { language: data.language });
      expect(regenerated).toContain('- [x] 予算上限を守る');
      expect(regenerated).toContain('# 新しい題名');
      expect(regenerated.endsWith(`${PLAN_NOTE_END}\n\n進捗メモ: 第1週は順調。\n`)).toBe(true);
    });

    it('creates the workflow with a task per milestone when asked at approval, in the same transaction', async () => {
      const without = await planIn(t, 'approved');
      expect(without.workflowId).toBeNull();

      const plan = asPlan(await act(t, await planIn(t, 'under_review'), 'approve', { createWorkflow: true }));
      expect(plan.status).toBe('approved');
      expect(plan.workflowId).toEqual(expect.any(Number));
      const tasks = await t.json('GET', api(`/workflows/${plan.workflowId}/tasks`));
      expect(tasks.status, JSON.stringify(tasks.body)).toBe(200);
      expect(tasks.body.items.map((x: { name: string; dueDate: string }) => [x.name, x.dueDate.slice(0, 10)])).toEqual([
        ['ベータ版', '2025-02-20'],
        ['Launch', '2025-03-31'],
      ]);
      const summary = await t.json('GET', api(`/workflows/${plan.workflowId}/summary`));
      expect(summary.body).toMatchObject({ totalTasks: 2, completedTasks: 0 });

      // A workflow that cannot be created (the plan already has one) rolls the approval back whole.
      const other = await planIn(t, 'under_review');
      await t.database.db.update(plans).set({ workflowId: plan.workflowId }).where(eq(plans.id, other.id));
      const refused = await act(t, asPlan(await t.json('GET', api(`/plans/${other.id}`))), 'approve', { createWorkflow: true });
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      const after = asPlan(await t.json('GET', api(`/plans/${other.id}`)));
      expect(after.status).toBe('under_review');
      expect(await rowsOf(other.id)).toMatchObject({ approvals: 0 });
    });

    it('rejects with the reason recorded on the plan and in the history', async () => {
      const plan = asPlan(await act(t, await planIn(t, 'under_review'), 'reject', { reason: '費用対効果が低い', comments: '来期に再検討' }));
      expect(plan).toMatchObject({ status: 'rejected', rejectionReason: '費用対効果が低い', allowedActions: ['copy', 'delete'] });
      expect(plan.approvals[0]).toMatchObject({ action: 'reject', status: 'rejected', comments: '費用対効果が低い\n\n来期に再検討', conditions: [] });
    });
  });

  describe('the note endpoint and the vault template', () => {
    let vaultDir: string;
    let vaultId: number;
    beforeAll(async () => {
      vaultDir = await mkdtemp(path.join(os.tmpdir(), 'hisho-plan-vault-'));
      const [vault] = await t.database.db.insert(obsidianIntegrationSettings).values({ vaultPath: vaultDir, templateFolder: 'テンプレート' }).returning();
      vaultId = vault!.id;
    });
    afterAll(async () => rm(vaultDir, { recursive: true, force: true }));

    it('serves no template while the vault has none, then the vault’s template, rendered by the shared code', async () => {
      const plan = await createPlan(t, { title: 'テンプレートの確認' });
      const none = planNoteDataSchema.parse((await t.json('GET', api(`/plans/${plan.id}/note?vaultId=${vaultId}`))).body);
      expect(none.template).toBeNull();

      await mkdir(path.join(vaultDir, 'テンプレート'), { recursive: true });
      const template = '\uFEFF---\ncategory: 計画\n---\n# {{title}}\n\n{{gantt}}\n\n{{conditions}}\n';
      await writeFile(path.join(vaultDir, 'テンプレート', 'hisho-plan.md'), template);
      const data = planNoteDataSchema.parse((await t.json('GET', api(`/plans/${plan.id}/note?vaultId=${vaultId}`))).body);
      expect(data.template).toEqual({ path: 'テンプレート/hisho-plan.md', content: template.slice(1) });
      const note = renderPlanNote(data.plan, { language: data.language, template: data.template!.content });
      expect(note).toContain('\ncategory: 計画\ntags:\n  - hisho/plan\n---\n');
      expect(note).toContain(`${PLAN_NOTE_START}\n# テンプレートの確認\n\n\`\`\`mermaid\ngantt\n`);
      expect(note).toContain(`まだありません。\n${PLAN_NOTE_END}`);
    });

    it('a vault without a template folder of Hisho’s own takes the plan template from Obsidian’s, in the config folder named', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'hisho-plan-obsidian-'));
      try {
        const [vault] = await t.database.db.insert(obsidianIntegrationSettings).values({ vaultPath: dir, templateFolder: null }).returning();
        await mkdir(path.join(dir, '.config'));
        await writeFile(path.join(dir, '.config', 'templates.json'), JSON.stringify({ folder: '雛形' }));
        await mkdir(path.join(dir, '雛形'));
        await writeFile(path.join(dir, '雛形', 'hisho-plan.md'), '# {{title}}\n');
        const plan = await createPlan(t);
        const note = async (query: string) => planNoteDataSchema.parse((await t.json('GET', api(`/plans/${plan.id}/note?vaultId=${vault!.id}${query}`))).body).template;
        expect(await note('&configDir=.config')).toEqual({ path: '雛形/hisho-plan.md', content: '# {{title}}\n' });
        // Without the name, `.obsidian`, which this vault does not have: the default folder, no template there.
        expect(await note('')).toBeNull();
        const bad = await t.json('GET', api(`/plans/${plan.id}/note?vaultId=${vault!.id}&configDir=..`));
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toContain('configDir');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('follows the preferred language and refuses unknown vaults and oversized templates', async () => {
      const plan = await createPlan(t);
      expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
      expect((await t.json('GET', api(`/plans/${plan.id}/note`))).body.language).toBe('en');
      await t.json('PATCH', api('/preferences'), { body: { language: 'ja' } });

      expect((await t.json('GET', api(`/plans/${plan.id}/note?vaultId=999999`))).status).toBe(404);
      await writeFile(path.join(vaultDir, 'テンプレート', 'hisho-plan.md'), 'x'.repeat(MAX_TEMPLATE_BYTES + 1));
      const big = await t.json('GET', api(`/plans/${plan.id}/note?vaultId=${vaultId}`));
      expect(big.status).toBe(422);
      expect(big.body.error.code).toBe('template_too_large');
    });
  });

  describe('bad input', () => {
    it.each([
      ['an end before the start', { timeline: { startDate: '2025-03-01', endDate: '2025-02-01' } }, 'timeline.endDate: endDate 2025-02-01 is before startDate 2025-03-01'],
      ['a milestone outside the span', { timeline: { startDate: '2025-03-01', endDate: '2025-03-31', milestones: [{ name: '早すぎる', date: '2025-02-01' }] } }, 'is outside the plan'],
      ['a date that does not exist', { timeline: { startDate: '2025-02-30', endDate: '2025-03-31' } }, 'timeline.startDate: a date must be a real day'],
      ['a negative cost', { resources: { cost: { currency: 'JPY', items: [{ name: '返金', amount: -100 }] } } }, 'cost amounts must not be negative'],
      ['an unknown field', { owner: '田中' }, 'Unrecognized key'],
      ['a missing objective', { objective: undefined }, 'objective'],
      ['a 25,000-character description', { description: 'あ'.repeat(25_000) }, 'description must be at most 20000 characters'],
    ])('refuses a plan with %s (400, nothing stored)', async (_name, override, message) => {
      const [before] = await t.database.db.select({ n: count() }).from(plans);
      const r = await t.json('POST', api('/plans'), { body: planBody(override) });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.message).toContain(message);
      const [after] = await t.database.db.select({ n: count() }).from(plans);
      expect(Number(after!.n)).toBe(Number(before!.n));
    });

    it('refuses a 1 MB description before reading it', async () => {
      const r = await t.json('POST', api('/plans'), { body: planBody({ description: 'a'.repeat(1024 * 1024) }) });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('payload_too_large');
    });

    it('refuses unknown enum values and malformed queries with a message saying what to send', async () => {
      const status = await t.json('GET', api('/plans?status=done'));
      expect(status.status).toBe(400);
      expect(status.body.error.message).toContain('status must be one of draft, submitted, under_review, approved, rejected, revision_requested');
      expect((await t.json('GET', api('/plans/1/compare?from=a&to=2'))).body.error.message).toContain('from must be a number');
      expect((await t.json('GET', api('/notifications?unread=yes'))).body.error.message).toContain('unread must be true or false');
      expect((await t.json('POST', api('/notifications/not-a-uuid/read'))).status).toBe(400);
    });

    it('refuses changes without what they need, and leaves the plan as it was', async () => {
      const plan = await planIn(t, 'under_review');
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', 'approve', { conditions: ['a'] }, 'expectedVersion'],
        ['POST', 'reject', { expectedVersion: plan.version }, 'reason'],
        ['POST', 'request-revision', { expectedVersion: plan.version }, 'comments'],
        ['POST', 'approve', { expectedVersion: plan.version, conditions: ['  '] }, 'a condition must not be empty'],
        ['POST', 'approve', { expectedVersion: plan.version, conditions: Array.from({ length: 51 }, (_, i) => `c${i}`) }, 'at most 50 conditions'],
        ['POST', 'approve', { expectedVersion: plan.version, action: 'approve' }, 'Unrecognized key'],
      ];
      for (const [method, action, body, message] of cases) {
        const r = await t.json(method, api(`/plans/${plan.id}/${action}`), { body });
        expect(r.status, action).toBe(400);
        expect(r.body.error.message).toContain(message);
      }
      expect((await t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: plan.version } })).body.error.message).toContain('send at least one field to change');
      expect((await t.json('DELETE', api(`/plans/${plan.id}`))).body.error.message).toContain('expectedVersion');
      expect((await t.request('POST', api(`/plans/${plan.id}/approve`), { rawBody: 'expectedVersion=1', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect(asPlan(await t.json('GET', api(`/plans/${plan.id}`)))).toEqual(plan);
    });

    it('rolls back the status change when its approval record cannot be stored', async () => {
      const plan = await planIn(t, 'under_review');
      const r = await act(t, plan, 'approve', { conditions: ['NUL\u0000を含む条件'] });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_text');
      expect(asPlan(await t.json('GET', api(`/plans/${plan.id}`)))).toEqual(plan);
      expect(await rowsOf(plan.id)).toEqual({ approvals: 0, versions: 1 });
    });

    it('refuses edits in the wrong status with the allowed actions', async () => {
      const plan = await planIn(t, 'submitted');
      const r = await t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: plan.version, title: 'まだ直せない' } });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'illegal_transition', details: { status: 'submitted', allowedActions: ['start_review'] } });
      expect(r.body.error.message).toBe('A plan that is submitted cannot edit; allowed now: start_review');
    });

    it('answers 404 for plans that do not exist', async () => {
      expect((await t.json('GET', api('/plans/999999'))).status).toBe(404);
      expect((await t.json('POST', api('/plans/999999/submit'), { body: { expectedVersion: 1 } })).status).toBe(404);
      expect((await t.json('GET', api('/plans/999999/versions'))).status).toBe(404);
      expect((await t.json('POST', api('/plans/999999/copy'))).status).toBe(404);
    });
  });
});
