import type { DiffSegment, ItemsDiff, PlanDiff, TextDiffField } from '../../../../shared/contracts/plans';
import { diffWords } from '../../../../shared/plans/diff';
import type { CostItem, Milestone, Person } from '../../../../shared/plans/schemas';

/**
 * What the comparison of two versions shows, built from the daemon's PlanDiff (computed by
 * shared/plans/diff.ts): each changed text field as runs of kept, inserted and deleted words, and
 * each list as its added, removed and changed items. A changed item shows its two descriptions
 * word-diffed with the same shared code, so "50% → 80%" reads as one changed word.
 */
export type DiffOp = DiffSegment['op'];
export interface DiffPart {
  op: DiffOp;
  text: string;
}

export interface TextChange {
  field: TextDiffField;
  parts: DiffPart[];
}

export type ListName = 'milestones' | 'people' | 'costItems' | 'dependencies' | 'successCriteria';
export interface ItemChange {
  kind: 'added' | 'removed' | 'changed';
  parts: DiffPart[];
}
export interface ListChange {
  list: ListName;
  items: ItemChange[];
  unchanged: number;
}

export interface DiffView {
  changed: boolean;
  text: TextChange[];
  lists: ListChange[];
}

/** One line per item, in the words the person reads in the plan itself. */
export function describeMilestone(m: Milestone): string {
  return m.description ? `${m.name} (${m.date}): ${m.description}` : `${m.name} (${m.date})`;
}
export function describePerson(p: Person): string {
  const details = [p.role ?? '', p.allocation === undefined ? '' : `${p.allocation}%`].filter((d) => d !== '');
  return details.length > 0 ? `${p.name} (${details.join(', ')})` : p.name;
}
export function describeCost(c: CostItem, language: string): string {
  return `${c.name}: ${new Intl.NumberFormat(language).format(c.amount)}`;
}

function listChange<T>(list: ListName, diff: ItemsDiff<T>, describe: (item: T) => string): ListChange {
  return {
    list,
    items: [
      ...diff.changed.map((c): ItemChange => ({ kind: 'changed', parts: diffWords(describe(c.before), describe(c.after)) })),
      ...diff.added.map((item): ItemChange => ({ kind: 'added', parts: [{ op: 'insert', text: describe(item) }] })),
      ...diff.removed.map((item): ItemChange => ({ kind: 'removed', parts: [{ op: 'delete', text: describe(item) }] })),
    ],
    unchanged: diff.unchanged,
  };
}

/** The changed text fields and the lists with changes, in the plan's order; unchanged ones are left out. */
export function diffView(diff: PlanDiff, language: string): DiffView {
  const lists = [
    listChange('milestones', diff.milestones, describeMilestone),
    listChange('people', diff.people, describePerson),
    listChange('costItems', diff.costItems, (c) => describeCost(c, language)),
    listChange('dependencies', diff.dependencies, (d) => d),
    listChange('successCriteria', diff.successCriteria, (s) => s),
  ];
  return {
    changed: diff.changed,
    text: diff.text.filter((t) => t.changed).map((t) => ({ field: t.field, parts: t.segments })),
    lists: lists.filter((l) => l.items.length > 0),
  };
}
