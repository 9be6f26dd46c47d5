import { describe, expect, it } from 'vitest';
import { diffLines, diffNamedItems, diffPlanVersions, diffSequences, diffWords, MAX_EDIT_DISTANCE, words, type PlanVersionContent } from '../../plans/diff';

/** A small deterministic generator (mulberry32), so the random cases are the same on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lcsLength<T>(a: T[], b: T[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

const older = (segments: { op: string; text: string }[]) => segments.filter((s) => s.op !== 'insert').map((s) => s.text).join('');
const newer = (segments: { op: string; text: string }[]) => segments.filter((s) => s.op !== 'delete').map((s) => s.text).join('');

describe('diffSequences', () => {
  it('gives a shortest edit script: both sequences come back and the equal part is a longest common subsequence', () => {
    const next = random(42);
    for (let round = 0; round < 500; round++) {
      const make = () => Array.from({ length: Math.floor(next() * 30) }, () => 'abcde'[Math.floor(next() * 5)]!);
      const a = make();
      const b = make();
      const edits = diffSequences(a, b);
      expect(edits.filter((e) => e.op !== 'insert').map((e) => e.item)).toEqual(a);
      expect(edits.filter((e) => e.op !== 'delete').map((e) => e.item)).toEqual(b);
      expect(edits.filter((e) => e.op === 'equal')).toHaveLength(lcsLength(a, b));
    }
  });

  it('shows a rewrite larger than MAX_EDIT_DISTANCE as removed then inserted, still exact', () => {
    const a = Array.from({ length: MAX_EDIT_DISTANCE + 10 }, (_, i) => `a${i}`);
    const b = Array.from({ length: MAX_EDIT_DISTANCE + 10 }, (_, i) => `b${i}`);
    const edits = diffSequences(['same', ...a, 'end'], ['same', ...b, 'end']);
    expect(edits[0]).toEqual({ op: 'equal', item: 'same' });
    expect(edits.at(-1)).toEqual({ op: 'equal', item: 'end' });
    expect(edits.slice(1, -1).map((e) => e.op)).toEqual([...a.map(() => 'delete'), ...b.map(() => 'insert')]);
  });
});

describe('diffWords', () => {
  it('splits Japanese without spaces into words', () => {
    expect(words('来週までに議事録をまとめる。')).toEqual(['来週', 'まで', 'に', '議事', '録', 'を', 'まとめる', '。']);
  });

  it('diffs Japanese word by word', () => {
    expect(diffWords('来週までに議事録をまとめる', '再来週までに議事録と資料をまとめる')).toEqual([
      { op: 'delete', text: '来週' },
      { op: 'insert', text: '再来週' },
      { op: 'equal', text: 'までに議事録' },
      { op: 'insert', text: 'と資料' },
      { op: 'equal', text: 'をまとめる' },
    ]);
  });

  it('diffs English word by word, spaces kept', () => {
    expect(diffWords('the quick brown fox', 'the slow brown dog')).toEqual([
      { op: 'equal', text: 'the ' },
      { op: 'delete', text: 'quick' },
      { op: 'insert', text: 'slow' },
      { op: 'equal', text: ' brown ' },
      { op: 'delete', text: 'fox' },
      { op: 'insert', text: 'dog' },
    ]);
  });

  it('gives both texts back exactly, over several lines and mixed scripts', () => {
    const a = '目的: 売上を伸ばす。\nBudget: 500万円\n\n担当は田中さん。';
    const b = '目的: 初月の売上を大きく伸ばす！\nBudget: 600万円 (revised)\n担当は田中さんと佐藤さん。';
    const segments = diffWords(a, b);
    expect(older(segments)).toBe(a);
    expect(newer(segments)).toBe(b);
    expect(segments.some((s) => s.op === 'equal' && s.text.includes('Budget'))).toBe(true);
  });

  it('handles empty texts', () => {
    expect(diffWords('', '')).toEqual([]);
    expect(diffWords('', '新規')).toEqual([{ op: 'insert', text: '新規' }]);
    expect(diffWords('削除', '')).toEqual([{ op: 'delete', text: '削除' }]);
  });
});

describe('item lists', () => {
  it('matches named items by name', () => {
    const diff = diffNamedItems(
      [{ name: 'ベータ版', date: '2025-02-20' }, { name: 'Launch', date: '2025-03-31' }, { name: '撤去', date: '2025-03-01' }],
      [{ name: 'launch', date: '2025-03-30' }, { name: 'ベータ版', date: '2025-02-20' }, { name: 'レビュー', date: '2025-02-25' }],
    );
    expect(diff).toEqual({
      added: [{ name: 'レビュー', date: '2025-02-25' }],
      removed: [{ name: '撤去', date: '2025-03-01' }],
      changed: [{ key: 'launch', before: { name: 'Launch', date: '2025-03-31' }, after: { name: 'launch', date: '2025-03-30' } }],
      unchanged: 1,
    });
  });

  it('pairs an edited line with the line it replaced', () => {
    expect(diffLines(['予約1000件', '返品率5%未満', '満足度4以上'], ['予約1500件', '返品率5%未満', '口コミ100件'])).toEqual({
      added: [],
      removed: [],
      changed: [
        { key: '予約1000件', before: '予約1000件', after: '予約1500件' },
        { key: '満足度4以上', before: '満足度4以上', after: '口コミ100件' },
      ],
      unchanged: 1,
    });
    expect(diffLines(['a'], ['a', 'b', 'c'])).toEqual({ added: ['b', 'c'], removed: [], changed: [], unchanged: 1 });
  });
});

describe('diffPlanVersions', () => {
  const v1: PlanVersionContent = {
    title: '春の新製品',
    description: null,
    objective: '初月の予約を1000件にする',
    scope: '国内のみ',
    riskAssessment: null,
    timeline: { startDate: '2025-02-01', endDate: '2025-03-31', milestones: [{ name: 'ベータ版', date: '2025-02-20' }] },
    resources: { people: [{ name: '田中', role: 'PM' }], cost: { currency: 'JPY', items: [{ name: '広告', amount: 500000 }] }, dependencies: ['法務レビュー'] },
    successCriteria: ['予約1000件'],
  };

  it('reports nothing for equal versions', () => {
    const diff = diffPlanVersions(v1, structuredClone(v1));
    expect(diff.changed).toBe(false);
    expect(diff.text.every((t) => !t.changed)).toBe(true);
    expect(diff.text.find((t) => t.field === 'title')?.segments).toEqual([{ op: 'equal', text: '春の新製品' }]);
    expect(diff.milestones.unchanged).toBe(1);
  });

  it('compares every field', () => {
    const v2: PlanVersionContent = {
      ...v1,
      objective: '初月の予約を1500件にする',
      riskAssessment: '競合',
      timeline: { startDate: '2025-02-01', endDate: '2025-04-15', milestones: [{ name: 'ベータ版', date: '2025-02-25' }, { name: 'Launch', date: '2025-04-15' }] },
      resources: { people: [], cost: { currency: 'USD', items: [{ name: '広告', amount: 4000 }] }, dependencies: ['法務レビュー', '倉庫'] },
      successCriteria: ['予約1500件'],
    };
    const diff = diffPlanVersions(v1, v2);
    expect(diff.changed).toBe(true);
    const field = (name: string) => diff.text.find((t) => t.field === name)!;
    expect(field('title').changed).toBe(false);
    expect(field('objective').segments).toEqual([
      { op: 'equal', text: '初月の予約を' },
      { op: 'delete', text: '1000' },
      { op: 'insert', text: '1500' },
      { op: 'equal', text: '件にする' },
    ]);
    expect(field('riskAssessment').segments).toEqual([{ op: 'insert', text: '競合' }]);
    expect(field('endDate')).toMatchObject({ changed: true });
    expect(newer(field('endDate').segments)).toBe('2025-04-15');
    expect(field('currency').changed).toBe(true);
    expect(diff.milestones).toEqual({
      added: [{ name: 'Launch', date: '2025-04-15' }],
      removed: [],
      changed: [{ key: 'ベータ版', before: { name: 'ベータ版', date: '2025-02-20' }, after: { name: 'ベータ版', date: '2025-02-25' } }],
      unchanged: 0,
    });
    expect(diff.people.removed).toEqual([{ name: '田中', role: 'PM' }]);
    expect(diff.costItems.changed).toHaveLength(1);
    expect(diff.dependencies.added).toEqual(['倉庫']);
    expect(diff.successCriteria.changed).toEqual([{ key: '予約1000件', before: '予約1000件', after: '予約1500件' }]);
  });
});
