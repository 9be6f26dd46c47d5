/**
 * Search query parsing: the user's query text (and the filter parameters) → a tsquery string
 * for `to_tsquery('simple', …)`, filters for SQL and the terms to mark in snippets.
 *
 * Syntax (case-insensitive keys; full-width characters work, the text is NFKC-normalised first):
 *   word word        both words (AND)
 *   "a phrase"       the words next to each other, in order
 *   -word -"phrase"  notes without it
 *   pre*             words starting with "pre"
 *   tag:a            notes tagged a or a/… (nested); -tag:a excludes them
 *   folder:A/B path:A/B   notes under that folder (case-insensitive); -folder: excludes
 *   key:value        frontmatter key (ASCII key) equal to value, or a list containing it; key:"two words"
 *   modified>=2024-01-01  also > < <= and modified:2024-01-01 (that day, UTC); mtime is a synonym
 * Japanese and Chinese need no spaces: 会議の議事録 is segmented into words (会議, 議事録); particles
 * and single kana (の, を, は…) are dropped unless nothing else is left. A CJK word is matched as a
 * phrase of its character bigrams, so it is found inside longer words too.
 *
 * Garbage never reaches SQL: every tsquery operand is a token made only of letters, digits and
 * marks (see tokenize.ts), and all operators are written here. Queries that cannot mean anything
 * throw QueryError (→ 400).
 */
import {
  bigrams,
  isFunctionWord,
  segmentWords,
  latinStream,
  normalizeText,
  pieces,
  type Piece,
} from './tokenize';

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Longest query text accepted (the route refuses longer ones with 400). */
export const MAX_QUERY_LENGTH = 1000;
/** Terms beyond this are ignored (and reported in `ignored`). */
export const MAX_TERMS = 32;
/** Tokens of one phrase beyond this are ignored. */
export const MAX_PHRASE_TOKENS = 24;

/** A text to mark in snippets: normalised (NFKC, lower case). */
export interface HighlightTerm {
  text: string;
  /** Latin words are marked on word boundaries; CJK text wherever it occurs. */
  cjk: boolean;
  /** Marks words that start with text (pre*). */
  prefix: boolean;
}

export interface FieldFilter {
  key: string;
  value: string;
}

export interface ModifiedFilter {
  /** ISO timestamps (UTC). */
  gte?: string;
  lt?: string;
}

export interface SearchFilters {
  /** Every tag must match (a matches a and a/…). Lower case, without '#'. */
  tags: string[];
  excludeTags: string[];
  /** The note must be under one of these folders (when any). '/'-separated, no leading or trailing '/'. */
  folders: string[];
  excludeFolders: string[];
  fields: FieldFilter[];
  modified: ModifiedFilter;
}

export interface ParsedQuery {
  /** The tsquery of what to find (exclusions included as !…), or null when the query has only filters. */
  tsquery: string | null;
  /** Only when tsquery is null: the notes to leave out (`tag:x -draft`), as a tsquery. */
  excludeQuery: string | null;
  filters: SearchFilters;
  highlights: HighlightTerm[];
  /** Parts of the query that were ignored (over MAX_TERMS), for the client to show. */
  ignored: string[];
}

