/**
 * A plan as a Markdown note; pure (no Obsidian, no clock), used by the plugin to write the note and
 * by tests. See docs/plans.md for the template placeholders.
 *
 * What Hisho owns in a plan note, and nothing else:
 * - the text between PLAN_NOTE_START and PLAN_NOTE_END (the rendered template);
 * - the frontmatter keys PLAN_NOTE_KEYS (`hisho-plan-…`).
 * Regenerating replaces only those. The person's own text before and after the markers, their own
 * frontmatter keys (tags included: Hisho writes `tags: [hisho/plan]` only when it creates the note)
 * and the state of every checkbox they ticked inside the managed part (success criteria, approval
 * conditions) are kept. A note whose markers are damaged is refused with a PlanNoteError instead of
 * being rewritten, so no text is ever lost.
 */
import type { PlanDetail } from '../contracts/plans';
import { format, MESSAGES, type Language, type MessageKey } from '../i18n';
import type { Resources } from './schemas';

export const PLAN_NOTE_START = '<!-- hisho:plan:start -->';
export const PLAN_NOTE_END = '<!-- hisho:plan:end -->';
export const PLAN_NOTE_TAG = 'hisho/plan';
/** The frontmatter keys Hisho writes and rewrites; keys absent from this list belong to the person. */
export const PLAN_NOTE_KEYS = [
  'hisho-plan-id',
  'hisho-plan-status',
  'hisho-plan-version',
  'hisho-plan-created',
  'hisho-plan-updated',
  'hisho-plan-submitted',
  'hisho-plan-approved',
  'hisho-plan-rejected',
  'hisho-plan-start',
  'hisho-plan-end',
] as const;

/** The placeholders a template can use (`{{name}}`, spaces inside the braces allowed); others are left as written. */
export const PLAN_TEMPLATE_PLACEHOLDERS = {
  id: 'the plan id',
  title: 'the title',
  status: 'the status, in the note’s language',
  version: 'the version number',
  assistant: 'the assistant the plan is filed under',
  description: 'the description',
  objective: 'the objective',
  scope: 'the scope',
  startDate: 'the first day (YYYY-MM-DD)',
  endDate: 'the last day (YYYY-MM-DD)',
  timeline: 'the period and a table of the milestones',
  milestones: 'the table of the milestones alone',
  gantt: 'a Mermaid gantt chart of the period and milestones',
  resources: 'people, cost and dependencies under their own headings',
  people: 'the list of people',
  cost: 'the table of cost items with the total',
  dependencies: 'the list of dependencies',
  risks: 'the risk assessment',
  successCriteria: 'the success criteria as checkboxes',
  conditions: 'the approval conditions as checkboxes',
  approvals: 'the approval history',
  rejectionReason: 'the reason for rejection (empty unless rejected)',
  created: 'the day the plan was created',
  updated: 'the day of its last change',
  submitted: 'the day it was submitted (empty until then)',
  approved: 'the day it was approved (empty unless approved)',
  rejected: 'the day it was rejected (empty unless rejected)',
} as const;
export type PlanPlaceholder = keyof typeof PLAN_TEMPLATE_PLACEHOLDERS;

export type PlanNoteErrorCode = 'no_section' | 'missing_start' | 'missing_end' | 'duplicate_markers' | 'markers_out_of_order' | 'other_plan' | 'template_has_markers';

/** The note (or template) cannot be used without losing text; the message says what to fix. */
export class PlanNoteError extends Error {
  constructor(
    readonly code: PlanNoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PlanNoteError';
  }
}

export interface PlanNoteOptions {
  language: Language;
  /** A template from the vault (PLAN_TEMPLATE_FILE); null/undefined: the default template. */
  template?: string | null;
  /** IANA time zone for dates and times; default: the runtime's. */
  timeZone?: string;
}

// ---------------------------------------------------------------------------------------------
// Rendering the managed part
// ---------------------------------------------------------------------------------------------

