/**
 * The passage of a note that answers a question: the note body cut into sections (by Markdown
 * headings, outside code fences) and paragraphs; the paragraph holding the most of the question's
 * terms (weighted by how rare each term is; the section heading counts for its paragraphs, and half
 * again when it names a term) is taken with its neighbours of the same section up to `maxChars`.
 * A note that matched only by its title, tags or a link gives its opening instead.
 */
import { normalizeText } from '../search/tokenize';
import type { QuestionTerm } from './question';

export interface WeightedTerm extends QuestionTerm {
  /** How much finding this term is worth (its inverse document frequency). */
  weight: number;
}

export interface ExtractedPassage {
  heading: string | null;
  text: string;
  /** The weights of the distinct terms found in the passage and its heading. */
  matched: number;
  /** The weights of the distinct terms found in its heading alone. */
  headingMatched: number;
}

interface Block {
  heading: string | null;
  /** The headings above the paragraph, outermost first, its own heading last ([] before the first). */
  path: string[];
  /** Index of the section, so neighbours stay within it. */
  section: number;
  text: string;
}

const HEADING_RE = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE_RE = /^\s*(```|~~~)/;

/** Paragraphs of a Markdown body with the heading of their section; a code fence is one paragraph. */
export function blocksOf(body: string): Block[] {
  const blocks: Block[] = [];
  let heading: string | null = null;
  let path: string[] = [];
  const levels: number[] = [];
  let section = 0;
  let lines: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) blocks.push({ heading, path, section, text });
    lines = [];
  };
  for (const line of body.replace(/%%[\s\S]*?%%/g, '').split(/\r?\n/)) {
    const f = FENCE_RE.exec(line);
    if (fence) {
      lines.push(line);
      if (f && f[1] === fence) {
        fence = null;
        flush();
      }
      continue;
    }
    if (f) {
      flush();
      fence = f[1]!;
      lines.push(line);
      continue;
    }
    const h = HEADING_RE.exec(line);
    if (h) {
      flush();
      heading = h[2]!.trim();
      const level = h[1]!.length;
      while (levels.length > 0 && levels.at(-1)! >= level) levels.pop();
      levels.push(level);
      path = [...path.slice(0, levels.length - 1), heading];
      section++;
      continue;
    }
    if (line.trim() === '') flush();
    else lines.push(line);
  }
  flush();
  return blocks;
}

const WORD_BEFORE = /[\p{L}\p{N}\p{M}]/u;

/** Whether the normalised text holds the term (Latin: at the start of a word; CJK: anywhere). */
export function hasTerm(normalized: string, term: QuestionTerm): boolean {
  if (term.variants?.some((v) => normalized.includes(v))) return true;
  let at = normalized.indexOf(term.text);
  if (term.cjk) return at >= 0;
  while (at >= 0) {
    if (at === 0 || !WORD_BEFORE.test(normalized[at - 1]!)) return true;
    at = normalized.indexOf(term.text, at + 1);
  }
  return false;
}

function weightIn(normalized: string, terms: WeightedTerm[]): number {
  let sum = 0;
  for (const t of terms) if (hasTerm(normalized, t)) sum += t.weight;
  return sum;
}

/** Cuts text to at most max characters around the first place where a term occurs, marking the cuts with "…". */
function window(text: string, terms: WeightedTerm[], max: number): string {
  if (text.length <= max) return text;
  const normalized = normalizeText(text);
  let first = normalized.length;
  for (const t of terms) {
    const at = normalized.indexOf(t.text);
    if (at >= 0 && at < first) first = at;
  }
  // NFKC can change lengths; positions are close enough to choose a window.
  const start = first >= normalized.length ? 0 : Math.max(0, Math.min(first - Math.floor(max / 4), text.length - max));
  const piece = text.slice(start, start + max - 2).trim();
  return `${start > 0 ? '…' : ''}${piece}${start + max - 2 < text.length ? '…' : ''}`;
}

/** The best passage of a note body for the terms (never longer than maxChars). */
export function extractPassage(body: string, terms: WeightedTerm[], maxChars: number): ExtractedPassage {
  const blocks = blocksOf(body);
  if (blocks.length === 0) return { heading: null, text: '', matched: 0, headingMatched: 0 };
  const normalizedHeadings = new Map<string, string>();
  const scored = blocks.map((b) => {
    const key = b.heading ?? '';
    let h = normalizedHeadings.get(key);
    if (h === undefined) normalizedHeadings.set(key, (h = normalizeText(key)));
    // A heading that names a term says the section is about it: it counts half again.
    return weightIn(`${h}\n${normalizeText(b.text)}`, terms) + 0.5 * weightIn(h, terms);
  });
  let best = 0;
  for (let i = 1; i < blocks.length; i++) if (scored[i]! > scored[best]!) best = i;
  if (scored[best] === 0) best = 0;
  const chosen = blocks[best]!;
  // Grow the passage with the following paragraphs of its section, then the preceding ones.
  let text = window(chosen.text, terms, maxChars);
  for (let i = best + 1; i < blocks.length && blocks[i]!.section === chosen.section; i++) {
    const next = `${text}\n\n${blocks[i]!.text}`;
    if (next.length > maxChars) break;
    text = next;
  }
  for (let i = best - 1; i >= 0 && blocks[i]!.section === chosen.section; i--) {
    const next = `${blocks[i]!.text}\n\n${text}`;
    if (next.length > maxChars) break;
    text = next;
  }
  const heading = normalizeText(chosen.heading ?? '');
  const matched = weightIn(`${heading}\n${normalizeText(text)}`, terms);
  return { heading: chosen.heading, text, matched, headingMatched: weightIn(heading, terms) };
}
