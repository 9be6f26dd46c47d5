import { describe, expect, it } from 'vitest';
import { isIsoDate, planContentSchema, resourcesSchema, timelineSchema } from '../../plans/schemas';

const issues = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('plan content schemas', () => {
  it('knows real days', () => {
    expect(['2025-01-31', '2024-02-29', '2000-02-29'].every(isIsoDate)).toBe(true);
    expect(['2025-02-29', '1900-02-29', '2025-13-01', '2025-1-01', '2025-01-01T00:00:00Z', '令和7年1月1日'].some(isIsoDate)).toBe(false);
  });

  it('accepts a timeline whose milestones lie within it, edges included', () => {
    const t = timelineSchema.parse({ startDate: '2025-01-01', endDate: '2025-01-31', milestones: [{ name: 'a', date: '2025-01-01' }, { name: 'b', date: '2025-01-31' }] });
    expect(t.milestones).toHaveLength(2);
    expect(timelineSchema.parse({ startDate: '2025-01-01', endDate: '2025-01-01' }).milestones).toEqual([]);
  });

  it('says what is wrong with a timeline', () => {
    expect(issues(timelineSchema.safeParse({ startDate: '2025-02-01', endDate: '2025-01-01' }))).toEqual([
      'endDate: endDate 2025-01-01 is before startDate 2025-02-01; the plan must end on or after its start',
    ]);
    expect(
      issues(timelineSchema.safeParse({ startDate: '2025-01-01', endDate: '2025-01-31', milestones: [{ name: '納品', date: '2025-02-01' }, { name: '納品 ', date: '2025-01-10' }] })),
    ).toEqual(['milestones.0.date: milestone "納品" on 2025-02-01 is outside the plan (2025-01-01 – 2025-01-31)', 'milestones.1.name: milestone "納品" appears twice; names must be unique']);
    expect(issues(timelineSchema.safeParse({ startDate: '2025/01/01', endDate: '2025-01-31', extra: 1 }))).toEqual([
      'startDate: a date must be a real day written YYYY-MM-DD, such as "2025-04-01"',
      ': Unrecognized key: "extra"',
    ]);
  });

  it('refuses negative costs, bad currencies and repeated names', () => {
    expect(issues(resourcesSchema.safeParse({ cost: { currency: 'yen', items: [{ name: '広告', amount: -1 }] } }))).toEqual([
      'cost.currency: currency must be an ISO 4217 code such as "JPY" or "USD"',
      'cost.items.0.amount: cost amounts must not be negative',
    ]);
    expect(issues(resourcesSchema.safeParse({ people: [{ name: '田中' }, { name: '田中' }] }))).toEqual(['people.1.name: person "田中" appears twice; names must be unique']);
    expect(issues(resourcesSchema.safeParse({ people: [{ name: '田中', allocation: 120 }] }))).toEqual(['people.0.allocation: allocation is a percentage, at most 100']);
  });

  it('fills defaults', () => {
    const plan = planContentSchema.parse({ title: ' 計画 ', objective: '目的', timeline: { startDate: '2025-01-01', endDate: '2025-01-02' } });
    expect(plan).toEqual({ title: '計画', objective: '目的', timeline: { startDate: '2025-01-01', endDate: '2025-01-02', milestones: [] }, resources: { people: [], cost: null, dependencies: [] }, successCriteria: [] });
  });
});
