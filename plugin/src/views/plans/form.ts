import type { PlanDetail } from '../../../../shared/contracts/plans';
import { fieldIssuesOf, type FieldIssue, type PlanCreateBody, type PlanUpdateBody } from '../../daemon/plans-client';
import type { Translate } from '../../i18n';
import { errorSentence } from '../librarian/error-text';

/**
 * The create and edit forms as plain values: every input is a string as typed, so nothing the
 * person wrote is lost when the daemon refuses it. The daemon checks the rules (dates in order,
 * milestones within the span, names unique…); these functions only map between the form and the
 * request, and the daemon's answer back onto the inputs it names.
 */
export interface MilestoneRow {
  name: string;
  date: string;
  description: string;
}
export interface PersonRow {
  name: string;
  role: string;
  allocation: string;
}
export interface CostRow {
  name: string;
  amount: string;
}

export interface PlanForm {
  title: string;
  description: string;
  objective: string;
  scope: string;
  startDate: string;
  endDate: string;
  milestones: MilestoneRow[];
  people: PersonRow[];
  currency: string;
  costItems: CostRow[];
  dependencies: string[];
  riskAssessment: string;
  successCriteria: string[];
  /** Recorded with the new version when a submitted plan is revised; optional. */
  changeSummary: string;
}

export const emptyMilestone = (): MilestoneRow => ({ name: '', date: '', description: '' });
export const emptyPerson = (): PersonRow => ({ name: '', role: '', allocation: '' });
export const emptyCost = (): CostRow => ({ name: '', amount: '' });

/** A new plan's form: it starts today, and the person sets the end. */
export function emptyPlanForm(today: string): PlanForm {
  return {
    title: '',
    description: '',
    objective: '',
    scope: '',
    startDate: today,
    endDate: '',
    milestones: [],
    people: [],
    currency: '',
    costItems: [],
    dependencies: [],
    riskAssessment: '',
    successCriteria: [],
    changeSummary: '',
  };
}

export function formFromPlan(plan: PlanDetail): PlanForm {
  const { timeline, resources } = plan;
  return {
    title: plan.title,
    description: plan.description ?? '',
    objective: plan.objective,
    scope: plan.scope ?? '',
    startDate: timeline.startDate,
    endDate: timeline.endDate,
    milestones: timeline.milestones.map((m) => ({ name: m.name, date: m.date, description: m.description ?? '' })),
    people: resources.people.map((p) => ({ name: p.name, role: p.role ?? '', allocation: p.allocation === undefined ? '' : String(p.allocation) })),
    currency: resources.cost?.currency ?? '',
    costItems: (resources.cost?.items ?? []).map((c) => ({ name: c.name, amount: String(c.amount) })),
    dependencies: [...resources.dependencies],
    riskAssessment: plan.riskAssessment ?? '',
    successCriteria: [...plan.successCriteria],
    changeSummary: '',
  };
}

/** The lists whose rows can be left blank (and are then not sent). */
export type RowList = 'milestones' | 'people' | 'costItems' | 'dependencies' | 'successCriteria';
/** For each list, the form row of each item sent (blank rows are skipped), to place the daemon's errors. */
export type RowMap = Record<RowList, number[]>;

const blank = (...values: string[]) => values.every((v) => v.trim() === '');
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** The rows that are not blank, with their places in the form. */
function kept<T>(rows: readonly T[], isBlank: (row: T) => boolean): { items: T[]; rows: number[] } {
  const items: T[] = [];
  const places: number[] = [];
  rows.forEach((row, i) => {
    if (isBlank(row)) return;
    items.push(row);
    places.push(i);
  });
  return { items, rows: places };
}

/**
 * The number typed; NaN when there is none. NaN travels as JSON null, which the daemon refuses with
 * a sentence saying a number is needed, shown next to the input.
 */
const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.trim()));

type Content = Required<Omit<PlanCreateBody, 'assistantId'>>;

/** The plan's content as the daemon takes it, and where each sent list item sits in the form. */
export function contentFromForm(form: PlanForm): { content: Content; rows: RowMap } {
  const milestones = kept(form.milestones, (m) => blank(m.name, m.date, m.description));
  const people = kept(form.people, (p) => blank(p.name, p.role, p.allocation));
  const costItems = kept(form.costItems, (c) => blank(c.name, c.amount));
  const dependencies = kept(form.dependencies, (d) => blank(d));
  const successCriteria = kept(form.successCriteria, (s) => blank(s));
  const currency = form.currency.trim().toUpperCase();
  const content: Content = {
    title: form.title.trim(),
    description: orNull(form.description),
    objective: form.objective.trim(),
    scope: orNull(form.scope),
    timeline: {
      startDate: form.startDate.trim(),
      endDate: form.endDate.trim(),
      milestones: milestones.items.map((m) => ({ name: m.name.trim(), date: m.date.trim(), description: orNull(m.description) })),
    },
    resources: {
      people: people.items.map((p) => ({
        name: p.name.trim(),
        role: orNull(p.role),
        ...(p.allocation.trim() === '' ? {} : { allocation: toNumber(p.allocation) }),
      })),
      // No currency and no items: no cost estimate. Items without a currency are sent, so the daemon asks for one.
      cost:
        currency === '' && costItems.items.length === 0
          ? null
          : { currency, items: costItems.items.map((c) => ({ name: c.name.trim(), amount: toNumber(c.amount) })) },
      dependencies: dependencies.items.map((d) => d.trim()),
    },
    riskAssessment: orNull(form.riskAssessment),
    successCriteria: successCriteria.items.map((s) => s.trim()),
  };
  return {
    content,
    rows: {
      milestones: milestones.rows,
      people: people.rows,
      costItems: costItems.rows,
      dependencies: dependencies.rows,
      successCriteria: successCriteria.rows,
    },
  };
}

