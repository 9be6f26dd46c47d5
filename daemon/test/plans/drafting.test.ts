/**
 * Plans drafted by an assistant, with the scripted model (fails on any call not scripted), on every
 * database and cache target: from a prompt and from a discussion's consensus, rule failures retried
 * once then refused, and the notification each draft raises.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notificationSchema, planVersionSchema } from '../../../shared/contracts/plans';
import { AiError } from '../../src/ai/errors';
import { NOTIFICATION_TTL, notificationKey } from '../../src/cache/keys';
import { aiAssistants, aiDiscussions, plans } from '../../src/db/schema';
import { ScriptedModel } from '../ai/scripted-model';
import { createTestApp, type TestApp } from '../helpers/app';
import { testCacheTargets, type DisposableCache } from '../helpers/caches';
import { testDatabaseTargets } from '../helpers/databases';
import { api, asPlan, createAssistant } from './helpers';

/** A plan as a model would answer it. */
function draft(overrides: Record<string, unknown> = {}) {
  return {
    title: '議事録システムの導入',
    description: '会議の議事録を自動でまとめる仕組みを入れる。',
    objective: '議事録作成の時間を半分にする',
    scope: '社内の定例会議',
    timeline: { startDate: '2025-04-01', endDate: '2025-06-30', milestones: [{ name: '試験運用', date: '2025-05-01' }] },
    resources: { people: [{ name: '山田', role: '担当' }], cost: { currency: 'JPY', items: [{ name: 'ライセンス', amount: 120000 }] }, dependencies: [] },
    riskAssessment: '定着しない可能性',
    successCriteria: ['作成時間が半分になる'],
    ...overrides,
  };
}

const combos = testDatabaseTargets().flatMap((db) => testCacheTargets().map((cache) => ({ db, cache, name: `${db.kind} + ${cache.kind}` })));

