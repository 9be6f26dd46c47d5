/**
 * The Japanese synonym index: the dictionary's own expansion rules on a small dictionary written
 * here, then the real dictionary (the sudachi-synonyms-dictionary package) for a few words.
 */
import { describe, expect, it } from 'vitest';
import { buildSynonymIndex, japaneseSynonyms } from '../../src/search/synonyms';

const item = (midashi: string, vocabularyNumber: number, extra: Partial<{ expandControl: number; bunya: string[]; gokeiSyubetsu: string; hyoukiYure: string }> = {}) => ({
  midashi,
  vocabularyNumber,
  expandControl: 0,
  bunya: [],
  gokeiSyubetsu: '代表語',
  hyoukiYure: '代表表記',
  ...extra,
});

describe('buildSynonymIndex', () => {
  const index = buildSynonymIndex([
    { id: '1', items: [item('削除', 1), item('デリート', 2), item('delete', 2, { hyoukiYure: 'アルファベット表記' }), item('消す', 3, { expandControl: 1 })] },
    { id: '2', items: [item('配置', 1, { expandControl: 2 }), item('レイアウト', 2)] },
    { id: '3', items: [item('パソコン', 1, { bunya: ['IT'] }), item('ピーシー', 1, { bunya: ['企業名'] }), item('パーソナルコンピュータ', 1, { bunya: ['IT'] })] },
    { id: '4', items: [item('呼び出す', 1), item('コール', 2)] },
    { id: '5', items: [item('シュミレーション', 1, { gokeiSyubetsu: '間違い' }), item('シミュレーション', 1)] },
  ]);

  it('expands a word into the other words of its group, without alphabet spellings', () => {
    expect(index.of('削除')).toEqual(['デリート', '消す']);
    expect(index.of('デリート')).toEqual(['削除', '消す']);
  });

  it('keeps the dictionary\'s rules: a word marked "not a trigger" or "never" does not expand', () => {
    expect(index.of('消す')).toEqual([]);
    expect(index.of('配置')).toEqual([]);
    // 配置 is never used, so レイアウト is left alone in its group.
    expect(index.of('レイアウト')).toEqual([]);
  });

  it('leaves out names, misspellings and groups left with one word', () => {
    expect(index.of('パソコン')).toEqual(['パーソナルコンピュータ']);
    expect(index.of('ピーシー')).toEqual([]);
    expect(index.of('シミュレーション')).toEqual([]);
  });

  it('finds a verb by its stem, as questions search it, and gives verbs as stems', () => {
    expect(index.of('呼び出')).toEqual(['コール']);
    expect(index.of('呼び出す')).toEqual(['コール']);
    expect(index.of('コール')).toEqual(['呼び出']);
  });
});

describe('japaneseSynonyms (the real dictionary)', () => {
  it('expands everyday words into the words notes use', () => {
    const index = japaneseSynonyms();
    expect(index.size).toBeGreaterThan(20_000);
    expect(index.of('スマホ')).toContain('スマートフォン');
    expect(index.of('応援')).toEqual(expect.arrayContaining(['支援', 'サポート']));
    expect(index.of('脚注')).toEqual(['フットノート']);
    expect(index.of('存在しない単語です')).toEqual([]);
  });
});
