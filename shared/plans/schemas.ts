/**
 * The shape of a plan's content (design §3.8: `plans.timeline` and `plans.resources` are jsonb),
 * enforced on both sides: the daemon validates every write and every assistant draft with these
 * schemas, the plugin renders what they describe. The jsonb columns hold exactly these objects.
 *
 * Each compound schema comes in two forms: `…Shape` (every field checked on its own: what a model is
 * asked to produce) and the checked schema (the shape plus the rules across fields: start ≤ end,
 * milestones within the span, unique names). Only checked values are ever stored.
 */
import { z } from 'zod';

/** Longest description, objective, scope or risk assessment (characters). */
export const MAX_PLAN_TEXT_CHARS = 20_000;
export const MAX_TITLE_CHARS = 200;
export const MAX_ITEM_CHARS = 1000;
export const MAX_MILESTONES = 100;
export const MAX_PEOPLE = 100;
export const MAX_COST_ITEMS = 200;
export const MAX_DEPENDENCIES = 100;
export const MAX_SUCCESS_CRITERIA = 50;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (2025-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** A calendar day, `YYYY-MM-DD` (ISO 8601). Plans are planned in days; Mermaid's gantt reads this format. */
export const isoDateSchema = z
  .string({ error: 'a date must be a string such as "2025-04-01"' })
  .refine(isIsoDate, 'a date must be a real day written YYYY-MM-DD, such as "2025-04-01"');

const name = (max: number, what: string) =>
  z.string({ error: `${what} must be a string` }).trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);
const optionalNote = (max: number, what: string) =>
  z.string({ error: `${what} must be a string` }).trim().max(max, `${what} must be at most ${max} characters`).nullable().optional();

export const milestoneSchema = z
  .object({
    /** Unique within the plan: versions are compared milestone by milestone by name. */
    name: name(200, 'a milestone name'),
    date: isoDateSchema,
    description: optionalNote(MAX_ITEM_CHARS, 'a milestone description'),
  })
  .strict();
export type Milestone = z.output<typeof milestoneSchema>;

export const timelineShape = z
  .object({
    startDate: isoDateSchema,
    endDate: isoDateSchema,
    milestones: z.array(milestoneSchema).max(MAX_MILESTONES, `a plan has at most ${MAX_MILESTONES} milestones`).default([]),
  })
  .strict();

/** Reports every name that appears twice (trimmed, case-insensitive) at `path`. */
function uniqueNames(ctx: z.core.$RefinementCtx, names: string[], path: (string | number)[], what: string) {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    const key = n.trim().toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [...path, i, 'name'], message: `${what} "${n}" appears twice; names must be unique` });
    seen.add(key);
  });
}

export const timelineSchema = timelineShape.superRefine((t, ctx) => {
  // ISO dates compare correctly as strings; a wrong date was already reported above.
  if (!isIsoDate(t.startDate) || !isIsoDate(t.endDate)) return;
  if (t.startDate > t.endDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: `endDate ${t.endDate} is before startDate ${t.startDate}; the plan must end on or after its start` });
    return;
  }
  t.milestones.forEach((m, i) => {
    if (isIsoDate(m.date) && (m.date < t.startDate || m.date > t.endDate)) {
      ctx.addIssue({ code: 'custom', path: ['milestones', i, 'date'], message: `milestone "${m.name}" on ${m.date} is outside the plan (${t.startDate} – ${t.endDate})` });
    }
  });
  uniqueNames(ctx, t.milestones.map((m) => m.name), ['milestones'], 'milestone');
});
export type Timeline = z.output<typeof timelineSchema>;

export const personSchema = z
  .object({
    name: name(100, 'a person’s name'),
    role: optionalNote(100, 'a role'),
    /** Share of their time for this plan, in percent. */
    allocation: z.number({ error: 'allocation must be a number (percent)' }).min(0, 'allocation must not be negative').max(100, 'allocation is a percentage, at most 100').optional(),
  })
  .strict();
export type Person = z.output<typeof personSchema>;

export const costItemSchema = z
  .object({
    name: name(200, 'a cost item'),
    amount: z.number({ error: 'a cost amount must be a number' }).finite().nonnegative('cost amounts must not be negative'),
  })
  .strict();
export type CostItem = z.output<typeof costItemSchema>;

export const costSchema = z
  .object({
    /** ISO 4217: "JPY", "USD", … */
    currency: z.string({ error: 'currency must be a string' }).regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as "JPY" or "USD"'),
    items: z.array(costItemSchema).max(MAX_COST_ITEMS, `at most ${MAX_COST_ITEMS} cost items`).default([]),
  })
  .strict();
export type Cost = z.output<typeof costSchema>;

export const resourcesShape = z
  .object({
    people: z.array(personSchema).max(MAX_PEOPLE, `at most ${MAX_PEOPLE} people`).default([]),
    /** null: no cost estimate. */
    cost: costSchema.nullable().default(null),
    /** What the plan needs from outside (other projects, approvals, tools), one per entry. */
    dependencies: z.array(name(500, 'a dependency')).max(MAX_DEPENDENCIES, `at most ${MAX_DEPENDENCIES} dependencies`).default([]),
  })
  .strict();

export const resourcesSchema = resourcesShape.superRefine((r, ctx) => {
  uniqueNames(ctx, r.people.map((p) => p.name), ['people'], 'person');
  if (r.cost) uniqueNames(ctx, r.cost.items.map((c) => c.name), ['cost', 'items'], 'cost item');
});
export type Resources = z.output<typeof resourcesSchema>;

export const EMPTY_RESOURCES: Resources = { people: [], cost: null, dependencies: [] };

const planText = (what: string) => optionalNote(MAX_PLAN_TEXT_CHARS, what);
const successCriteria = z
  .array(name(MAX_ITEM_CHARS, 'a success criterion'))
  .max(MAX_SUCCESS_CRITERIA, `at most ${MAX_SUCCESS_CRITERIA} success criteria`);

/** The content fields of a plan, as each is validated on its own (PATCH sends any subset). */
export const planFields = {
  title: name(MAX_TITLE_CHARS, 'title'),
  description: planText('description'),
  objective: name(MAX_PLAN_TEXT_CHARS, 'objective'),
  scope: planText('scope'),
  timeline: timelineSchema,
  resources: resourcesSchema,
  riskAssessment: planText('riskAssessment'),
  successCriteria,
};

/** A whole plan's content (create, copy, an assistant's draft). */
export const planContentSchema = z
  .object({
    ...planFields,
    resources: resourcesSchema.default(EMPTY_RESOURCES),
    successCriteria: successCriteria.default([]),
  })
  .strict();
export type PlanContent = z.output<typeof planContentSchema>;

/**
 * What an assistant is asked to produce: the same fields, each checked on its own (plain strings for
 * the long texts). Its answer is then checked with `planContentSchema` (lengths, dates in order,
 * milestones within the span, unique names), so the daemon can tell the model exactly which rule it
 * broke and ask once more.
 */
export const planDraftShape = z
  .object({
    title: z.string(),
    description: z.string().nullable(),
    objective: z.string(),
    scope: z.string().nullable(),
    timeline: timelineShape,
    resources: resourcesShape,
    riskAssessment: z.string().nullable(),
    successCriteria: z.array(z.string()),
  })
  .strict();