describe.each(combos)('plan drafting on $name', ({ db, cache }) => {
  let t: TestApp;
  let store: DisposableCache;
  let assistantId: number;
  const model = new ScriptedModel();

  beforeAll(async () => {
    store = await cache.open();
    t = await createTestApp(await db.open(), store, { models: model.factory() });
    assistantId = await createAssistant(t, '計画係');
  });
  afterEach(() => model.verify());
  afterAll(async () => {
    await t?.dispose();
    await store?.dispose();
  });

  const planCount = async () => Number((await t.database.db.select({ n: count() }).from(plans))[0]!.n);
  const notifications = async (query = '') => (await t.json('GET', api(`/notifications${query}`))).body;

  it('drafts a plan from a prompt: submitted, version 1 recorded, notification stored for seven days', async () => {
    const prompt = '来期に議事録を自動化する計画を立てて';
    model.script({
      call: 'generateObject',
      check: (req, config) => {
        expect(config?.assistantId).toBe(assistantId);
        expect(req.messages).toEqual([{ role: 'user', content: prompt }]);
        expect(req.system).toContain('"計画係"');
        expect(req.system).toMatch(/Today is \d{4}-\d{2}-\d{2}\. Write every date as YYYY-MM-DD/);
        expect(req.system).toContain('Japanese');
      },
      reply: { object: draft() },
    });
    const plan = asPlan(await t.json('POST', api('/plans/draft'), { body: { prompt } }), 201);
    expect(plan).toMatchObject({ status: 'submitted', version: 1, assistantId, title: '議事録システムの導入', allowedActions: ['start_review'], approvals: [] });
    expect(plan.submittedAt).not.toBeNull();
    expect(plan.timeline.milestones).toEqual([{ name: '試験運用', date: '2025-05-01' }]);

    const versions = (await t.json('GET', api(`/plans/${plan.id}/versions`))).body.items.map((v: unknown) => planVersionSchema.parse(v));
    expect(versions).toMatchObject([{ versionNumber: 1, changeSummary: 'Drafted by 計画係 from a prompt', createdBy: null }]);

    const [assistant] = await t.database.db.select().from(aiAssistants).where(eq(aiAssistants.id, assistantId));
    expect(assistant!.usageCount).toBe(1);

    const list = await notifications('?unread=true');
    expect(list.total).toBe(1);
    const n = notificationSchema.parse(list.items[0]);
    expect(n).toMatchObject({ type: 'plan_drafted', planId: plan.id, read: false, message: '計画係 がプラン「議事録システムの導入」を作成しました。レビューをお待ちしています。' });
    const ttl = await store.ttl(notificationKey(String(t.localUserId), n.id));
    expect(ttl).toBeGreaterThan(NOTIFICATION_TTL - 600);
    expect(ttl).toBeLessThanOrEqual(NOTIFICATION_TTL);

    const read = await t.json('POST', api(`/notifications/${n.id}/read`));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: n.id, read: true });
    expect((await notifications('?unread=true')).total).toBe(0);
    expect((await notifications('?unread=false')).items).toMatchObject([{ id: n.id, read: true }]);
    expect(await store.ttl(notificationKey(String(t.localUserId), n.id))).toBeGreaterThan(0);
    const unknown = await t.json('POST', api('/notifications/00000000-0000-4000-8000-000000000000/read'));
    expect(unknown.status).toBe(404);
  });

  it('sends a plan that breaks the rules back once with the problems, and keeps the corrected one', async () => {
    model.script(
      { call: 'generateObject', reply: { object: draft({ timeline: { startDate: '2025-06-30', endDate: '2025-04-01', milestones: [] } }) } },
      {
        call: 'generateObject',
        check: (req) => {
          expect(req.messages).toHaveLength(3);
          expect(req.messages[1]!.role).toBe('assistant');
          expect(req.messages[2]!.content).toContain('timeline.endDate: endDate 2025-04-01 is before startDate 2025-06-30');
        },
        reply: { object: draft({ title: '修正済みの計画' }) },
      },
    );
    const plan = asPlan(await t.json('POST', api('/plans/draft'), { body: { prompt: '計画を立てて', assistantId } }), 201);
    expect(plan.title).toBe('修正済みの計画');
  });

  it('refuses a plan that breaks the rules twice, storing nothing', async () => {
    const before = await planCount();
    const unread = (await notifications('?unread=true')).total;
    const bad = draft({ timeline: { startDate: '2025-04-01', endDate: '2025-06-30', milestones: [{ name: '完了', date: '2025-07-15' }] } });
    model.script({ call: 'generateObject', reply: { object: bad } }, { call: 'generateObject', reply: { object: bad } });
    const r = await t.json('POST', api('/plans/draft'), { body: { prompt: '計画を立てて' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('draft_invalid');
    expect(r.body.error.message).toContain('milestone "完了" on 2025-07-15 is outside the plan (2025-04-01 – 2025-06-30)');
    expect(r.body.error.details.problems).toEqual(['timeline.milestones.0.date: milestone "完了" on 2025-07-15 is outside the plan (2025-04-01 – 2025-06-30)']);
    expect(await planCount()).toBe(before);
    expect((await notifications('?unread=true')).total).toBe(unread);
  });

  it('refuses at once an answer that is not the plan’s JSON shape (the provider layer already retried it)', async () => {
    const before = await planCount();
    model.script({ call: 'generateObject', reply: { error: new AiError({ kind: 'schema_mismatch', who: 'scripted:test', reason: 'timeline is required' }) } });
    const r = await t.json('POST', api('/plans/draft'), { body: { prompt: '計画を立てて' } });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'draft_invalid' });
    expect(r.body.error.message).toContain('timeline is required');
    expect(await planCount()).toBe(before);
  });

  it('reports a provider that cannot be reached as 502, storing nothing', async () => {
    model.script({ call: 'generateObject', reply: { error: new AiError({ kind: 'unreachable', who: 'Ollama' }) } });
    const r = await t.json('POST', api('/plans/draft'), { body: { prompt: '計画を立てて' } });
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ code: 'ai_unreachable', message: 'Ollama に接続できませんでした。サーバーが起動していて、ベース URL が正しいか確認してください。' });
  });

  it('drafts from a discussion’s consensus', async () => {
    const [d] = await t.database.db
      .insert(aiDiscussions)
      .values({ title: '議事録の改善', topic: '議事録の自動化', discussionType: 'collaborative', status: 'completed', consensusReached: true, consensusSummary: '音声認識で下書きを作り、担当者が確認する。' })
      .returning();
    model.script({
      call: 'generateObject',
      check: (req) => {
        const content = req.messages[0]!.content;
        expect(content).toContain('Topic: 議事録の自動化');
        expect(content).toContain('音声認識で下書きを作り、担当者が確認する。');
      },
      reply: { object: draft({ title: '音声認識による議事録' }) },
    });
    const plan = asPlan(await t.json('POST', api('/plans/draft'), { body: { discussionId: d!.id } }), 201);
    const versions = (await t.json('GET', api(`/plans/${plan.id}/versions`))).body.items;
    expect(versions[0].changeSummary).toBe(`Drafted by 計画係 from discussion ${d!.id}`);
  });

  it('refuses what cannot be drafted, without calling the model', async () => {
    const [open] = await t.database.db.insert(aiDiscussions).values({ title: '進行中', topic: '未決', discussionType: 'debate' }).returning();
    const noConsensus = await t.json('POST', api('/plans/draft'), { body: { discussionId: open!.id } });
    expect(noConsensus.status).toBe(409);
    expect(noConsensus.body.error.code).toBe('no_consensus');
    expect((await t.json('POST', api('/plans/draft'), { body: { discussionId: 999_999 } })).status).toBe(404);
    for (const body of [{}, { prompt: 'a', discussionId: open!.id }]) {
      const r = await t.json('POST', api('/plans/draft'), { body });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('send either prompt or discussionId (exactly one)');
    }
    const keyless = (await t.json('POST', api('/assistants'), { body: { name: '鍵なし', provider: 'openai', model: 'gpt-4o-mini' } })).body.id;
    const notConfigured = await t.json('POST', api('/plans/draft'), { body: { prompt: '計画', assistantId: keyless } });
    expect(notConfigured.status).toBe(409);
    expect(notConfigured.body.error.code).toBe('assistant_not_configured');
  });
});
