/**
 * parseNote: one note's text → ParsedNote. Pure (no I/O), tolerant of what real vaults contain
 * (see ../shared/corpus/README.md): it never throws for a text note; a file that is not text at all
 * (NUL bytes) throws NotANoteError so the indexer records it as a failed file.
 *
 * - Frontmatter: gray-matter with its code-executing engines (js, javascript, coffee) refused and an
 *   options object (gray-matter caches every string it parses when called without options); YAML with
 *   the CORE schema (dates stay the strings written); JSON frontmatter; a blank line after `---`; no
 *   closing `---` (read as body, error recorded); invalid YAML (`created: {{date}}`) → body still
 *   indexed, `frontmatterError` set; deeply nested values cut at MAX_FRONTMATTER_DEPTH.
 * - Tags from `tags`/`tag` (any case) as a list, a string (comma- or space-separated) or null, plus
 *   inline `#tags` outside code, comments and URLs; lower-cased, NFC, de-duplicated, nested kept.
 * - Aliases from `aliases`/`alias` (any case) as a list or a (comma-separated) string.
 * - Links: wikilinks and embeds, Markdown links to files (not URLs), wikilinks inside YAML values.
 * - Headings (ATX, outside code blocks). Excalidraw drawings: only their text elements.
 * - Huge bodies are cut at MAX_BODY_CHARS (a warning says so).
 */
import matter from 'gray-matter';
import type { NoteHeading, NoteLink, ParsedNote } from './note';
import { yamlLoad } from './yaml';

/** Body characters indexed (about 1–3 MB of UTF-8); the rest of a larger file is not indexed. */
export const MAX_BODY_CHARS = 1_000_000;
/** Frontmatter nesting kept in jsonb (deeper values become the string "[nested too deep]"). */
export const MAX_FRONTMATTER_DEPTH = 32;
/** Frontmatter larger than this is not parsed (a warning says so; the body is still indexed). */
export const MAX_FRONTMATTER_CHARS = 2_000_000;

/** The file is not a note (binary content): the indexer records it as failed. */
export class NotANoteError extends Error {
  override name = 'NotANoteError';
}

const REFUSE = (language: string) => () => {
  throw new Error(`frontmatter in ${language} is refused (it would run code)`);
};

function yamlEngine(load: (text: string) => unknown): (text: string) => object {
  return (text) => load(text) as object;
}

const MATTER_OPTIONS = {
  engines: {
    js: REFUSE('JavaScript'),
    javascript: REFUSE('JavaScript'),
    coffee: REFUSE('CoffeeScript'),
    coffeescript: REFUSE('CoffeeScript'),
    cson: REFUSE('CoffeeScript'),
    ...(yamlLoad ? { yaml: yamlEngine(yamlLoad) } : {}),
  },
};

const FRONTMATTER_LANGUAGES = new Set(['', 'yaml', 'yml', 'json', 'js', 'javascript', 'coffee', 'coffeescript', 'cson']);

