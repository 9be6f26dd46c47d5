/**
 * Comparing two versions of a plan, field by field; pure, shared by the daemon (GET
 * /plans/:id/compare) and the plugin (which can also diff a changed item's two texts itself).
 *
 * - Text fields: a word-level diff. Words come from `Intl.Segmenter('ja', { granularity: 'word' })`,
 *   which splits Japanese without spaces by its dictionary (and English at spaces and punctuation);
 *   spaces and punctuation are tokens too, so joining the segments gives the texts back exactly.
 * - Milestones, people and cost items: matched by name → added / removed / changed.
 * - Success criteria and dependencies (plain lines): matched by an LCS over the lines; a removed line
 *   and an added line at the same place count as one changed line.
 *
 * The sequence diff is Myers' O((N+M)·D) algorithm over what is left after the common prefix and
 * suffix; two texts that differ in more than MAX_EDIT_DISTANCE tokens are shown as "all of the old
 * removed, all of the new inserted" instead (a rewrite reads better that way, and it bounds the work).
 */
import type { DiffSegment, ItemsDiff, PlanDiff, PlanVersionApi, TextDiff, TextDiffField } from '../contracts/plans';

export type EditOp = DiffSegment['op'];
export interface Edit<T> {
  op: EditOp;
  /** From the newer sequence for equal and insert, from the older for delete. */
  item: T;
}

export const MAX_EDIT_DISTANCE = 2000;

/** The shortest edit script turning `a` into `b`, in order. */
export function diffSequences<T>(a: readonly T[], b: readonly T[], equals: (x: T, y: T) => boolean = Object.is): Edit<T>[] {
  let start = 0;
  while (start < a.length && start < b.length && equals(a[start]!, b[start]!)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && equals(a[endA - 1]!, b[endB - 1]!)) {
    endA--;
    endB--;
  }
  const head = b.slice(0, start).map((item): Edit<T> => ({ op: 'equal', item }));
  const tail = b.slice(endB).map((item): Edit<T> => ({ op: 'equal', item }));
  const middle = myers(a.slice(start, endA), b.slice(start, endB), equals) ?? [
    ...a.slice(start, endA).map((item): Edit<T> => ({ op: 'delete', item })),
    ...b.slice(start, endB).map((item): Edit<T> => ({ op: 'insert', item })),
  ];
  return [...head, ...middle, ...tail];
}

/** Myers' greedy algorithm; undefined when the edit distance exceeds MAX_EDIT_DISTANCE. */
function myers<T>(a: readonly T[], b: readonly T[], equals: (x: T, y: T) => boolean): Edit<T>[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) {
    return [...a.map((item): Edit<T> => ({ op: 'delete', item })), ...b.map((item): Edit<T> => ({ op: 'insert', item }))];
  }
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[k] for k in -d..d after round d (index k + d): O(D²) memory, not O(D·(N+M)).
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDIT_DISTANCE); d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && equals(a[x]!, b[y]!)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice(offset - d, offset + d + 1));
        return backtrack(a, b, trace);
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  return undefined;
}

function backtrack<T>(a: readonly T[], b: readonly T[], trace: Int32Array[]): Edit<T>[] {
  const out: Edit<T>[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      out.push({ op: 'equal', item: b[--y]! });
    }
    if (x === prevX) out.push({ op: 'insert', item: b[--y]! });
    else out.push({ op: 'delete', item: a[--x]! });
  }
  while (x > 0 && y > 0) {
    x--;
    out.push({ op: 'equal', item: b[--y]! });
  }
  return out.reverse();
}

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });

/** Words, spaces and punctuation, in order; joined they give `text` back. Lines are segmented one by one. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/(\n)/)) {
    if (line === '\n') out.push(line);
    else for (const s of segmenter.segment(line)) out.push(s.segment);
  }
  return out;
}

/** A word-level diff of two texts: runs of equal, inserted and deleted text. */
export function diffWords(before: string, after: string): DiffSegment[] {
  const segments: DiffSegment[] = [];
  for (const edit of diffSequences(words(before), words(after))) {
    const last = segments.at(-1);
    if (last && last.op === edit.op) last.text += edit.item;
    else segments.push({ op: edit.op, text: edit.item });
  }
  return segments;
}

