/**
 * The librarian's note tools: suggest tags, categorize, summarize, suggest links. Each asks the
 * model for a structured answer validated with zod (ChatModel.generateObject: an answer that does
 * not fit is shown back to the model once, then fails with kind 'schema_mismatch'), and checks
 * what comes back against the vault. The daemon only suggests; the plugin writes what the person
 * accepts (tags through processFrontMatter).
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ChatModel, TokenUsage } from '../ai/provider';
import type { Db } from '../db/database';
import { findNote, relatedNotes, tagList, type NoteRow } from '../search/graph';
import { rows } from '../search/search';
import { normalizeText } from '../search/tokenize';

/** Characters of a note sent to the model (the rest is cut, and the model is told so). */
export const NOTE_CHARS_FOR_MODEL = 12_000;
/** Existing tags shown to the model, most relevant first. */
const MAX_VOCABULARY = 60;
const MAX_TAG_SUGGESTIONS = 8;
/** Candidates (related, not yet linked) the model chooses links from. */
const MAX_LINK_CANDIDATES = 12;

export interface NoteText {
  note: NoteRow;
  body: string;
}

export async function loadNote(db: Db, vaultId: number, path: string): Promise<NoteText> {
  const note = await findNote(db, vaultId, path);
  const [row] = await rows<{ body: string }>(db, sql`SELECT body FROM notes WHERE id = ${note.id}`);
  return { note, body: row?.body ?? '' };
}

/** The note as the model reads it: title, tags and body (cut to NOTE_CHARS_FOR_MODEL). */
export function noteForModel({ note, body }: NoteText): string {
  const cut = body.length > NOTE_CHARS_FOR_MODEL;
  const lines = [`Title: ${note.title}`, `Path: ${note.path}`];
  if (note.tags.length > 0) lines.push(`Tags: ${note.tags.map((t) => `#${t}`).join(' ')}`);
  lines.push('', body.slice(0, NOTE_CHARS_FOR_MODEL) + (cut ? '\n\n[… the rest of the note is left out]' : ''));
  return lines.join('\n');
}

export interface ToolCall {
  model: ChatModel;
  /** The system prompt (persona, language, the tool's instructions). */
  system: string;
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

/** A tag as Obsidian accepts it, lower case: letters, digits, _ - /, at least one non-digit; null if nothing is left. */
export function normalizeTagSuggestion(tag: string): string | null {
  const t = tag
    .normalize('NFKC')
    .trim()
    .replace(/^#+/, '')
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}\p{M}_\-/]/gu, '')
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '');
  return t && /[^\d/]/.test(t) ? t : null;
}

export const TAG_INSTRUCTIONS =
  'Suggest tags for the note below. Prefer tags the vault already uses (listed with how many notes have them); propose a new tag only when none of them fits. ' +
  'Do not repeat tags the note already has. Give at most 8, each with a short reason that refers to the note.';

const tagAnswerSchema = z.object({
  suggestions: z
    .array(z.object({ tag: z.string().min(1).max(100), reason: z.string().min(1).max(500) }))
    .max(20),
});

/** The vault's tags most worth showing for this note: on related notes, named in the note, then the most used. */
async function tagVocabulary(db: Db, vaultId: number, text: NoteText, all: Array<{ tag: string; count: number }>): Promise<Array<{ tag: string; count: number }>> {
  const counts = new Map(all.map((t) => [t.tag, t.count]));
  const related = await relatedNotes(db, vaultId, text.note, 20);
  const relatedTags = new Map<string, number>();
  if (related.length > 0) {
    const list = await rows<{ tags: string[] }>(
      db,
      sql`SELECT tags FROM notes WHERE vault_id = ${vaultId} AND path IN (${sql.join(related.map((r) => sql`${r.path}`), sql`, `)})`,
    );
    for (const r of list) for (const t of r.tags ?? []) relatedTags.set(t, (relatedTags.get(t) ?? 0) + 1);
  }
  const haystack = normalizeText(`${text.note.title}\n${text.body.slice(0, 50_000)}`);
  const named = (tag: string) => tag.split('/').some((part) => part.length >= 2 && (haystack.includes(part) || haystack.includes(part.replace(/[-_]/g, ' '))));
  const rank = (tag: string) => (relatedTags.get(tag) ?? 0) * 10 + (named(tag) ? 5 : 0) + Math.log2(1 + (counts.get(tag) ?? 0));
  return all
    .filter((t) => t.count > 0 && !text.note.tags.includes(t.tag))
    .sort((a, b) => rank(b.tag) - rank(a.tag) || a.tag.localeCompare(b.tag))
    .slice(0, MAX_VOCABULARY)
    .map((t) => ({ tag: t.tag, count: t.count }));
}