/** "Folder/Sub/Note.md" → "Note"; "Drawing.excalidraw.md" → "Drawing.excalidraw" (Obsidian's basename). */
export function titleOf(relativePath: string): string {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export function isExcalidrawPath(relativePath: string): boolean {
  return /\.excalidraw\.md$/i.test(relativePath);
}

// ---------------------------------------------------------------------------------------------
// Frontmatter
// ---------------------------------------------------------------------------------------------

interface Split {
  /** The text between the fences (null: no frontmatter block). */
  matter: string | null;
  language: string;
  body: string;
  /** 0-based line of the file where body starts. */
  bodyLine: number;
  error?: string;
}

function splitFrontmatter(content: string): Split {
  const firstEnd = content.indexOf('\n');
  const firstLine = (firstEnd === -1 ? content : content.slice(0, firstEnd)).replace(/\r$/, '');
  const open = /^---([A-Za-z]*)[ \t]*$/.exec(firstLine);
  if (!open || firstEnd === -1) return { matter: null, language: '', body: content, bodyLine: 0 };
  const language = (open[1] ?? '').toLowerCase();
  const close = /^---[ \t]*\r?$/m;
  const rest = content.slice(firstEnd + 1);
  const m = close.exec(rest);
  if (!m) {
    return {
      matter: null,
      language,
      body: content,
      bodyLine: 0,
      error: 'The frontmatter has no closing "---" line: the whole file is read as the body',
    };
  }
  const matterText = rest.slice(0, m.index);
  const afterClose = rest.indexOf('\n', m.index);
  const body = afterClose === -1 ? '' : rest.slice(afterClose + 1);
  const bodyLine = 2 + countLines(matterText);
  return { matter: matterText, language, body, bodyLine };
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const mark = (e as Error & { mark?: { line?: number; column?: number } }).mark;
    const reason = (e as Error & { reason?: string }).reason ?? e.message.split('\n')[0] ?? e.message;
    if (mark && typeof mark.line === 'number') {
      return `YAML error at line ${mark.line + 2}, column ${(mark.column ?? 0) + 1}: ${reason}`;
    }
    if (e instanceof RangeError) return `The frontmatter is too deeply nested to read (${e.message})`;
    return e.message.split('\n')[0] ?? e.message;
  }
  return String(e);
}

/** A Date back to the text it most likely was: "2024-01-01" at UTC midnight, else an ISO timestamp. */
function dateToString(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

class PlaceholderKeyError extends Error {}

/**
 * Any YAML value → JSON-safe data: Dates as strings, no undefined/functions, non-finite numbers as
 * strings, NUL characters removed (jsonb refuses them), nesting cut at MAX_FRONTMATTER_DEPTH.
 * Throws PlaceholderKeyError for a mapping used as a key (`created: {{date}}`: js-yaml 3 would
 * silently read it as {"[object Object]": null}; YAML 1.2 parsers, Obsidian's included, refuse it).
 */
function toJson(value: unknown, depth: number, state: { cut: boolean }): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.includes('\0') ? value.replace(/\0/g, '') : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return dateToString(value);
  if (typeof value !== 'object') return null;
  if (depth >= MAX_FRONTMATTER_DEPTH) {
    state.cut = true;
    return '[nested too deep]';
  }
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1, state));
  if (value instanceof Uint8Array) return '[binary]';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === '[object Object]') throw new PlaceholderKeyError('a mapping is used as a key');
    out[k.replace(/\0/g, '')] = toJson(v, depth + 1, state);
  }
  return out;
}

interface FrontmatterResult {
  data: Record<string, unknown> | null;
  error?: string;
  warning?: string;
}

function readFrontmatter(split: Split): FrontmatterResult {
  if (split.matter === null) return { data: null, error: split.error };
  if (!FRONTMATTER_LANGUAGES.has(split.language)) {
    return { data: null, error: `Frontmatter language "${split.language}" is not read` };
  }
  if (split.matter.trim() === '') return { data: {} };
  if (split.matter.length > MAX_FRONTMATTER_CHARS) {
    return { data: null, error: `The frontmatter is larger than ${MAX_FRONTMATTER_CHARS} characters and is not read` };
  }
  let raw: unknown;
  try {
    const language = split.language === 'yml' ? 'yaml' : split.language;
    // gray-matter parses "---<lang>\n<matter>\n---": the fences are ours, already found.
    const input = `---${language}\n${split.matter}\n---\n`;
    raw = matter(input, MATTER_OPTIONS).data;
  } catch (e) {
    return { data: null, error: errorMessage(e) };
  }
  if (raw === null || raw === undefined) return { data: {} };
  if (typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Date) {
    return { data: null, error: 'The frontmatter is not a list of properties (key: value)' };
  }
  const state = { cut: false };
  try {
    const data = toJson(raw, 0, state) as Record<string, unknown>;
    return state.cut
      ? { data, warning: `Frontmatter nested deeper than ${MAX_FRONTMATTER_DEPTH} levels was cut` }
      : { data };
  } catch (e) {
    if (e instanceof PlaceholderKeyError) {
      const line = findPlaceholderLine(split.matter);
      return {
        data: null,
        error: `YAML error${line ? ` at line ${line + 1}` : ''}: a mapping is used as a key (an unfilled template placeholder such as {{date}}?)`,
      };
    }
    return { data: null, error: errorMessage(e) };
  }
}

