/**
 * A question in natural language → the terms to search the index with.
 *
 * A question is not a search query: "How do I move a note to another folder?" or
 * 「ノートを別のフォルダに移動するにはどうすればいいですか」 is mostly words that say nothing about
 * the vault. So the words are cut with the search tokenizer (Intl.Segmenter for Japanese), then
 * - function words and question phrasing are dropped (English stop words; Japanese particles,
 *   auxiliaries and 教えて/ください/どうすれば…), and one-character words when longer ones remain;
 * - English words are reduced to a crude stem matched as a prefix (tags → tag:*, linking → link:*,
 *   libraries → librar:*), because the index does not stem;
 * - katakana pieces the segmenter splits (プラグ|イン) are glued back (プラグイン).
 * Each term becomes its own tsquery (as the search does it: a CJK word is the phrase of its
 * bigrams, so it is found inside longer words), so the caller can weigh terms by how rare they are
 * and rank notes by how many of them they hold instead of requiring all (long questions still match).
 */
import { cjkWordQuery, latinQuery } from '../search/query';
import { japaneseSynonyms } from '../search/synonyms';
import { isFunctionWord, japaneseStem, normalizeText, pieces, segmentWords } from '../search/tokenize';

export interface QuestionTerm {
  /** The normalised word (or stem) to find in passages: NFKC, lower case. */
  text: string;
  /** Its tsquery for to_tsquery('simple', …). */
  query: string;
  /** CJK text is matched anywhere; Latin words at the start of a word (prefix). */
  cjk: boolean;
  /** Other written forms of the same word, matched like `text` (a verb's other endings: 開け → 開く, 開か…). */
  variants?: string[];
}

/** More terms than this are not used (the first ones, in question order). */
export const MAX_QUESTION_TERMS = 16;

const EN_STOP_WORDS = new Set(
  (
    'a about above after again all also am an and another any anything are aren as at be because been before being below between both but by ' +
    'can cannot could did didn do does doesn doing don done down during each either else etc ever every few for from further get gets getting ' +
    'give go going got had has hasn have haven having he her here hers him his how however i if in into is isn it its itself just ' +
    'know let like ll made make makes me might mine more most much must my myself need needs no nor not now of off often on once only or other ' +
    'our ours out over own please possible re really s same see shall she should so some something still such sure t tell than that the their ' +
    'theirs them then there these they thing things this those through to too try trying under until up upon us use used uses using ve very want wants ' +
    'was wasn way ways we were what whats when where whether which while who whom whose why will with within without won would wouldn ' +
    'yes yet you your yours yourself able against among across along via per explain describe simple simply easy easily best good better'
  ).split(/\s+/),
);

/** Japanese words of asking (not of the subject): how, please tell me, can I… */
const JA_QUESTION_WORDS = new Set(
  (
    'どう どうやって どうすれ どうしたら どの どこ どれ どんな いつ なぜ なに 何 こっち そっち あっち どっち こちら そちら あちら どちら いい よい 良い 教え くだ さい ください 下さい ですか ますか ですが ますが ' +
    'でき できる できます できない 方法 やり方 仕方 手順 知り 知る わかる 分かる わから 分から 場合 とき 時 ときの ときは だけ したい したら すれ すると ' +
    'くれ くれる もらう もらえ やすい にくい ほしい 欲しい たい 思い 思う 使い 使う 使っ 使え 行う 行い ある いる なる なっ おく みる みたい について 関し 関して 簡単 一番 まず 今 今日 次 よく すぐ とても もっと ちょっと 少し'
  ).split(/\s+/),
);

const KATAKANA_RE = /^[\p{Script=Katakana}ー]+$/u;
const SHORT_HIRAGANA_RE = /^[\p{Script=Hiragana}ー]{1,2}$/u;

/** A crude English stem, matched as a prefix: plurals, -ing, -ed and a final -e go. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3);
  if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  // "embedd" (embedded) → "embed", "stopp" → "stop"
  if (w !== word && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w.length >= 3 ? w : word;
}

/** The godan conjugation rows, by the kana a one-kanji verb's stem ends in (書か|書き|書く|書け|書こ). */
const GODAN_ROWS = ['かきくけこ', 'がぎぐげご', 'さしすせそ', 'たちつてと', 'なにぬねの', 'ばびぶべぼ', 'まみむめも', 'らりるれろ'];

/**
 * The other forms of a one-kanji verb kept with one kana ending (開け of 開ける / 開けるように):
 * which ending a note uses depends on the form (開く, 開き, 開かない), so every ending of the kana's
 * row is searched. Ichidan verbs (見せ, 乗せ) get their row too, which costs little: those forms
 * are the same word's relatives (乗せ → 乗す, 乗そ are rare, 乗し is not a word of another subject).
 * Endings that several rows share (い, っ, ん of 開いて, 立って, 選んで) are left as they are.
 */
