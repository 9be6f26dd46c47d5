/**
 * `npm run data:synonyms` — writes daemon/src/search/synonyms-ja.json, the Japanese synonym groups
 * the librarian expands question words with (daemon/src/search/synonyms.ts), from Sudachi's
 * synonym dictionary (the npm package sudachi-synonyms-dictionary, a devDependency).
 *
 * The package is 14 MB of JSON with eight fields per word; reading it in the daemon raised the
 * process's peak memory by about 60 MB. This keeps only what the expansion uses, one string per
 * group ("削除\tデリート\t!消す": words normalised as the index writes them, `!` before a word that
 * may be expanded to but does not trigger its group), about 0.7 MB. The dictionary's own rules are
 * applied here: words marked "never expand" and misspellings are dropped, so are proper nouns
 * (company, person, place, school names: "PC" would expand to a record label) and alphabet spellings
 * (a Japanese note writes スマートフォン, not smartphone; alone "free", "all", "back" would match
 * code and English passages). A test checks the file is what this script writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { normalizeText } from '../daemon/src/search/tokenize';

interface DictionaryItem {
  expandControl: number;
  gokeiSyubetsu: string;
  hyoukiYure: string;
  bunya: string[];
  midashi: string;
}

/** Domains whose words are names, not vocabulary. */
const NAME_DOMAINS = new Set(['企業名', '旧企業名', '人名', '人', '地名', '大学名', '組織名', '旧組織名', '店名', '店', 'キャラ', '商品', '国名']);
const HAS_CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export const SYNONYMS_FILE = path.join(import.meta.dirname, '../daemon/src/search/synonyms-ja.json');

function usable(item: DictionaryItem): boolean {
  return item.expandControl !== 2 && item.gokeiSyubetsu !== '間違い' && item.hyoukiYure !== '間違い表記' && !item.bunya.some((b) => NAME_DOMAINS.has(b)) && HAS_CJK_RE.test(item.midashi);
}

/** The compact groups, as synonyms-ja.json holds them, from the package's dictionary. */
export function compactSynonyms(): { source: string; groups: string[] } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('sudachi-synonyms-dictionary');
  const dir = path.dirname(main);
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const dictionary = JSON.parse(readFileSync(path.join(dir, 'sudachi-synonyms-dictionary.json'), 'utf8')) as Array<{ items: DictionaryItem[] }>;
  const groups: string[] = [];
  for (const group of dictionary) {
    const words = new Map<string, boolean>();
    for (const item of group.items.filter(usable)) {
      const word = normalizeText(item.midashi);
      // A word written twice triggers when either entry does.
      words.set(word, (words.get(word) ?? false) || item.expandControl === 0);
    }
    if (words.size < 2 || ![...words.values()].some(Boolean)) continue;
    groups.push([...words].map(([w, trigger]) => (trigger ? w : `!${w}`)).join('\t'));
  }
  return {
    source: `Sudachi's synonym dictionary (Works Applications, Apache License 2.0), from the npm package sudachi-synonyms-dictionary ${version}; compacted by scripts/build-synonyms.ts`,
    groups,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const data = compactSynonyms();
  writeFileSync(SYNONYMS_FILE, `${JSON.stringify(data, null, 0).replace(/","/g, '",\n"')}\n`);
  console.log(`wrote ${data.groups.length} groups to ${path.relative(process.cwd(), SYNONYMS_FILE)}`);
}