function findPlaceholderLine(matterText: string): number | null {
  const lines = matterText.split('\n');
  const i = lines.findIndex((l) => /\{\{/.test(l));
  return i === -1 ? null : i + 1;
}

// ---------------------------------------------------------------------------------------------
// Tags and aliases from frontmatter
// ---------------------------------------------------------------------------------------------

/** "#Foo/Bar/" → "foo/bar"; null when not a tag. */
export function normalizeTag(raw: string): string | null {
  let t = raw.normalize('NFC').trim().replace(/^#+/, '').replace(/\/+$/, '').replace(/^\/+/, '');
  t = t.toLowerCase();
  if (t === '' || !/[\p{L}\p{N}]/u.test(t)) return null;
  return t;
}

function valuesOf(frontmatter: Record<string, unknown>, keyPattern: RegExp): unknown[] {
  const out: unknown[] = [];
  for (const [k, v] of Object.entries(frontmatter)) if (keyPattern.test(k.trim())) out.push(v);
  return out;
}

function scalarStrings(value: unknown, split: (s: string) => string[]): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return split(value);
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((v) => (Array.isArray(v) ? [] : scalarStrings(v, split)));
  return [];
}

function frontmatterTags(frontmatter: Record<string, unknown>): string[] {
  return valuesOf(frontmatter, /^tags?$/i).flatMap((v) => scalarStrings(v, (s) => s.split(/[,\s]+/)));
}

function frontmatterAliases(frontmatter: Record<string, unknown>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of valuesOf(frontmatter, /^alias(es)?$/i)) {
    const list = typeof v === 'string' ? v.split(',') : scalarStrings(v, (s) => [s]);
    for (const a of list) {
      const alias = a.normalize('NFC').trim();
      if (alias && !seen.has(alias)) {
        seen.add(alias);
        out.push(alias);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Body: headings, tags, links
// ---------------------------------------------------------------------------------------------

const WIKILINK = /(!?)\[\[([^[\]\n]+?)\]\]/g;
const MD_LINK = /(!?)\[([^\]\n]*)\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+["'(][^)\n]*)?\s*\)/g;
const URL_LIKE = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>()[\]]*/gi;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// A tag: '#' at the start or after a space/bracket/full-width punctuation, then letters, digits, _ - /.
const INLINE_TAG = /(^|[\s(（[「『、。,，])#([\p{L}\p{M}\p{N}_\-/]+)/gu;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function blank(s: string): string {
  return ' '.repeat(s.length);
}

function wikilink(inner: string, embed: boolean, kind: NoteLink['kind'], line: number): NoteLink | null {
  const text = inner.replace(/\\\|/g, '|');
  const bar = text.indexOf('|');
  const dest = (bar === -1 ? text : text.slice(0, bar)).trim();
  const alias = bar === -1 ? undefined : text.slice(bar + 1).trim();
  const hash = dest.indexOf('#');
  const target = (hash === -1 ? dest : dest.slice(0, hash)).trim().normalize('NFC');
  const subpath = hash === -1 ? undefined : dest.slice(hash).trim();
  if (target === '' && !subpath) return null;
  const link: NoteLink = { target, embed, kind, line };
  if (subpath) link.subpath = subpath;
  if (alias) link.alias = alias;
  return link;
}

function markdownLink(text: string, rawUrl: string, embed: boolean, line: number): NoteLink | null {
  let url = rawUrl.startsWith('<') ? rawUrl.slice(1, -1) : rawUrl;
  url = url.trim();
  if (url === '' || SCHEME.test(url) || url.startsWith('//')) return null;
  const hash = url.indexOf('#');
  let target = hash === -1 ? url : url.slice(0, hash);
  let subpath = hash === -1 ? undefined : url.slice(hash);
  try {
    target = decodeURIComponent(target);
    if (subpath) subpath = decodeURIComponent(subpath);
  } catch {
    // Keep what is written when it is not valid percent-encoding.
  }
  target = target.normalize('NFC');
  if (target === '' && !subpath) return null;
  const link: NoteLink = { target, embed, kind: 'markdown', line };
  if (subpath && subpath !== '#') link.subpath = subpath;
  if (text.trim()) link.alias = text.trim();
  return link;
}

interface BodyScan {
  headings: NoteHeading[];
  tags: string[];
  links: NoteLink[];
}

/** One pass over the body lines. `firstLine` is the 1-based file line of the body's first line. */
function scanBody(body: string, firstLine: number): BodyScan {
  const headings: NoteHeading[] = [];
  const tags: string[] = [];
  const links: NoteLink[] = [];
  const lines = body.split('\n');
  let fence: string | null = null;
  let inComment = false;
  let inMath = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = firstLine + i;
    let line = (lines[i] ?? '').replace(/\r$/, '');
    if (fence !== null) {
      const m = FENCE.exec(line);
      if (m?.[1] && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    const open = FENCE.exec(line);
    if (open?.[1] && !inComment) {
      // ``` with a backtick in its info string is not a fence (CommonMark): close enough.
      fence = open[1];
      continue;
    }
    if (!inComment && line.trim() === '$$') {
      inMath = !inMath;
      continue;
    }
    if (inMath) continue;
    // Obsidian comments %%...%% (possibly over several lines): neither links nor tags.
    let visible = '';
    let pos = 0;
    while (pos <= line.length) {
      const next = line.indexOf('%%', pos);
      if (inComment) {
        if (next === -1) {
          visible += blank(line.slice(pos));
          pos = line.length + 1;
        } else {
          visible += blank(line.slice(pos, next + 2));
          pos = next + 2;
          inComment = false;
        }
      } else if (next === -1) {
        visible += line.slice(pos);
        pos = line.length + 1;
      } else {
        visible += line.slice(pos, next) + '  ';
        pos = next + 2;
        inComment = true;
      }
    }
    line = visible;
    if (line.trim() === '') continue;
    // Inline code spans: masked.
    line = line.replace(/(`+)[^`]*?\1/g, blank);

    const h = HEADING.exec(line);
    if (h?.[1]) {
      const text = (h[2] ?? '').trim();
      headings.push({ level: h[1].length, text, line: lineNo });
    }

    if (line.includes('[[')) {
      line = line.replace(WIKILINK, (all: string, bang: string, inner: string) => {
        const link = wikilink(inner, bang === '!', 'wikilink', lineNo);
        if (link) links.push(link);
        return blank(all);
      });
    }
    if (line.includes('](')) {
      line = line.replace(MD_LINK, (all: string, bang: string, text: string, url: string) => {
        const link = markdownLink(text, url, bang === '!', lineNo);
        if (link) links.push(link);
        // The link text can hold tags; the URL never does.
        return `${bang}[${text}]${blank(all.slice(bang.length + text.length + 2))}`;
      });
    }
    if (line.includes('#')) {
      line = line.replace(URL_LIKE, blank);
      // The heading marker itself is not a tag.
      const scan = h?.[1] ? line.replace(/^ {0,3}#{1,6}/, blank) : line;
      for (const m of scan.matchAll(INLINE_TAG)) {
        const raw = m[2] ?? '';
        // Obsidian: a tag needs at least one character that is not a digit.
        if (!/[^\d/]/.test(raw)) continue;
        const tag = normalizeTag(raw);
        if (tag) tags.push(tag);
      }
    }
  }
  return { headings, tags, links };
}

/** Wikilinks written inside frontmatter values (`categories: ["[[Places]]"]`). */
function frontmatterLinks(data: Record<string, unknown>, matterText: string): NoteLink[] {
  const links: NoteLink[] = [];
  const matterLines = matterText.split('\n');
  const visit = (v: unknown, depth: number): void => {
    if (depth > MAX_FRONTMATTER_DEPTH) return;
    if (typeof v === 'string') {
      if (!v.includes('[[')) return;
      for (const m of v.matchAll(WIKILINK)) {
        const inner = m[2] ?? '';
        const idx = matterLines.findIndex((l) => l.includes(`[[${inner}]]`));
        const link = wikilink(inner, m[1] === '!', 'frontmatter', idx === -1 ? 1 : idx + 2);
        if (link) links.push(link);
      }
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) visit(x, depth + 1);
    }
  };
  visit(data, 0);
  return links;
}

/** Excalidraw drawings: the text elements only (never the drawing JSON or compressed data). */
function excalidrawText(body: string): string {
  const lines = body.split('\n');
  const out: string[] = [];
  let inText = false;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (/^#{1,6}\s+Text Elements\s*$/i.test(line)) {
      inText = true;
      continue;
    }
    if (/^%%\s*$/.test(line) || /^#{1,6}\s+(Drawing|Embedded files|Excalidraw Data|Element Links)\s*$/i.test(line)) {
      inText = false;
      continue;
    }
    if (line.startsWith('```')) {
      inText = false;
      continue;
    }
    if (!inText) continue;
    // Each element ends with its block id: "text ^abcd1234".
    const text = line.replace(/\s*\^[A-Za-z0-9_-]+\s*$/, '');
    if (text.trim()) out.push(text);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// parseNote
// ---------------------------------------------------------------------------------------------

function dedupe<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/**
 * Binary, not text: more than 10% of the first 8,192 characters are NUL, other control characters
 * or U+FFFD (bytes that were not UTF-8). A real note may hold a few stray NULs (a pasted PDF dump):
 * those are removed instead (PostgreSQL text cannot hold them).
 */
export function looksBinary(content: string): boolean {
  const n = Math.min(content.length, 8192);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = content.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) || c === 0xfffd) bad++;
  }
  return bad / n > 0.1;
}

export function parseNote(relativePath: string, content: string): ParsedNote {
  if (looksBinary(content)) {
    throw new NotANoteError('The file holds binary data: it is not a note and is not indexed');
  }
  const path = relativePath.normalize('NFC');
  const warnings: string[] = [];
  let text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  if (text.includes('\0')) {
    text = text.replace(/\0/g, '');
    warnings.push('NUL characters in the file were ignored');
  }
  const split = splitFrontmatter(text);
  const fm = readFrontmatter(split);
  if (fm.warning) warnings.push(fm.warning);
  const frontmatter = fm.data;
  const kind: ParsedNote['kind'] =
    isExcalidrawPath(path) || (frontmatter !== null && 'excalidraw-plugin' in frontmatter) ? 'excalidraw' : 'markdown';

  let body = split.body;
  if (body.length > MAX_BODY_CHARS) {
    const mb = (Buffer.byteLength(body, 'utf8') / 1_048_576).toFixed(1);
    warnings.push(`The body is ${mb} MB: only its first ${MAX_BODY_CHARS.toLocaleString('en')} characters are indexed`);
    // Do not cut a surrogate pair in two.
    let end = MAX_BODY_CHARS;
    const c = body.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff) end--;
    body = body.slice(0, end);
  }
  const firstLine = split.bodyLine + 1;
  if (kind === 'excalidraw') body = excalidrawText(body);
  const scan = scanBody(body, kind === 'excalidraw' ? 0 : firstLine);

  const tags = dedupe(
    [...(frontmatter ? frontmatterTags(frontmatter) : []), ...scan.tags]
      .map(normalizeTag)
      .filter((t): t is string => t !== null),
  );
  const links = [
    ...(frontmatter && split.matter !== null ? frontmatterLinks(frontmatter, split.matter) : []),
    ...scan.links,
  ];
  const note: ParsedNote = {
    title: titleOf(path),
    aliases: frontmatter ? frontmatterAliases(frontmatter) : [],
    tags,
    headings: scan.headings,
    links,
    frontmatter,
    body,
    kind,
  };
  if (fm.error) note.frontmatterError = fm.error;
  if (warnings.length > 0) note.warnings = warnings;
  return note;
}
