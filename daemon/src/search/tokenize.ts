/**
 * The search tokenizer: one function for documents and queries, so both sides always agree.
 *
 * Text is NFKC-normalised (full-width ＡＢＣ → abc, half-width ｶﾅ → カナ, NFD kana composed) and
 * lower-cased, then cut into pieces:
 *
 * - **Latin-like words** (any letter or digit that is not CJK): a run of letters, digits and marks,
 *   possibly joined by `_ . - ' ’` (`foo_bar`, `v1.2`, `e-mail`, `don't`) and possibly ending in
 *   `+`/`#` (`c++`, `c#`). A compound gives its parts and then the parts glued together
 *   (`foo_bar` → `foo bar foobar`); a `+`/`#` suffix adds a spelled-out form (`c++` → `c cpp`,
 *   `c#` → `c csharp`). URLs and paths fall apart into their words (`https`, `example`, `com`, …).
 * - **CJK runs** (Han, Hiragana, Katakana, Hangul, plus ー 々 〆 ヶ 〇): character bigrams for
 *   recall (`議事録` → `議事 事録`) followed by the run's last character alone (`録`), so a
 *   one-character query finds every occurrence with a prefix match (`録:*`), and a query word of
 *   two or more characters is a phrase of its bigrams (exact substring semantics). In addition the
 *   dictionary words of the run (`Intl.Segmenter` with 'ja', which knows Japanese and Chinese) of
 *   two or more characters are collected; documents append them at the end of each field so they
 *   raise the rank of notes where the query word is a real word, without breaking the positions
 *   that phrases rely on.
 *
 * Every token consists only of letters, digits and marks (`\p{L}\p{N}\p{M}`), at most
 * MAX_TOKEN_LENGTH characters: nothing that to_tsvector/to_tsquery could read as an operator,
 * quote, weight or prefix mark, and PostgreSQL's own parser (which `simple` still runs) keeps each
 * token whole. Everything else (punctuation, symbols, emoji) separates tokens and is dropped.
 *
 * Intl.Segmenter gets slower than linearly with the input length, so it only ever sees CJK runs,
 * cut into chunks of at most SEGMENT_CHUNK characters; Latin text never goes through it.
 */

/** Longer tokens (hashes, base64) are cut to this many characters on both sides. */
export const MAX_TOKEN_LENGTH = 64;
/** Intl.Segmenter input size; longer CJK runs are segmented in chunks (bigrams stay continuous). */
const SEGMENT_CHUNK = 200;

const CJK_CLASS = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々〆ヶ〇・`;
// The middle dot is not a CJK letter; it is stripped below but kept in the class so that
// katakana compounds like ジョン・スミス stay one run. (It is removed before bigrams are built.)
const CJK_RUN = String.raw`[${CJK_CLASS}]+`;
const WORD_CHAR = String.raw`[[\p{L}\p{N}\p{M}]--[${CJK_CLASS}]]`;
const LATIN_RUN = String.raw`${WORD_CHAR}+(?:[_.\-'’]${WORD_CHAR}+)*[+#]*`;
/** One regex over the whole normalised text: group 1 a CJK run, group 2 a Latin-like word. */
const PIECE_RE = new RegExp(String.raw`(${CJK_RUN})|(${LATIN_RUN})`, 'gv');
const JOINERS_RE = /[_.\-'’]/;
const CJK_TEST = new RegExp(`[${CJK_CLASS}]`, 'v');
const MIDDLE_DOT_RE = /・/g;

/** A Latin-like word: the tokens it stands for, in index order. */
export interface LatinPiece {
  kind: 'latin';
  /** The parts between joiners: ['foo', 'bar'] for foo_bar, ['c'] for c++. */
  parts: string[];
  /** The parts glued together when there are several: 'foobar'. */
  joined?: string;
  /** The spelled-out +/# suffix form: 'cpp' for c++, 'csharp' for c#. */
  spelled?: string;
}

/** The index tokens of a Latin piece, in stream order: parts, joined, spelled. */
export function latinStream(p: LatinPiece): string[] {
  const out = p.parts.slice();
  if (p.joined) out.push(p.joined);
  if (p.spelled) out.push(p.spelled);
  return out;
}

/** A run of CJK characters. */
export interface CjkPiece {
  kind: 'cjk';
  /** The run itself (normalised, without ・). */
  text: string;
}

export type Piece = LatinPiece | CjkPiece;

/** NFKC and lower case: the normalisation every indexed or queried text goes through. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function cut(token: string): string {
  return token.length > MAX_TOKEN_LENGTH ? token.slice(0, MAX_TOKEN_LENGTH) : token;
}

function latinPiece(word: string): LatinPiece {
  let suffix = '';
  let base = word;
  const m = /[+#]+$/.exec(word);
  if (m) {
    suffix = m[0];
    base = word.slice(0, m.index);
  }
  const parts = JOINERS_RE.test(base) ? base.split(/[_.\-'’]+/).filter(Boolean) : [base];
  const piece: LatinPiece = { kind: 'latin', parts: parts.map(cut) };
  if (parts.length > 1) piece.joined = cut(parts.join(''));
  if (suffix) piece.spelled = cut(parts.join('') + suffix.replace(/\+/g, 'p').replace(/#/g, 'sharp'));
  return piece;
}

/**
 * The pieces of a text, in order. `text` must already be normalised (normalizeText).
 * Calls onPiece for each; returning false stops the scan (used to cap huge documents).
 */
export function scanPieces(normalized: string, onPiece: (piece: Piece) => boolean | void): void {
  const re = new RegExp(PIECE_RE); // a private lastIndex: scanPieces may be re-entered
  let m: RegExpExecArray | null;
  while ((m = re.exec(normalized)) !== null) {
    let piece: Piece | undefined;
    if (m[1] !== undefined) {
      const text = m[1].includes('・') ? m[1].replace(MIDDLE_DOT_RE, '') : m[1];
      if (text) piece = { kind: 'cjk', text };
    } else if (m[2] !== undefined) {
      piece = latinPiece(m[2]);
    }
    if (piece && onPiece(piece) === false) return;
  }
}

export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  scanPieces(normalizeText(text), (p) => {
    out.push(p);
  });
  return out;
}

/** The character bigrams of a CJK run (by code point; empty for a single character). */
export function bigrams(run: string): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

let segmenter: Intl.Segmenter | undefined;

/** Dictionary words of a CJK run (Intl.Segmenter 'ja'), in order, chunked for speed. */
export function segmentWords(run: string): string[] {
  segmenter ??= new Intl.Segmenter('ja', { granularity: 'word' });
  const out: string[] = [];
  const chars = run.length > SEGMENT_CHUNK ? Array.from(run) : undefined;
  const chunks: string[] = [];
  if (!chars) chunks.push(run);
  else for (let i = 0; i < chars.length; i += SEGMENT_CHUNK) chunks.push(chars.slice(i, i + SEGMENT_CHUNK).join(''));
  for (const chunk of chunks) {
    for (const s of segmenter.segment(chunk)) {
      if (s.isWordLike) out.push(s.segment);
    }
  }
  return out;
}

/** True when the text contains CJK characters. */
export function hasCjk(text: string): boolean {
  return CJK_TEST.test(text);
}

/**
 * Function words of Japanese that carry no meaning on their own: particles, copulas, common
 * auxiliaries and formal nouns. Queries drop them (unless nothing else is left); documents do not
 * add them to the word list (their bigrams stay indexed, so phrases still work).
 */
export const JA_FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'の に は を が と で も へ や か な ね よ て た だ し ば から まで より など として について による による における ' +
    'にて では には とは でも へと から も での への との ので のに けど けれど けれども しかし また および ' +
    'です ます でした ました である だった する した して します され される れる られる せる させる ない なく ' +
    'ある あり いる いた おり こと もの ため よう ところ これ それ あれ この その あの どの ここ そこ'
  ).split(/\s+/),
);

