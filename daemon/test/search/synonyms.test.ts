/**
 * The Japanese synonym index: its expansion rules on groups written here, the compact data file
 * against the dictionary it is made from, and the real data for a few words.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compactSynonyms, SYNONYMS_FILE } from '../../../scripts/build-synonyms';
import { buildSynonymIndex, japaneseSynonyms } from '../../src/search/synonyms';

describe('buildSynonymIndex', () => {
  const index = buildSynonymIndex(['削除\tデリート\t!消す', 'パソコン\tパーソナルコンピュータ', '呼び出す\tコール', '!配置\t!レイアウト\tセッティング']);

  it('expands a word into the other words of its group', () => {
    expect(index.of('削除')).toEqual(['デリート', '消す']);
    expect(index.of('デリート')).toEqual(['削除', '消す']);
    expect(index.of('パソコン')).toEqual(['パーソナルコンピュータ']);
  });

  it('keeps the dictionary\'s rule: a word marked ! is expanded to but does not expand', () => {
    expect(index.of('消す')).toEqual([]);
    expect(index.of('配置')).toEqual([]);
    expect(index.of('セッティング')).toEqual(['配置', 'レイアウト']);
  });

  it('finds a verb by its stem, as questions search it, and gives verbs as stems', () => {
    expect(index.of('呼び出')).toEqual(['コール']);
    expect(index.of('呼び出す')).toEqual(['コール']);
    expect(index.of('コール')).toEqual(['呼び出']);
    expect(index.of('存在しない単語です')).toEqual([]);
  });
});

describe('synonyms-ja.json', () => {
  it('is what scripts/build-synonyms.ts makes of the dictionary package (run `npm run data:synonyms` after updating it)', () => {
    const expected = compactSynonyms();
    const committed = JSON.parse(readFileSync(SYNONYMS_FILE, 'utf8')) as typeof expected;
    expect(committed.source).toBe(expected.source);
    expect(committed.groups.length).toBe(expected.groups.length);
    expect(committed.groups).toEqual(expected.groups);
  });

  it('leaves out names, misspellings and alphabet spellings, and expands everyday words into the words notes use', () => {
    const index = japaneseSynonyms();
    expect(index.size).toBeGreaterThan(20_000);
    expect(index.of('スマホ')).toContain('スマートフォン');
    expect(index.of('スマホ')).not.toContain('smartphone');
    expect(index.of('応援')).toEqual(expect.arrayContaining(['支援', 'サポート']));
    expect(index.of('脚注')).toEqual(['フットノート']);
    // PC is a record label's name in one group and not a trigger in the others.
    expect(index.of('pc')).toEqual([]);
  });
});
