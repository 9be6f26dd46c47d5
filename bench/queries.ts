/**
 * The fixed query sets and the recall tasks.
 *
 * English: the corpus's most common words (highest document frequency, computed from the notes,
 * so "the most common terms" really are), fixed topical words and phrases, a prefix, an
 * exclusion, and rare words (found in exactly one note, chosen deterministically). Japanese:
 * common and rare words, compounds and queries without spaces.
 */
import type { PeerNote } from './corpus';

export interface QuerySet {
  common: string[];
  other: string[];
  rare: string[];
}

export const allQueries = (s: QuerySet) => [...s.common, ...s.other, ...s.rare];

/** Words of 3+ ASCII letters, by the number of notes they occur in. */
function documentFrequency(notes: PeerNote[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const n of notes) {
    const words = new Set(`${n.title}\n${n.body}`.toLowerCase().match(/\b[a-z]{3,}\b/g) ?? []);
    for (const w of words) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return df;
}

export function englishQueries(notes: PeerNote[], fixed: string[], commonCount = 4, rareCount = 4): QuerySet {
  const df = documentFrequency(notes);
  const byDf = [...df.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const common = byDf.slice(0, commonCount).map(([w]) => w);
  const singles = byDf.filter(([w, n]) => n === 1 && w.length >= 7 && w.length <= 12).map(([w]) => w).sort();
  const rare = Array.from({ length: Math.min(rareCount, singles.length) }, (_, i) => singles[Math.floor(((i + 0.5) * singles.length) / rareCount)]!);
  return { common, other: fixed, rare };
}

export const EN_FIXED_ZETTEL = ['linear algebra', 'eigenvalue', 'binary search tree', 'buffer overflow', '"hash table"', 'recurs*', 'python -java', 'fourier transform'];
export const EN_FIXED_HELP = ['sync', 'canvas', 'core plugins', 'keyboard shortcut', '"internal links"', 'embed*', 'publish -sync', 'frontmatter properties'];
export const EN_FIXED_GENERATED = ['eigenvalue', 'binary tree', '"hash table"', 'compil*', 'python -rust', 'meeting summary'];

export const JA_HELP: QuerySet = {
  common: ['ノート', 'obsidian', 'ファイル'],
  other: ['プラグイン', '検索', 'リンク', '同期', 'ファイルの埋め込み', 'キーボードショートカット', 'コアプラグインの設定', '会議の議事録'],
  rare: ['暗号化', 'ソーシャルメディア', 'パーマリンク'],
};
export const JA_NOTES: QuerySet = {
  common: ['こと', '本'],
  other: ['読書', '健康', '睡眠の質', '投資', 'プログラミング', '機械学習', '会議の議事録', '英語の勉強'],
  rare: ['確定申告', '農業'],
};
export const JA_GENERATED: QuerySet = {
  common: ['会議', 'ノート'],
  other: ['会議の議事録', '東京で会議', '睡眠の習慣', '統計データの分析'],
  rare: ['買い物', '哲学'],
};

/** Title words a user would type: Intl.Segmenter words, particles and single kana dropped, joined by spaces. */
export function titleWords(title: string): string {
  const seg = new Intl.Segmenter('ja', { granularity: 'word' });
  const words: string[] = [];
  for (const s of seg.segment(title.normalize('NFKC'))) {
    if (!s.isWordLike) continue;
    if (/^[\p{Script=Hiragana}]$/u.test(s.segment)) continue;
    if (/^(の|は|が|を|に|で|と|も|へ|や|から|まで|より)$/.test(s.segment)) continue;
    words.push(s.segment);
  }
  return words.join(' ') || title;
}