function defaultTemplate(t: (key: MessageKey) => string): string {
  return [
    '# {{title}}',
    '',
    `**${t('plans.note.label.status')}**: {{status}} · **${t('plans.note.label.version')}**: {{version}} · **${t('plans.note.label.assistant')}**: {{assistant}}`,
    '',
    '{{description}}',
    '',
    `## ${t('plans.note.heading.objective')}`,
    '',
    '{{objective}}',
    '',
    `## ${t('plans.note.heading.scope')}`,
    '',
    '{{scope}}',
    '',
    `## ${t('plans.note.heading.timeline')}`,
    '',
    '{{timeline}}',
    '',
    '{{gantt}}',
    '',
    `## ${t('plans.note.heading.resources')}`,
    '',
    '{{resources}}',
    '',
    `## ${t('plans.note.heading.risks')}`,
    '',
    '{{risks}}',
    '',
    `## ${t('plans.note.heading.success-criteria')}`,
    '',
    '{{successCriteria}}',
    '',
    `## ${t('plans.note.heading.conditions')}`,
    '',
    '{{conditions}}',
    '',
    `## ${t('plans.note.heading.approvals')}`,
    '',
    '{{approvals}}',
  ].join('\n');
}

const MARKER_RE = /<!--\s*hisho:plan:(?:start|end)\s*-->/g;
/** The plan's own text must never contain a marker, or the next regeneration would cut the note there. */
const clean = (text: string) => text.replace(/\r\n?/g, '\n').replace(MARKER_RE, '');
const oneLine = (text: string) => clean(text).replace(/\s*\n\s*/g, ' ').trim();
const cell = (text: string | null | undefined) => oneLine(text ?? '').replace(/\|/g, '\\|');
/** Mermaid reads ':' ';' '#' as syntax inside a gantt line: replace them with their full-width forms. */
const mermaidText = (text: string) => oneLine(text).replace(/:/g, '：').replace(/;/g, '；').replace(/#/g, '＃');

function dateParts(iso: string, timeZone: string | undefined) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}
const day = (iso: string | null, tz: string | undefined) => (iso ? dateParts(iso, tz).day : '');
const dateTime = (iso: string, tz: string | undefined) => {
  const p = dateParts(iso, tz);
  return `${p.day} ${p.time}`;
};