export async function suggestTags(db: Db, vaultId: number, text: NoteText, call: ToolCall) {
  const all = await tagList(db, vaultId);
  const known = new Set(all.map((t) => t.tag));
  const vocabulary = await tagVocabulary(db, vaultId, text, all);
  const prompt = [
    vocabulary.length > 0 ? `Tags of the vault:\n${vocabulary.map((t) => `#${t.tag} (${t.count})`).join('\n')}` : 'The vault has no tags yet.',
    '',
    noteForModel(text),
  ].join('\n');
  const { object, usage } = await call.model.generateObject(
    { system: call.system, messages: [{ role: 'user', content: prompt }], temperature: call.temperature, maxOutputTokens: call.maxOutputTokens, signal: call.signal },
    tagAnswerSchema,
    { name: 'tag_suggestions', description: 'Tags for the note, each with a reason' },
  );
  const seen = new Set(text.note.tags);
  const suggestions: Array<{ tag: string; reason: string; isNew: boolean }> = [];
  for (const s of object.suggestions) {
    const tag = normalizeTagSuggestion(s.tag);
    if (!tag || seen.has(tag)) continue;
    seen.add(tag);
    suggestions.push({ tag, reason: s.reason.trim(), isNew: !known.has(tag) });
    if (suggestions.length >= MAX_TAG_SUGGESTIONS) break;
  }
  return { path: text.note.path, currentTags: text.note.tags, suggestions, usage };
}

// ---------------------------------------------------------------------------------------------
// Category
// ---------------------------------------------------------------------------------------------

export const CATEGORY_INSTRUCTIONS =
  'Choose the one category below that fits the note best, or null when none fits, with a short reason that refers to the note.';

/**
 * Categories from a vault's `category_mappings` (free JSON): each key is a category; its value
 * describes it as a string, a list of keywords, or an object with `description`, `folder`,
 * `tags` / `keywords`. Anything else still names the category, without a description.
 */
export function readCategoryMappings(mappings: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!mappings || typeof mappings !== 'object' || Array.isArray(mappings)) return out;
  for (const [name, value] of Object.entries(mappings as Record<string, unknown>)) {
    const category = name.trim();
    if (!category) continue;
    const words = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').join(', ') : typeof v === 'string' ? v : '');
    if (typeof value === 'string' || Array.isArray(value)) {
      out[category] = words(value);
    } else if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      const parts = [words(v.description), v.folder ? `folder ${words(v.folder)}` : '', words(v.tags ?? v.keywords) ? `tags/keywords: ${words(v.tags ?? v.keywords)}` : ''];
      out[category] = parts.filter(Boolean).join('; ');
    } else {
      out[category] = '';
    }
  }
  return out;
}