/** JSON with sorted keys, so two items with the same content compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const keyOf = (name: string) => name.trim().toLowerCase();

/** Items matched by name (names are unique within a plan). */
export function diffNamedItems<T extends { name: string }>(before: readonly T[], after: readonly T[]): ItemsDiff<T> {
  const old = new Map(before.map((item) => [keyOf(item.name), item]));
  const seen = new Set<string>();
  const diff: ItemsDiff<T> = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const item of after) {
    const key = keyOf(item.name);
    seen.add(key);
    const was = old.get(key);
    if (!was) diff.added.push(item);
    else if (canonical(was) !== canonical(item)) diff.changed.push({ key: item.name, before: was, after: item });
    else diff.unchanged++;
  }
  diff.removed = before.filter((item) => !seen.has(keyOf(item.name)));
  return diff;
}

/** Plain lines matched by an LCS; a removed and an added line at the same place pair up as changed. */
export function diffLines(before: readonly string[], after: readonly string[]): ItemsDiff<string> {
  const diff: ItemsDiff<string> = { added: [], removed: [], changed: [], unchanged: 0 };
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    const pairs = Math.min(removed.length, added.length);
    for (let i = 0; i < pairs; i++) diff.changed.push({ key: removed[i]!, before: removed[i]!, after: added[i]! });
    diff.removed.push(...removed.slice(pairs));
    diff.added.push(...added.slice(pairs));
    removed = [];
    added = [];
  };
  for (const edit of diffSequences(before, after)) {
    if (edit.op === 'delete') removed.push(edit.item);
    else if (edit.op === 'insert') added.push(edit.item);
    else {
      flush();
      diff.unchanged++;
    }
  }
  flush();
  return diff;
}

export type PlanVersionContent = Pick<
  PlanVersionApi,
  'title' | 'description' | 'objective' | 'scope' | 'timeline' | 'resources' | 'riskAssessment' | 'successCriteria'
>;

function textDiff(field: TextDiffField, before: string | null | undefined, after: string | null | undefined): TextDiff {
  const a = before ?? '';
  const b = after ?? '';
  return { field, changed: a !== b, segments: a === b ? (b ? [{ op: 'equal', text: b }] : []) : diffWords(a, b) };
}

const itemsChanged = (d: ItemsDiff<unknown>) => d.added.length + d.removed.length + d.changed.length > 0;

/** Two versions of a plan compared field by field. */
export function diffPlanVersions(before: PlanVersionContent, after: PlanVersionContent): Omit<PlanDiff, 'planId' | 'from' | 'to'> {
  const text = [
    textDiff('title', before.title, after.title),
    textDiff('description', before.description, after.description),
    textDiff('objective', before.objective, after.objective),
    textDiff('scope', before.scope, after.scope),
    textDiff('riskAssessment', before.riskAssessment, after.riskAssessment),
    textDiff('startDate', before.timeline.startDate, after.timeline.startDate),
    textDiff('endDate', before.timeline.endDate, after.timeline.endDate),
    textDiff('currency', before.resources.cost?.currency, after.resources.cost?.currency),
  ];
  const lists = {
    milestones: diffNamedItems(before.timeline.milestones, after.timeline.milestones),
    people: diffNamedItems(before.resources.people, after.resources.people),
    costItems: diffNamedItems(before.resources.cost?.items ?? [], after.resources.cost?.items ?? []),
    dependencies: diffLines(before.resources.dependencies, after.resources.dependencies),
    successCriteria: diffLines(before.successCriteria, after.successCriteria),
  };
  const changed = text.some((t) => t.changed) || Object.values(lists).some(itemsChanged);
  return { changed, text, ...lists };
}