/** Days from start to end, both included. */
function spanDays(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The sum of the cost items. (Here rather than in schemas.ts, so the plugin can render notes without bundling zod.) */
function totalCost(resources: Resources): number {
  return (resources.cost?.items ?? []).reduce((sum, item) => sum + item.amount, 0);
}

function checkboxes(items: string[], none: string): string {
  return items.length === 0 ? none : items.map((item) => `- [ ] ${oneLine(item)}`).join('\n');
}

function placeholderValues(plan: PlanDetail, options: PlanNoteOptions): Record<PlanPlaceholder, string> {
  const messages = MESSAGES[options.language];
  const t = (key: MessageKey, vars?: Record<string, string | number>) => format(messages[key], vars);
  const tz = options.timeZone;
  const empty = t('plans.note.empty');
  const none = t('plans.note.none');
  const block = (text: string | null) => (text && clean(text).trim() ? clean(text).trim() : empty);
  const { timeline, resources } = plan;

  const milestones =
    timeline.milestones.length === 0
      ? none
      : [
          `| ${t('plans.note.column.milestone')} | ${t('plans.note.column.date')} | ${t('plans.note.column.description')} |`,
          '| --- | --- | --- |',
          ...timeline.milestones.map((m) => `| ${cell(m.name)} | ${m.date} | ${cell(m.description)} |`),
        ].join('\n');
  const period = `**${t('plans.note.label.period')}**: ${timeline.startDate} → ${timeline.endDate}`;

  const gantt = [
    '```mermaid',
    'gantt',
    `    title ${mermaidText(plan.title)}`,
    '    dateFormat YYYY-MM-DD',
    `    section ${mermaidText(t('plans.note.gantt.plan'))}`,
    `    ${mermaidText(plan.title)} : plan, ${timeline.startDate}, ${spanDays(timeline.startDate, timeline.endDate)}d`,
    ...(timeline.milestones.length > 0 ? [`    section ${mermaidText(t('plans.note.gantt.milestones'))}`] : []),
    ...timeline.milestones.map((m, i) => `    ${mermaidText(m.name)} : milestone, m${i + 1}, ${m.date}, 0d`),
    '```',
  ].join('\n');

  const people =
    resources.people.length === 0
      ? none
      : resources.people
          .map((p) => {
            const details = [p.role ? oneLine(p.role) : '', p.allocation === undefined ? '' : `${p.allocation}%`].filter(Boolean).join(', ');
            return `- ${oneLine(p.name)}${details ? ` (${details})` : ''}`;
          })
          .join('\n');
  const money = (amount: number) =>
    new Intl.NumberFormat(options.language, { style: 'currency', currency: resources.cost?.currency ?? 'JPY' }).format(amount);
  const cost =
    !resources.cost || resources.cost.items.length === 0
      ? none
      : [
          `| ${t('plans.note.column.item')} | ${t('plans.note.column.amount')} |`,
          '| --- | ---: |',
          ...resources.cost.items.map((c) => `| ${cell(c.name)} | ${money(c.amount)} |`),
          `| **${t('plans.note.total')}** | **${money(totalCost(resources))}** |`,
        ].join('\n');
  const dependencies = resources.dependencies.length === 0 ? none : resources.dependencies.map((d) => `- ${oneLine(d)}`).join('\n');

  const approvals =
    plan.approvals.length === 0
      ? none
      : plan.approvals
          .map((a) => {
            const head = `- **${t(`plans.approval.${a.action}`)}** · ${dateTime(a.approvalDate, tz)} · ${t(`plans.approver.${a.approverType}`)}`;
            const lines = [head];
            if (a.comments && clean(a.comments).trim()) lines.push(...clean(a.comments).trim().split('\n').map((l) => `  ${l}`));
            if (a.conditions.length > 0) lines.push(`  ${t('plans.note.label.conditions')}: ${a.conditions.map(oneLine).join(' / ')}`);
            return lines.join('\n');
          })
          .join('\n');

  return {
    id: String(plan.id),
    title: oneLine(plan.title),
    status: t(`plans.status.${plan.status}`),
    version: String(plan.version),
    assistant: oneLine(plan.assistantName ?? String(plan.assistantId)),
    description: plan.description ? clean(plan.description).trim() : '',
    objective: block(plan.objective),
    scope: block(plan.scope),
    startDate: timeline.startDate,
    endDate: timeline.endDate,
    timeline: `${period}\n\n${milestones}`,
    milestones,
    gantt,
    resources: [
      `### ${t('plans.note.heading.people')}`,
      '',
      people,
      '',
      `### ${t('plans.note.heading.cost')}`,
      '',
      cost,
      '',
      `### ${t('plans.note.heading.dependencies')}`,
      '',
      dependencies,
    ].join('\n'),
    people,
    cost,
    dependencies,
    risks: block(plan.riskAssessment),
    successCriteria: checkboxes(plan.successCriteria, none),
    conditions: checkboxes(plan.conditions.map((c) => c.text), none),
    approvals,
    rejectionReason: plan.rejectionReason ? clean(plan.rejectionReason).trim() : '',
    created: day(plan.createdAt, tz),
    updated: day(plan.updatedAt, tz),
    submitted: day(plan.submittedAt, tz),
    approved: day(plan.approvedAt, tz),
    rejected: day(plan.rejectedAt, tz),
  };
}

/** Splits a leading frontmatter block off: [frontmatter lines or null, the rest]. Text uses '\n'. */
function splitFrontmatter(text: string): [string[] | null, string] {
  if (!text.startsWith('---\n')) return [null, text];
  const lines = text.split('\n');
  const close = lines.findIndex((line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line));
  if (close < 0) return [null, text];
  return [lines.slice(1, close), lines.slice(close + 1).join('\n')];
}

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

function fillTemplate(template: string, values: Record<PlanPlaceholder, string>): string {
  const filled = template.replace(PLACEHOLDER_RE, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? values[name as PlanPlaceholder] : whole,
  );
  // Empty placeholders leave runs of blank lines behind; one blank line is enough.
  return filled.replace(/\n{3,}/g, '\n\n').trim();
}

/** The template to use, without its own frontmatter (returned separately for a new note). */
function templateParts(options: PlanNoteOptions): { body: string; frontmatter: string[] } {
  const t = (key: MessageKey) => MESSAGES[options.language][key];
  if (options.template === null || options.template === undefined) return { body: defaultTemplate(t), frontmatter: [] };
  const text = options.template.replace(/\r\n?/g, '\n');
  MARKER_RE.lastIndex = 0;
  if (MARKER_RE.test(text)) {
    throw new PlanNoteError('template_has_markers', `The plan template must not contain the markers ${PLAN_NOTE_START} / ${PLAN_NOTE_END}; Hisho adds them around the rendered template`);
  }
  const [frontmatter, body] = splitFrontmatter(text);
  return { body, frontmatter: (frontmatter ?? []).filter((line) => !isOwnedKeyLine(line)) };
}

/** The managed part: the markers and the rendered template between them. */
export function renderPlanSection(plan: PlanDetail, options: PlanNoteOptions): string {
  const { body } = templateParts(options);
  return `${PLAN_NOTE_START}\n${fillTemplate(body, placeholderValues(plan, options))}\n${PLAN_NOTE_END}`;
}

// ---------------------------------------------------------------------------------------------
// Frontmatter
// ---------------------------------------------------------------------------------------------

const OWNED_KEY_RE = /^(hisho-plan-[A-Za-z0-9_-]*)\s*:/;
const isOwnedKeyLine = (line: string) => OWNED_KEY_RE.test(line);

function ownedFrontmatter(plan: PlanDetail, timeZone: string | undefined): string[] {
  const values: Record<(typeof PLAN_NOTE_KEYS)[number], string | number> = {
    'hisho-plan-id': plan.id,
    'hisho-plan-status': plan.status,
    'hisho-plan-version': plan.version,
    'hisho-plan-created': day(plan.createdAt, timeZone),
    'hisho-plan-updated': day(plan.updatedAt, timeZone),
    'hisho-plan-submitted': day(plan.submittedAt, timeZone),
    'hisho-plan-approved': day(plan.approvedAt, timeZone),
    'hisho-plan-rejected': day(plan.rejectedAt, timeZone),
    'hisho-plan-start': plan.timeline.startDate,
    'hisho-plan-end': plan.timeline.endDate,
  };
  // Every value is a number, a status word or a YYYY-MM-DD day: plain YAML scalars, no quoting needed.
  return PLAN_NOTE_KEYS.filter((key) => values[key] !== '').map((key) => `${key}: ${values[key]}`);
}

/** The frontmatter with Hisho's keys replaced (at the place the first of them was) and every other line kept. */
function replaceOwnedKeys(lines: string[], owned: string[], planId: number): string[] {
  const kept: string[] = [];
  let insertAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const key = OWNED_KEY_RE.exec(line)?.[1];
    if (!key) {
      kept.push(line);
      continue;
    }
    if (key === 'hisho-plan-id') {
      const value = line.slice(line.indexOf(':') + 1).trim().replace(/^["']|["']$/g, '');
      if (value && value !== String(planId)) {
        throw new PlanNoteError('other_plan', `This note belongs to plan ${value}, not plan ${planId}; open that plan’s note instead`);
      }
    }
    if (insertAt < 0) insertAt = kept.length;
    // A value someone spread over several lines (a list, a block scalar) goes with its key.
    while (i + 1 < lines.length && /^(\s+|-\s)/.test(lines[i + 1]!)) i++;
  }
  if (insertAt < 0) insertAt = 0;
  return [...kept.slice(0, insertAt), ...owned, ...kept.slice(insertAt)];
}

// ---------------------------------------------------------------------------------------------
// Whole notes
// ---------------------------------------------------------------------------------------------

/** A new note for the plan: Hisho's frontmatter (with `tags: [hisho/plan]`), then the managed part. */
export function renderPlanNote(plan: PlanDetail, options: PlanNoteOptions): string {
  const { frontmatter: fromTemplate } = templateParts(options);
  // A template that sets its own tags decides them; otherwise the note is tagged hisho/plan.
  const tags = fromTemplate.some((line) => /^tags\s*:/.test(line)) ? [] : ['tags:', `  - ${PLAN_NOTE_TAG}`];
  const frontmatter = [...ownedFrontmatter(plan, options.timeZone), ...fromTemplate, ...tags];
  return `---\n${frontmatter.join('\n')}\n---\n${renderPlanSection(plan, options)}\n`;
}

function count(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

const CHECKBOX_RE = /^(\s*[-*+] \[)(.)(\] )(.*)$/;

/** Ticked checkboxes of the old managed part (their text → the mark) carried into the new one. */
function keepTicks(oldSection: string, newSection: string): string {
  const ticked = new Map<string, string>();
  for (const line of oldSection.split('\n')) {
    const m = CHECKBOX_RE.exec(line);
    if (m && m[2] !== ' ') ticked.set(m[4]!.trim(), m[2]!);
  }
  if (ticked.size === 0) return newSection;
  return newSection
    .split('\n')
    .map((line) => {
      const m = CHECKBOX_RE.exec(line);
      const mark = m ? ticked.get(m[4]!.trim()) : undefined;
      return m && mark ? `${m[1]}${mark}${m[3]}${m[4]}` : line;
    })
    .join('\n');
}

/**
 * The existing note with the plan's part brought up to date: the managed part re-rendered (ticks
 * kept), Hisho's frontmatter keys rewritten, everything else exactly as it was (line endings too).
 * Throws PlanNoteError when the markers are missing, repeated or out of order, or when the note
 * belongs to another plan.
 */
export function regeneratePlanNote(existing: string, plan: PlanDetail, options: PlanNoteOptions): string {
  const crlf = existing.includes('\r\n');
  const text = existing.replace(/\r\n/g, '\n');
  const starts = count(text, PLAN_NOTE_START);
  const ends = count(text, PLAN_NOTE_END);
  if (starts === 0 && ends === 0) {
    throw new PlanNoteError('no_section', `This note has no Hisho plan section (the markers ${PLAN_NOTE_START} and ${PLAN_NOTE_END} are gone); create a new note from the plan instead`);
  }
  if (starts === 0) throw new PlanNoteError('missing_start', `The marker ${PLAN_NOTE_START} is missing; put it back where the plan section begins, then regenerate`);
  if (ends === 0) throw new PlanNoteError('missing_end', `The marker ${PLAN_NOTE_END} is missing; put it back where the plan section ends, then regenerate (nothing was changed)`);
  if (starts > 1 || ends > 1) throw new PlanNoteError('duplicate_markers', 'The plan section markers appear more than once; keep one start and one end marker, then regenerate');
  const start = text.indexOf(PLAN_NOTE_START);
  const end = text.indexOf(PLAN_NOTE_END);
  if (end < start) throw new PlanNoteError('markers_out_of_order', `The marker ${PLAN_NOTE_END} comes before ${PLAN_NOTE_START}; put them back in order, then regenerate`);

  const section = keepTicks(text.slice(start, end + PLAN_NOTE_END.length), renderPlanSection(plan, options));
  const body = text.slice(0, start) + section + text.slice(end + PLAN_NOTE_END.length);

  const owned = ownedFrontmatter(plan, options.timeZone);
  const [frontmatter, rest] = splitFrontmatter(body);
  // The markers sit below the frontmatter; a frontmatter block can only be the note's first lines.
  const result = frontmatter
    ? `---\n${replaceOwnedKeys(frontmatter, owned, plan.id).join('\n')}\n---\n${rest}`
    : `---\n${owned.join('\n')}\n---\n${body}`;
  return crlf ? result.replace(/\n/g, '\r\n') : result;
}

/** A file name for the plan's note (without folder): the title, minus characters file systems refuse. */
export function planNoteFileName(plan: Pick<PlanDetail, 'id' | 'title'>): string {
  const safe = plan.title
    .replace(/[\\/:*?"<>|#^[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim();
  return `${safe || 'Plan'} (plan ${plan.id}).md`;
}