function verbVariants(word: string): string[] {
  const chars = Array.from(word);
  if (chars.length !== 2 || !SINGLE_HAN_RE.test(chars[0]!)) return [];
  const row = GODAN_ROWS.find((r) => r.includes(chars[1]!));
  return row ? Array.from(row).filter((k) => k !== chars[1]).map((k) => chars[0] + k) : [];
}

/** Synonyms searched for one word at most (a group can be long: 関係 has nine). */
const MAX_SYNONYMS = 8;

/**
 * The dictionary's synonyms of a question word (search/synonyms.ts), as the word itself is
 * searched: verbs without their kana ending. One-character synonyms are left out: searched as
 * prefixes, 金 (of お金) would find every 金曜日.
 */
function synonymsOf(word: string): string[] {
  return japaneseSynonyms()
    .of(word)
    .filter((w) => Array.from(w).length > 1)
    .slice(0, MAX_SYNONYMS);
}

const HIRAGANA_RE = /^[\p{Script=Hiragana}ー]+$/u;
const SINGLE_HAN_RE = /^\p{Script=Han}$/u;

/**
 * The content words of a CJK run: the segmenter's words without particles, auxiliaries and
 * question phrasing; a one-character word right after a content word is glued to it (使い|方,
 * 議事|録) unless it is a verb stem (its kana ending follows: 一つ|選|んで, 順に|変|えたい);
 * katakana pieces the segmenter split are glued back (プラグ|イン, アイコ|ン).
 */
export function japaneseWords(run: string): string[] {
  const segs = segmentWords(run);
  const out: string[] = [];
  let glue = false; // the previous segment was a content word, directly before this one
  let prevKatakana = false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const katakana = KATAKANA_RE.test(seg);
    const last = out.at(-1);
    // A katakana piece continuing the previous one (アイコ|ン) is glued before anything else: alone it would look like a particle.
    if (glue && prevKatakana && katakana && last !== undefined && (Array.from(seg).length <= 2 || Array.from(last).length <= 2)) {
      out[out.length - 1] = last + seg;
      continue;
    }
    // Short all-hiragana pieces are grammar or fragments (つれ of もつれ, よく), not subjects; so is
    // the kana ending of a one-kanji verb (変|えたい, 並|ん).
    const inflection = HIRAGANA_RE.test(seg) && i > 0 && SINGLE_HAN_RE.test(segs[i - 1]!);
    if (isFunctionWord(seg) || JA_QUESTION_WORDS.has(seg) || SHORT_HIRAGANA_RE.test(seg) || inflection) {
      glue = false;
      prevKatakana = false;
      continue;
    }
    const single = Array.from(seg).length === 1;
    const verbStem = single && HIRAGANA_RE.test(segs[i + 1] ?? '') && !isFunctionWord(segs[i + 1]!);
    if (glue && last !== undefined && single && !katakana && !verbStem) {
      out[out.length - 1] = last + seg;
    } else {
      out.push(seg);
    }
    glue = true;
    prevKatakana = katakana;
  }
  return out.map(japaneseStem);
}

/** The search terms of a question, most informative words first in question order; [] when none is left. */
export function questionTerms(question: string): QuestionTerm[] {
  const strong: QuestionTerm[] = [];
  const short: QuestionTerm[] = [];
  const seen = new Set<string>();
  const add = (list: QuestionTerm[], term: QuestionTerm) => {
    if (seen.has(term.query)) return;
    seen.add(term.query);
    list.push(term);
  };
  for (const p of pieces(question)) {
    if (p.kind === 'latin') {
      const words = p.parts.filter((w) => !EN_STOP_WORDS.has(w) && !(w.length === 1 && !/\d/.test(w)));
      if (p.spelled || (p.parts.length > 1 && words.length > 0)) {
        // A compound (pop-out, c++, v1.2) stays one term, as the search writes it.
        add(strong, { text: normalizeText(p.parts[0]!), query: latinQuery(p, false), cjk: false });
        continue;
      }
      const word = words[0];
      if (word === undefined) continue;
      if (/^\d+$/.test(word)) {
        add(short, { text: word, query: word, cjk: false });
        continue;
      }
      const s = stem(word);
      // A short word that was not stemmed (dog, sit, app) is matched whole, or with an s
      // (sit:* would find "site"); a stem or a longer word as a prefix (tag:* finds tags, tagged).
      const query = s === word && s.length <= 3 ? `(${s} | ${s}s)` : `${s}:*`;
      add(strong, { text: s, query, cjk: false });
      continue;
    }
    for (const word of japaneseWords(p.text)) {
      if (JA_QUESTION_WORDS.has(word)) continue;
      const variants = [...verbVariants(word), ...synonymsOf(word)];
      const query = variants.length === 0 ? cjkWordQuery(word) : [word, ...variants].map(cjkWordQuery).join(' | ');
      add(strong, { text: word, query, cjk: true, ...(variants.length > 0 ? { variants } : {}) });
    }
  }
  // One-character words (別, 見) and bare numbers only when nothing better is left.
  return (strong.length > 0 ? strong : short).slice(0, MAX_QUESTION_TERMS);
}

