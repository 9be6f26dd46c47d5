/**
 * Snippets: a short passage of a note's body around its first match, with the matched terms as
 * [start, end) offsets into the passage (UTF-16 code units, i.e. JavaScript string indices), so
 * the plugin renders `text.slice(start, end)` as a mark without ever parsing HTML.
 *
 * Matching is done on the NFKC, lower-cased form (the same normalisation as the index) and mapped
 * back to the original text code point by code point, so ＡＢＣ, ｶﾀｶﾅ and upper case are marked in
 * the text as written. Latin terms are marked on word boundaries (prefix terms at the start of a
 * word); CJK terms wherever they occur (PostgreSQL's ts_headline cannot see our CJK tokens).
 */
import type { HighlightTerm } from './query';

export interface Snippet {
  text: string;
  highlights: Array<[number, number]>;
}

/** About this many characters per snippet. */
export const SNIPPET_LENGTH = 180;
/** Characters shown before the first match. */
const LEAD = 50;
/** Only this much of a body is searched for a match (the rest still counts for ranking). */
const SCAN_LIMIT = 200_000;
const MAX_HIGHLIGHTS = 32;

interface Mapped {
  /** Normalised text. */
  norm: string;
  /** For each UTF-16 index of norm, the index in the original text where its code point came from. */
  start: number[];
  /** ... and where that original code point ends. */
  end: number[];
}

function mapNormalized(text: string): Mapped {
  let norm = '';
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  for (const ch of text) {
    const n = ch.normalize('NFKC').toLowerCase();
    for (let k = 0; k < n.length; k++) {
      start.push(i);
      end.push(i + ch.length);
    }
    norm += n;
    i += ch.length;
  }
  return { norm, start, end };
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const isWordAt = (s: string, i: number) => i >= 0 && i < s.length && WORD_CHAR.test(s[i]!);

/** [start, end) ranges of the terms in text (original offsets), sorted, merged. */
export function findHighlights(text: string, terms: HighlightTerm[]): Array<[number, number]> {
  if (!text || terms.length === 0) return [];
  const m = mapNormalized(text);
  const ranges: Array<[number, number]> = [];
  for (const term of terms) {
    if (!term.text) continue;
    let from = 0;
    while (ranges.length < MAX_HIGHLIGHTS * 4) {
      const at = m.norm.indexOf(term.text, from);
      if (at < 0) break;
      let endAt = at + term.text.length;
      from = at + 1;
      if (!term.cjk) {
        if (isWordAt(m.norm, at - 1)) continue;
        if (term.prefix) {
          while (isWordAt(m.norm, endAt)) endAt++;
        } else if (isWordAt(m.norm, endAt)) continue;
      }
      ranges.push([m.start[at]!, m.end[endAt - 1]!]);
      from = endAt;
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged.slice(0, MAX_HIGHLIGHTS);
}

/** Passage text: heading markers dropped, whitespace runs → one space (the snippet shows one line of text). */
function collapse(text: string): string {
  // Heading markers are Markdown syntax, not words a reader wants in a passage.
  return text.replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '').replace(/\s+/g, ' ');
}

/** Cuts at a code point boundary (never half a surrogate pair). */
function safeCut(text: string, i: number): number {
  if (i > 0 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) return i - 1;
  }
  return i;
}

/**
 * The snippet of a body: the passage around the first line that contains a term (or the start of
 * the body when the match was in the title, tags or aliases), with the terms marked.
 */
export function makeSnippet(body: string, terms: HighlightTerm[], length = SNIPPET_LENGTH): Snippet {
  const source = body.length > SCAN_LIMIT ? body.slice(0, SCAN_LIMIT) : body;
  let offset = -1;
  if (terms.length > 0) {
    // Find the first line that matches with a cheap check on the whole line, then map only that line.
    let lineStart = 0;
    while (lineStart <= source.length) {
      let lineEnd = source.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = source.length;
      const line = source.slice(lineStart, lineEnd);
      if (line.trim()) {
        const norm = line.normalize('NFKC').toLowerCase();
        if (terms.some((t) => norm.includes(t.text))) {
          const slice = line.length > 4000 ? line.slice(0, 4000) : line;
          const hits = findHighlights(slice, terms);
          if (hits.length > 0) {
            offset = lineStart + hits[0]![0];
            break;
          }
        }
      }
      lineStart = lineEnd + 1;
    }
  }
  let from: number;
  if (offset < 0) {
    from = 0;
    // Skip leading blank lines.
    while (from < source.length && /\s/.test(source[from]!)) from++;
  } else {
    from = Math.max(0, offset - LEAD);
    // Start at a line or word boundary near the lead when there is one.
    const nl = source.lastIndexOf('\n', offset);
    if (nl >= from) from = nl + 1;
    else if (from > 0) {
      const space = source.indexOf(' ', from);
      if (space >= 0 && space < offset) from = space + 1;
    }
  }
  from = safeCut(source, from);
  let to = safeCut(source, Math.min(source.length, from + length * 2));
  let raw = collapse(source.slice(from, to)).trim();
  if (raw.length > length) {
    let cut = safeCut(raw, length);
    const space = raw.lastIndexOf(' ', cut);
    if (space > length * 0.7) cut = space;
    raw = raw.slice(0, cut).trimEnd();
    to = -1;
  }
  const prefix = source.slice(0, from).trim() ? '… ' : '';
  const suffix = to === -1 || to < source.length ? ' …' : '';
  const text = prefix + raw + (raw ? suffix : '');
  return { text, highlights: findHighlights(text, terms) };
}
