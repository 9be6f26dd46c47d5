/**
 * Japanese synonyms for expanding a question's words: スマホ → スマートフォン, 応援 → 支援, 配置 → レイアウト.
 *
 * A question is written in the asker's words and a note in its writer's, and Japanese has many
 * ways to write one thing (漢語 and 和語, katakana loanwords, abbreviations, okurigana). The source
 * is Sudachi's synonym dictionary (Works Applications, Apache-2.0, via the npm package
 * sudachi-synonyms-dictionary): about 26,000 groups of words that a search engine may expand into
 * each other, made for exactly this use (Elasticsearch's and OpenSearch's Sudachi synonym filters).
 *
 * Its own rules are kept: only a word marked "expand" (expandControl 0) triggers its group, words
 * marked "never" (2) and misspellings are left out. So are proper nouns' groups (company, person,
 * place, school names: "PC" would expand to a record label) and the alphabet spellings (a Japanese
 * note writes スマートフォン, not smartphone; alone "free", "all", "back" would match code and
 * English passages). The dictionary (14 MB of JSON) is read once, on the first question (about
 * 0.3 s), into a word → group index of 22,600 words that keeps about 3 MB.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { japaneseStem, normalizeText } from './tokenize';

interface DictionaryItem {
  expandControl: number;
  vocabularyNumber: number;
  gokeiSyubetsu: string;
  hyoukiYure: string;
  bunya: string[];
  midashi: string;
}

interface DictionaryGroup {
  id: string;
  items: DictionaryItem[];
}

/** Domains whose words are names, not vocabulary. */
const NAME_DOMAINS = new Set(['企業名', '旧企業名', '人名', '人', '地名', '大学名', '組織名', '旧組織名', '店名', '店', 'キャラ', '商品', '国名']);
const HAS_CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export interface SynonymIndex {
  /** The synonyms of a normalised word (NFKC, lower case; a verb with or without its kana ending), itself excluded, in dictionary order, verbs without their ending. */
  of(word: string): string[];
  /** Words that trigger a group. */
  readonly size: number;
}

function usable(item: DictionaryItem): boolean {
  return item.expandControl !== 2 && item.gokeiSyubetsu !== '間違い' && item.hyoukiYure !== '間違い表記' && !item.bunya.some((b) => NAME_DOMAINS.has(b)) && HAS_CJK_RE.test(item.midashi);
}

/** Builds the index from the dictionary's groups (exported for tests with a small dictionary). */
export function buildSynonymIndex(groups: DictionaryGroup[]): SynonymIndex {
  const words: string[][] = [];
  const byWord = new Map<string, number[]>();
  for (const group of groups) {
    const items = group.items.filter(usable);
    if (items.length < 2) continue;
    // Words are kept as a question's words are searched: verbs and adjectives without their kana ending.
    const g = words.push([...new Set(items.map((i) => japaneseStem(normalizeText(i.midashi))))]) - 1;
    for (const item of items) {
      if (item.expandControl !== 0) continue;
      const written = normalizeText(item.midashi);
      for (const key of new Set([written, japaneseStem(written)])) {
        const list = byWord.get(key);
        if (list === undefined) byWord.set(key, [g]);
        else if (!list.includes(g)) list.push(g);
      }
    }
  }
  return {
    of(word) {
      const groups = byWord.get(word);
      if (groups === undefined) return [];
      const self = japaneseStem(word);
      const out = new Set<string>();
      for (const g of groups) for (const w of words[g]!) if (w !== word && w !== self) out.add(w);
      return [...out];
    },
    size: byWord.size,
  };
}

let loaded: SynonymIndex | undefined;

/** The dictionary's index, read on first use. */
export function japaneseSynonyms(): SynonymIndex {
  if (loaded === undefined) {
    const main = createRequire(import.meta.url).resolve('sudachi-synonyms-dictionary');
    const file = path.join(path.dirname(main), 'sudachi-synonyms-dictionary.json');
    loaded = buildSynonymIndex(JSON.parse(readFileSync(file, 'utf8')) as DictionaryGroup[]);
  }
  return loaded;
}