export interface QueryParams {
  q?: string;
  tag?: string | string[];
  folder?: string | string[];
  since?: string;
  /** field.key=value parameters as { key: value }. */
  fields?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Lexing the query text
// ---------------------------------------------------------------------------------------------

interface RawTerm {
  negated: boolean;
  /** A quoted phrase. */
  phrase: boolean;
  /** key of key:value / key>=value; undefined for text. */
  key?: string;
  /** The key as written (frontmatter keys are case-sensitive). */
  keyRaw?: string;
  op?: ':' | '>=' | '>' | '<=' | '<' | '=';
  text: string;
  prefix: boolean;
  raw: string;
}

const FILTER_RE = /^([a-z_][a-z0-9_.-]*)(>=|<=|:|>|<|=)(.*)$/is;
const COMPARISON_KEYS = new Set(['modified', 'mtime']);

function lex(input: string): RawTerm[] {
  const out: RawTerm[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    while (i < n && /\s/.test(input[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let negated = false;
    if (input[i] === '-' && i + 1 < n && !/\s/.test(input[i + 1]!)) {
      negated = true;
      i++;
    }
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      const close = end < 0 ? n : end;
      out.push({ negated, phrase: true, text: input.slice(i + 1, close), prefix: false, raw: input.slice(start, Math.min(n, close + 1)) });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < n && !/\s/.test(input[j]!) && input[j] !== '"') j++;
    let word = input.slice(i, j);
    const m = FILTER_RE.exec(word);
    if (m && (m[2] === ':' || COMPARISON_KEYS.has(m[1]!.toLowerCase())) && !m[3]!.startsWith('//')) {
      let value = m[3]!;
      if (value === '' && input[j] === '"') {
        const end = input.indexOf('"', j + 1);
        const close = end < 0 ? n : end;
        value = input.slice(j + 1, close);
        j = close + 1;
      }
      if (value.trim() !== '') {
        out.push({ negated, phrase: false, key: m[1]!.toLowerCase(), keyRaw: m[1]!, op: m[2] as RawTerm['op'], text: value.trim(), prefix: false, raw: input.slice(start, j) });
        i = j;
        continue;
      }
    }
    let prefix = false;
    if (word.endsWith('*')) {
      word = word.replace(/\*+$/, '');
      prefix = word.length > 0;
    }
    out.push({ negated, phrase: false, text: word, prefix, raw: input.slice(start, j) });
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text terms → tsquery
// ---------------------------------------------------------------------------------------------

const or = (alts: string[]): string => {
  const unique = [...new Set(alts)];
  return unique.length === 1 ? unique[0]! : `(${unique.join(' | ')})`;
};
const chain = (tokens: string[]): string => (tokens.length === 1 ? tokens[0]! : `(${tokens.join(' <-> ')})`);

/** A CJK word: one character → prefix (it starts a bigram or ends a run); else its bigram phrase, or the word token. */
export function cjkWordQuery(word: string): string {
  const chars = Array.from(word);
  if (chars.length === 1) return `${word}:*`;
  const phrase = chain(bigrams(word));
  return chars.length >= 3 ? or([phrase, word]) : phrase;
}

/** A Latin word: its parts in a row, or the glued form; c++ is its spelled form. */
export function latinQuery(p: Extract<Piece, { kind: 'latin' }>, prefix: boolean): string {
  if (p.spelled) return prefix ? `${p.spelled}:*` : p.spelled;
  const parts = p.parts.slice();
  if (prefix) parts[parts.length - 1] = `${parts[parts.length - 1]}:*`;
  if (parts.length === 1) return parts[0]!;
  return or([chain(parts), prefix ? `${p.joined}:*` : p.joined!]);
}

interface TermBuild {
  queries: string[];
  highlights: HighlightTerm[];
  /** Every word was a Japanese function word (kept only if nothing else is left). */
  weak: boolean;
}

/**
 * The words of a CJK query run: dictionary words, function words marked weak, and a one-character
 * word glued to its neighbour in the run (議事|録 → 議事録, 使い|方 → 使い方) so it stays a substring
 * instead of becoming a loose one-character match.
 */
export function cjkQueryWords(run: string): Array<{ text: string; weak: boolean }> {
  const out: Array<{ text: string; weak: boolean }> = [];
  let pendingSingle = '';
  let prevContent = false; // the previous output word is content and directly precedes this one
  for (const seg of segmentWords(run)) {
    if (isFunctionWord(seg)) {
      if (pendingSingle) out.push({ text: pendingSingle, weak: false });
      pendingSingle = '';
      out.push({ text: seg, weak: true });
      prevContent = false;
      continue;
    }
    const single = Array.from(seg).length === 1;
    if (single && prevContent) {
      out[out.length - 1]!.text += seg;
      continue;
    }
    if (single) {
      pendingSingle += seg;
      continue;
    }
    out.push({ text: pendingSingle + seg, weak: false });
    pendingSingle = '';
    prevContent = true;
  }
  if (pendingSingle) out.push({ text: pendingSingle, weak: false });
  return out;
}

/** An unquoted word: each piece is ANDed; CJK runs are cut into dictionary words. */
function wordTerm(text: string, prefix: boolean): TermBuild {
  const ps = pieces(text);
  const queries: string[] = [];
  const weakQueries: string[] = [];
  const highlights: HighlightTerm[] = [];
  ps.forEach((p, index) => {
    const last = index === ps.length - 1;
    if (p.kind === 'latin') {
      queries.push(latinQuery(p, prefix && last));
      for (const part of p.parts) highlights.push({ text: part, cjk: false, prefix: prefix && last });
      return;
    }
    for (const w of cjkQueryWords(p.text)) {
      const q = cjkWordQuery(w.text);
      if (w.weak) weakQueries.push(q);
      else {
        queries.push(q);
        highlights.push({ text: w.text, cjk: true, prefix: false });
      }
    }
  });
  if (queries.length === 0 && weakQueries.length > 0) {
    // Only function words (の, これ): search for the run as written.
    const whole = ps.filter((p) => p.kind === 'cjk').map((p) => (p as { text: string }).text);
    return { queries: whole.map(cjkWordQuery), highlights: whole.map((t) => ({ text: t, cjk: true, prefix: false })), weak: true };
  }
  return { queries, highlights, weak: false };
}

/** A quoted phrase: the document's token stream, with the distances it has in the index. */
function phraseTerm(text: string): TermBuild {
  const ps = pieces(text);
  const steps: Array<{ token: string; offset: number }> = [];
  const highlights: HighlightTerm[] = [];
  let offset = 0;
  ps.forEach((p, index) => {
    const first = index === 0;
    const last = index === ps.length - 1;
    if (p.kind === 'latin') {
      for (const t of latinStream(p)) steps.push({ token: t, offset: offset++ });
      for (const part of p.parts) highlights.push({ text: part, cjk: false, prefix: false });
      return;
    }
    highlights.push({ text: p.text, cjk: true, prefix: false });
    const chars = Array.from(p.text);
    if (chars.length === 1) {
      // One character: alone in the query it starts a bigram or ends a run; last in a phrase it
      // may start a longer run; elsewhere the index holds it as a run of its own.
      steps.push({ token: last && !first ? `${p.text}:*` : ps.length === 1 ? `${p.text}:*` : p.text, offset });
      offset += 1;
      return;
    }
    bigrams(p.text).forEach((b, k) => steps.push({ token: b, offset: offset + k }));
    // The run's last character follows its bigrams in the index; it is there only if the run ends here.
    if (!last) steps.push({ token: chars[chars.length - 1]!, offset: offset + chars.length - 1 });
    offset += chars.length;
  });
  if (steps.length === 0) return { queries: [], highlights: [], weak: false };
  const kept = steps.slice(0, MAX_PHRASE_TOKENS);
  let q = kept[0]!.token;
  for (let k = 1; k < kept.length; k++) {
    const d = kept[k]!.offset - kept[k - 1]!.offset;
    q = `${q} ${d === 1 ? '<->' : `<${d}>`} ${kept[k]!.token}`;
  }
  return { queries: [kept.length > 1 ? `(${q})` : q], highlights, weak: false };
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/i;

/** A date or date-time (UTC unless an offset is given) → ISO; throws QueryError. */
export function parseDate(value: string, what: string): { start: Date; dayOnly: boolean } {
  const m = DATE_RE.exec(value.trim());
  const d = m ? new Date(m[4] ? (m[7] ? value.trim() : `${value.trim()}Z`) : `${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime())) {
    throw new QueryError(`${what}: "${value.slice(0, 40)}" is not a date; write it as YYYY-MM-DD (e.g. 2024-01-31) or YYYY-MM-DDTHH:MM`);
  }
  return { start: d, dayOnly: !m[4] };
}

const DAY = 86_400_000;

function applyModified(filters: SearchFilters, op: string, value: string, what: string): void {
  const { start, dayOnly } = parseDate(value, what);
  const end = new Date(start.getTime() + (dayOnly ? DAY : 1000)).toISOString();
  const setGte = (iso: string) => {
    if (!filters.modified.gte || iso > filters.modified.gte) filters.modified.gte = iso;
  };
  const setLt = (iso: string) => {
    if (!filters.modified.lt || iso < filters.modified.lt) filters.modified.lt = iso;
  };
  switch (op) {
    case '>=':
      setGte(start.toISOString());
      break;
    case '>':
      setGte(end);
      break;
    case '<':
      setLt(start.toISOString());
      break;
    case '<=':
      setLt(end);
      break;
    default: // ':' or '=': that day (or second)
      setGte(start.toISOString());
      setLt(end);
  }
}

export function normalizeTag(tag: string): string {
  return tag.normalize('NFKC').trim().replace(/^#+/, '').replace(/\/+$/, '').toLowerCase();
}

export function normalizeFolder(folder: string): string {
  return folder.normalize('NFC').trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

// ---------------------------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------------------------

export function parseQuery(params: QueryParams): ParsedQuery {
  const text = (params.q ?? '').normalize('NFKC');
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QueryError(`q is too long (${text.length} characters; at most ${MAX_QUERY_LENGTH})`);
  }
  const filters: SearchFilters = { tags: [], excludeTags: [], folders: [], excludeFolders: [], fields: [], modified: {} };
  for (const t of asList(params.tag)) {
    const tag = normalizeTag(t);
    if (tag) filters.tags.push(tag);
  }
  for (const f of asList(params.folder)) {
    const folder = normalizeFolder(f);
    if (folder) filters.folders.push(folder);
  }
  if (params.since) applyModified(filters, '>=', params.since, 'since');
  for (const [key, value] of Object.entries(params.fields ?? {})) {
    if (key.trim() && value !== undefined) filters.fields.push({ key: key.trim(), value: value.normalize('NFC') });
  }

  const include: string[] = [];
  const weak: string[] = [];
  const exclude: string[] = [];
  const highlights: HighlightTerm[] = [];
  const weakHighlights: HighlightTerm[] = [];
  const ignored: string[] = [];
  let count = 0;

  for (const term of lex(text)) {
    if (++count > MAX_TERMS) {
      ignored.push(term.raw);
      continue;
    }
    if (term.key !== undefined) {
      const key = term.key;
      const value = term.text;
      if (key === 'tag' || key === 'tags') {
        const tag = normalizeTag(value);
        if (tag) (term.negated ? filters.excludeTags : filters.tags).push(tag);
      } else if (key === 'folder' || key === 'path' || key === 'in') {
        const folder = normalizeFolder(value);
        if (folder) (term.negated ? filters.excludeFolders : filters.folders).push(folder);
      } else if (COMPARISON_KEYS.has(key)) {
        if (term.negated) throw new QueryError(`${term.raw}: a date filter cannot be negated; use modified< or modified> instead`);
        applyModified(filters, term.op!, value, term.raw);
      } else {
        if (term.negated) throw new QueryError(`${term.raw}: frontmatter filters cannot be negated`);
        filters.fields.push({ key: term.keyRaw!, value });
      }
      continue;
    }
    const built = term.phrase ? phraseTerm(term.text) : wordTerm(term.text, term.prefix);
    if (built.queries.length === 0) continue;
    const q = built.queries.length === 1 ? built.queries[0]! : `(${built.queries.join(' & ')})`;
    if (term.negated) exclude.push(q);
    else if (built.weak) {
      weak.push(q);
      weakHighlights.push(...built.highlights);
    } else {
      include.push(q);
      highlights.push(...built.highlights);
    }
  }
  if (include.length === 0 && weak.length > 0) {
    include.push(...weak);
    highlights.push(...weakHighlights);
  }

  const hasFilter =
    filters.tags.length + filters.excludeTags.length + filters.folders.length + filters.excludeFolders.length + filters.fields.length > 0 ||
    filters.modified.gte !== undefined ||
    filters.modified.lt !== undefined;
  if (include.length === 0 && !hasFilter) {
    if (exclude.length > 0) throw new QueryError('The query only excludes words; add a word to search for or a filter such as tag:name');
    if (text.trim() === '') throw new QueryError('q is empty: type words to search for, or give a filter (tag, folder, since, field.*)');
    throw new QueryError('The query has no words to search for (only punctuation or operators); type a word, or use a filter such as tag:name');
  }

  let tsquery: string | null = null;
  let excludeQuery: string | null = null;
  if (include.length > 0) {
    tsquery = [...include, ...exclude.map((e) => `!${e}`)].join(' & ');
  } else if (exclude.length > 0) {
    excludeQuery = exclude.join(' | ');
  }
  return { tsquery, excludeQuery, filters, highlights: dedupeHighlights(highlights), ignored };
}

function dedupeHighlights(list: HighlightTerm[]): HighlightTerm[] {
  const seen = new Set<string>();
  const out: HighlightTerm[] = [];
  for (const h of list) {
    const text = normalizeText(h.text);
    if (!text) continue;
    const key = `${text}\u0000${h.cjk}\u0000${h.prefix}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...h, text });
  }
  return out;
}