export async function categorize(text: NoteText, categories: Record<string, string>, call: ToolCall) {
  const names = Object.keys(categories);
  const schema = z.object({ category: z.enum(names as [string, ...string[]]).nullable(), reason: z.string().min(1).max(500) });
  const list = names.map((n) => `- ${n}${categories[n] ? `: ${categories[n]}` : ''}`).join('\n');
  const { object, usage } = await call.model.generateObject(
    { system: call.system, messages: [{ role: 'user', content: `Categories:\n${list}\n\n${noteForModel(text)}` }], temperature: call.temperature, maxOutputTokens: call.maxOutputTokens, signal: call.signal },
    schema,
    { name: 'note_category', description: 'The category of the note, or null' },
  );
  return { path: text.note.path, category: object.category, reason: object.reason.trim(), categories: names, usage };
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

export const SUMMARY_INSTRUCTIONS =
  'Summarize the note below in a few sentences (what it is about and what it concludes), then list its key points (at most 7, one line each). Use only what the note says.';

const summarySchema = z.object({ summary: z.string().min(1).max(4000), keyPoints: z.array(z.string().min(1).max(500)).max(12) });

export async function summarize(text: NoteText, call: ToolCall) {
  const { object, usage } = await call.model.generateObject(
    { system: call.system, messages: [{ role: 'user', content: noteForModel(text) }], temperature: call.temperature, maxOutputTokens: call.maxOutputTokens, signal: call.signal },
    summarySchema,
    { name: 'note_summary', description: 'A summary and the key points of the note' },
  );
  return { path: text.note.path, summary: object.summary.trim(), keyPoints: object.keyPoints.map((k) => k.trim()).slice(0, 7), usage };
}

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

export const LINK_INSTRUCTIONS =
  'Below is a note and other notes of the vault that look related to it but are not linked with it. Choose the ones that should be linked with the note, ' +
  'each with a short reason saying what connects them. Leave out the ones that are only loosely related. Use the paths exactly as given.';

export interface LinkCandidate {
  path: string;
  title: string;
  score: number;
  snippet: string;
}

/** Related notes (shared tags, similar words) that neither link to nor from the note. */
export async function linkCandidates(db: Db, vaultId: number, note: NoteRow): Promise<LinkCandidate[]> {
  const related = (await relatedNotes(db, vaultId, note, 40)).filter((r) => !r.reasons.includes('link') && !r.reasons.includes('backlink')).slice(0, MAX_LINK_CANDIDATES);
  if (related.length === 0) return [];
  const bodies = await rows<{ path: string; body: string }>(
    db,
    sql`SELECT path, left(body, 400) AS body FROM notes WHERE vault_id = ${vaultId} AND path IN (${sql.join(related.map((r) => sql`${r.path}`), sql`, `)})`,
  );
  const snippetOf = new Map(bodies.map((b) => [b.path, b.body.replace(/\s+/g, ' ').trim()]));
  return related.map((r) => ({ path: r.path, title: r.title, score: r.score, snippet: snippetOf.get(r.path) ?? '' }));
}

export async function suggestLinks(text: NoteText, candidates: LinkCandidate[], call: ToolCall): Promise<{ path: string; suggestions: Array<{ path: string; title: string; reason: string; score: number }>; usage: TokenUsage }> {
  const paths = candidates.map((c) => c.path);
  const schema = z.object({ suggestions: z.array(z.object({ path: z.enum(paths as [string, ...string[]]), reason: z.string().min(1).max(500) })).max(MAX_LINK_CANDIDATES) });
  const list = candidates.map((c, i) => `[${i + 1}] path: ${c.path}\n${c.snippet}`).join('\n\n');
  const { object, usage } = await call.model.generateObject(
    { system: call.system, messages: [{ role: 'user', content: `Related notes:\n\n${list}\n\n---\n\nThe note:\n${noteForModel(text)}` }], temperature: call.temperature, maxOutputTokens: call.maxOutputTokens, signal: call.signal },
    schema,
    { name: 'link_suggestions', description: 'Notes that should be linked with the note, each with a reason' },
  );
  const byPath = new Map(candidates.map((c) => [c.path, c]));
  const seen = new Set<string>();
  const suggestions = object.suggestions.flatMap((s) => {
    const c = byPath.get(s.path);
    if (!c || seen.has(s.path)) return [];
    seen.add(s.path);
    return [{ path: c.path, title: c.title, reason: s.reason.trim(), score: c.score }];
  });
  return { path: text.note.path, suggestions, usage };
}
