import { expect } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { planDetailSchema, type PlanDetail, type PlanStatus } from '../../../shared/contracts/plans';
import type { TestApp } from '../helpers/app';

export const api = (path: string) => `${API_PREFIX}${path}`;

/** A valid plan body (Japanese, as the person often writes). */
export function planBody(overrides: Record<string, unknown> = {}) {
  return {
    title: '春の新製品ローンチ',
    description: '新製品を三月に発売する。',
    objective: '初月の予約を1000件にする',
    scope: '国内のオンライン販売のみ',
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
    ...overrides,
  };
}

export async function createAssistant(t: TestApp, name = '計画係'): Promise<number> {
  const r = await t.json('POST', api('/assistants'), { body: { name, provider: 'openai_compatible', model: 'llama3.2' } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** Checks the answer against the contract and returns the plan. */
export function asPlan(r: { status: number; body: unknown }, status = 200): PlanDetail {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return planDetailSchema.parse(r.body);
}

export async function createPlan(t: TestApp, overrides: Record<string, unknown> = {}): Promise<PlanDetail> {
  return asPlan(await t.json('POST', api('/plans'), { body: planBody(overrides) }), 201);
}

export async function act(t: TestApp, plan: PlanDetail, path: 'submit' | 'start-review' | 'approve' | 'reject' | 'request-revision', extra: Record<string, unknown> = {}) {
  return t.json('POST', api(`/plans/${plan.id}/${path}`), { body: { expectedVersion: plan.version, ...extra } });
}

/** A new plan brought to `status` through the API. */
export async function planIn(t: TestApp, status: PlanStatus): Promise<PlanDetail> {
  let plan = await createPlan(t);
  if (status === 'draft') return plan;
  plan = asPlan(await act(t, plan, 'submit'));
  if (status === 'submitted') return plan;
  plan = asPlan(await act(t, plan, 'start-review'));
  if (status === 'under_review') return plan;
  if (status === 'approved') return asPlan(await act(t, plan, 'approve', { comments: 'よい計画です', conditions: ['予算上限を守る'] }));
  if (status === 'rejected') return asPlan(await act(t, plan, 'reject', { reason: '費用が大きすぎる' }));
  return asPlan(await act(t, plan, 'request-revision', { comments: '日程を見直してください', conditions: ['ベータ版を早める'] }));
}
