import type { DiscussionType, ParticipantRole } from '../../../../shared/contracts/discussions';
import { DaemonError } from '../../daemon/client';
import type { AssistantOption } from '../../daemon/discussion-schemas';
import type { DiscussionCreateBody } from '../../daemon/discussions-client';

/** Copied from shared/contracts/discussions.ts (importing would put zod in main.js); a test checks they match. */
export const TOPIC_MAX = 100;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10_000;
export const FORM_DEFAULTS = { maxRounds: 5, tokenBudget: 60_000, consultVault: true, maxParticipants: 5 } as const;

/** `none`: the assistant does not take part. */
export type RoleChoice = ParticipantRole | 'none';

export interface ParticipantChoice {
  assistantId: number;
  role: RoleChoice;
  /** A debate stance; '' lets the daemon alternate for/against. */
  stance: string;
}

/** The new-discussion form as typed: numbers stay text until sent, so nothing typed is lost or changed. */
export interface DiscussionForm {
  type: DiscussionType;
  title: string;
  topic: string;
  /** Background the assistants read with the topic (the selected text). */
  description: string;
  participants: ParticipantChoice[];
  maxRounds: string;
  tokenBudget: string;
  language: 'en' | 'ja';
  consultVault: boolean;
}

/** What the discussion is about, as found where the person was: the editor's selection, else the active note. */
export interface TopicSource {
  selection: string;
  /** The active note's title (its file name without .md), or null. */
  noteTitle: string | null;
}

/** `text` cut to `max` characters (whole code points, so no emoji is split), with … when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The first line of the selection that says something, without Markdown's heading, list and quote marks. */
function firstLine(text: string): string {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw
      .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+(?:\[.\]\s+)?|\d+[.)]\s+)*/, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (line) return line;
  }
  return '';
}

/** Title, topic and background from the selection (its first line is the topic), or the active note's title. */
export function topicFrom(source: TopicSource): Pick<DiscussionForm, 'title' | 'topic' | 'description'> {
  const selection = source.selection.trim();
  const line = selection ? firstLine(selection) : (source.noteTitle ?? '').trim();
  return {
    title: clip(line, TITLE_MAX),
    topic: clip(line, TOPIC_MAX),
    description: clip(selection, DESCRIPTION_MAX),
  };
}

/**
 * Roles offered by default: the first assistant moderates, the next ones take part, up to the
 * daemon's default number of participants; the person changes any of them.
 */
function defaultRole(index: number): RoleChoice {
  if (index === 0) return 'moderator';
  return index < FORM_DEFAULTS.maxParticipants ? 'participant' : 'none';
}

export function newForm(source: TopicSource, assistants: readonly AssistantOption[], language: 'en' | 'ja'): DiscussionForm {
  return {
    type: 'collaborative',
    ...topicFrom(source),
    participants: assistants.map((a, i) => ({ assistantId: a.id, role: defaultRole(i), stance: '' })),
    maxRounds: String(FORM_DEFAULTS.maxRounds),
    tokenBudget: String(FORM_DEFAULTS.tokenBudget),
    language,
    consultVault: FORM_DEFAULTS.consultVault,
  };
}

/**
 * The form's participants for the assistants listed now: choices already made are kept, new
 * assistants are offered as not taking part, assistants that are gone are dropped.
 */
export function withAssistants(form: DiscussionForm, assistants: readonly AssistantOption[]): DiscussionForm {
  if (form.participants.length === 0) return { ...form, participants: assistants.map((a, i) => ({ assistantId: a.id, role: defaultRole(i), stance: '' })) };
  const chosen = new Map(form.participants.map((p) => [p.assistantId, p]));
  return { ...form, participants: assistants.map((a) => chosen.get(a.id) ?? { assistantId: a.id, role: 'none', stance: '' }) };
}

/**
 * A number as typed; '' leaves it out (the daemon's default applies). Text that is no number becomes
 * NaN, which travels as null, so the daemon's 400 names the field instead of a default hiding it.
 */
function numberField(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed.replace(/[,_\s]/g, ''));
}

/**
 * The request body. The daemon checks it (its messages are shown next to the fields): the form does
 * not second-guess the contract, it only leaves out what was not filled in, so defaults apply.
 */
export function createBody(form: DiscussionForm, vaultId: number | null): DiscussionCreateBody {
  const participants = form.participants
    .filter((p): p is ParticipantChoice & { role: ParticipantRole } => p.role !== 'none')
    .map((p) => {
      const stance = p.stance.trim();
      return form.type === 'debate' && p.role === 'participant' && stance ? { assistantId: p.assistantId, role: p.role, stance } : { assistantId: p.assistantId, role: p.role };
    });
  const settings: NonNullable<DiscussionCreateBody['settings']> = { language: form.language, consultVault: form.consultVault, vaultId };
  const maxRounds = numberField(form.maxRounds);
  const tokenBudget = numberField(form.tokenBudget);
  if (maxRounds !== undefined) settings.maxRounds = maxRounds;
  if (tokenBudget !== undefined) settings.tokenBudget = tokenBudget;
  const body: DiscussionCreateBody = { title: form.title.trim(), topic: form.topic.trim(), type: form.type, participants, settings };
  const description = form.description.trim();
  if (description) body.description = description;
  if (participants.length > FORM_DEFAULTS.maxParticipants) body.maxParticipants = participants.length;
  return body;
}

/** Where a problem is shown: beside one field, or above the form. */
export type FormField = 'type' | 'title' | 'topic' | 'description' | 'participants' | 'maxRounds' | 'tokenBudget' | 'language' | 'consultVault' | 'form';

const SETTING_FIELDS: Readonly<Record<string, FormField>> = { maxRounds: 'maxRounds', tokenBudget: 'tokenBudget', language: 'language', consultVault: 'consultVault' };
const TOP_FIELDS: Readonly<Record<string, FormField>> = {
  type: 'type',
  title: 'title',
  topic: 'topic',
  description: 'description',
  participants: 'participants',
  maxParticipants: 'participants',
};

/** The field a validation issue's path points at. */
export function fieldOf(path: readonly string[]): FormField {
  const [first, second] = path;
  if (first === 'settings' && second !== undefined) return SETTING_FIELDS[second] ?? 'form';
  return (first !== undefined && TOP_FIELDS[first]) || 'form';
}

interface Issue {
  path: string[];
  message: string;
}

function issuesOf(details: unknown): Issue[] {
  if (typeof details !== 'object' || details === null || !('issues' in details) || !Array.isArray(details.issues)) return [];
  return details.issues.filter(
    (i: unknown): i is Issue =>
      typeof i === 'object' && i !== null && 'message' in i && typeof i.message === 'string' && 'path' in i && Array.isArray(i.path),
  );
}

/**
 * The daemon's refusal, sorted by field: each validation issue beside its field, anything else
 * (an unknown assistant, a connection failure) above the form, worded by `describe`.
 */
export function formErrors(error: unknown, describe: (e: unknown) => string): Partial<Record<FormField, string[]>> {
  const errors: Partial<Record<FormField, string[]>> = {};
  const add = (field: FormField, message: string) => (errors[field] ??= []).push(message);
  const issues = error instanceof DaemonError ? issuesOf(error.body?.error.details) : [];
  if (issues.length === 0) add('form', describe(error));
  for (const issue of issues) add(fieldOf(issue.path.map(String)), issue.message);
  return errors;
}