export function createBody(form: PlanForm): { body: PlanCreateBody; rows: RowMap } {
  const { content, rows } = contentFromForm(form);
  return { body: content, rows };
}

const CONTENT_KEYS = ['title', 'description', 'objective', 'scope', 'timeline', 'resources', 'riskAssessment', 'successCriteria'] as const;

/**
 * The fields the person changed since `base` (the plan as the form was opened), sent with
 * `expectedVersion` (the latest version they have seen); null when nothing changed. Only changed
 * fields are sent, so saving after someone else's change keeps the fields this person did not touch.
 */
export function updateBody(form: PlanForm, base: PlanDetail, expectedVersion: number): { body: PlanUpdateBody; rows: RowMap } | null {
  const { content, rows } = contentFromForm(form);
  const before = contentFromForm(formFromPlan(base)).content;
  const body: PlanUpdateBody = { expectedVersion };
  let changed = false;
  for (const key of CONTENT_KEYS) {
    if (JSON.stringify(content[key]) === JSON.stringify(before[key])) continue;
    changed = true;
    Object.assign(body, { [key]: content[key] });
  }
  if (!changed) return null;
  if (form.changeSummary.trim() !== '') body.changeSummary = form.changeSummary.trim();
  return { body, rows };
}

/** The daemon's complaints placed on the form's inputs (keys such as `milestones.2.date`); the rest in `other`. */
export interface FormErrors {
  fields: Record<string, string[]>;
  other: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, other: [] };

/** Without the complaints about single rows of `list`: once a row is removed, the rows under it move and they no longer match. */
export function withoutRowErrors(errors: FormErrors, list: string): FormErrors {
  return { ...errors, fields: Object.fromEntries(Object.entries(errors.fields).filter(([key]) => !key.startsWith(`${list}.`))) };
}

/** The form input a body path belongs to: ['timeline', 'milestones', '0', 'date'] → `milestones.<row>.date`. */
export function inputKey(path: readonly string[], rows: RowMap): string | null {
  const [head, ...rest] = path;
  const row = (list: RowList, index: string | undefined, tail: readonly string[]) => {
    if (index === undefined) return list;
    const place = rows[list][Number(index)];
    if (place === undefined) return list;
    return [list, String(place), ...tail].join('.');
  };
  switch (head) {
    case 'title':
    case 'description':
    case 'objective':
    case 'scope':
    case 'riskAssessment':
    case 'changeSummary':
      return head;
    case 'successCriteria':
      return row('successCriteria', rest[0], []);
    case 'timeline': {
      const [field, index, ...tail] = rest;
      if (field === 'startDate' || field === 'endDate') return field;
      if (field === 'milestones') return row('milestones', index, tail);
      return null;
    }
    case 'resources': {
      const [field, index, ...tail] = rest;
      if (field === 'people') return row('people', index, tail);
      if (field === 'dependencies') return row('dependencies', index, tail);
      if (field === 'cost') {
        if (index === 'currency') return 'currency';
        if (index === 'items') return row('costItems', tail[0], tail.slice(1));
      }
      return null;
    }
    default:
      return null;
  }
}

/** Places each issue on the input `keyOf` names for its path; issues on no input go to `other`. */
export function placeIssues(issues: readonly FieldIssue[], keyOf: (path: readonly string[]) => string | null): FormErrors {
  const errors: FormErrors = { fields: {}, other: [] };
  for (const issue of issues) {
    const key = keyOf(issue.path);
    if (key === null) errors.other.push(issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
    else (errors.fields[key] ??= []).push(issue.message);
  }
  return errors;
}

/** The daemon's complaints placed on a form's inputs, or one sentence for any other failure. */
export function complaints(error: unknown, keyOf: (path: readonly string[]) => string | null, t: Translate): FormErrors {
  const issues = fieldIssuesOf(error);
  return issues ? placeIssues(issues, keyOf) : { fields: {}, other: [errorSentence(error, t)] };
}
