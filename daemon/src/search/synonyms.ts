/**
 * Japanese synonyms for expanding a question's words: スマホ → スマートフォン, 応援 → 支援, 削除 → デリート.
 *
 * A question is written in the asker's words and a note in its writer's, and Japanese has many
 * ways to write one thing (漢語 and 和語, katakana loanwords, abbreviations, okurigana). The source
 * is Sudachi's synonym dictionary (Works Applications, Apache-2.0): about 26,000 groups of words
 * that a search engine may expand into each other, made for exactly this use (Elasticsearch's and
 * OpenSearch's Sudachi synonym filters). synonyms-ja.json holds the 8,700 groups left after the
 * dictionary's own rules and ours (scripts/build-synonyms.ts says which and why), one string per
 * group; it is read on the first question into a word → groups index (a few MB).
 */
import data from './synonyms-ja.json';
import { japaneseStem } from './tokenize';

export interface SynonymIndex {
  /** The synonyms of a normalised word (NFKC, lower case; a verb with or without its kana ending), itself excluded, in dictionary order, verbs without their ending. */
  of(word: string): string[];
  /** Words that find a group (as written and without a verb's ending). */
  readonly size: number;
}

/**
 * Builds the index from groups written as synonyms-ja.json writes them: words separated by tabs,
 * `!` before a word that may be expanded to but does not trigger its group (the dictionary's rule).
 * Words are kept as a question's words are searched: verbs and adjectives without their kana ending.
 */
export function buildSynonymIndex(groups: readonly string[]): SynonymIndex {
  const words: string[][] = [];
  const byWord = new Map<string, number[]>();
  for (const line of groups) {
    const entries = line.split('\t').map((w) => (w.startsWith('!') ? { word: w.slice(1), trigger: false } : { word: w, trigger: true }));
    const g = words.push([...new Set(entries.map((e) => japaneseStem(e.word)))]) - 1;
    for (const { word, trigger } of entries) {
      if (!trigger) continue;
      for (const key of new Set([word, japaneseStem(word)])) {
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

/** The dictionary's index, built on first use. */
export function japaneseSynonyms(): SynonymIndex {
  loaded ??= buildSynonymIndex(data.groups);
  return loaded;
}