/** A kana-only segment of one character, or a known function word: dropped from queries. */
export function isFunctionWord(word: string): boolean {
  if (JA_FUNCTION_WORDS.has(word)) return true;
  return word.length === 1 && /^[\p{Script=Hiragana}\p{Script=Katakana}ー]$/u.test(word);
}

export interface IndexTermOptions {
  /** Stop after this many positional tokens (the tsvector limit is 1 MB; positions stop at 16383). */
  maxTokens?: number;
}

/**
 * The index terms of a text, space-separated, for `to_tsvector('simple', …)`: the positional
 * token stream (Latin tokens, CJK bigrams + last character) followed by the CJK dictionary words
 * of two or more characters.
 */
export function indexTerms(text: string, options: IndexTermOptions = {}): string {
  if (!text) return '';
  const max = options.maxTokens ?? Number.POSITIVE_INFINITY;
  const stream: string[] = [];
  const words: string[] = [];
  scanPieces(normalizeText(text), (p) => {
    if (p.kind === 'latin') {
      stream.push(...latinStream(p));
    } else {
      let chars = Array.from(p.text);
      const room = max - stream.length;
      const cutRun = chars.length > room;
      if (cutRun) chars = chars.slice(0, Math.max(1, room));
      for (let i = 0; i + 1 < chars.length; i++) stream.push(chars[i]! + chars[i + 1]!);
      stream.push(chars[chars.length - 1]!);
      if (chars.length >= 2) {
        for (const w of segmentWords(cutRun ? chars.join('') : p.text)) {
          if (w.length >= 2 && !JA_FUNCTION_WORDS.has(w)) words.push(cut(w));
        }
      }
    }
    return stream.length < max;
  });
  if (stream.length > max) stream.length = max;
  if (words.length === 0) return stream.join(' ');
  return `${stream.join(' ')} ${words.join(' ')}`;
}

const HIRAGANA_TAIL_RE = /[\p{Script=Hiragana}]+$/u;
const HAS_HAN_RE = /\p{Script=Han}/u;

/**
 * A Japanese content word as the index should find it: a verb or adjective loses its kana ending
 * (切り替える → 切り替, 選ぶ → 選), so 切り替え, 切り替わる and 選択 match too.
 */
export function japaneseStem(word: string): string {
  if (!HAS_HAN_RE.test(word)) return word;
  const cut = word.replace(HIRAGANA_TAIL_RE, '');
  if (cut.length === 0 || cut === word) return word;
  // One kanji alone would match every word it starts (教 → 教育); keep one kana (教え).
  return Array.from(cut).length >= 2 ? cut : word.slice(0, cut.length + 1);
}
