import { describe, expect, it } from 'vitest';
import { searchDocument } from '../../src/search/document';
import { indexTerms, MAX_TOKEN_LENGTH, normalizeText } from '../../src/search/tokenize';

const terms = (text: string) => indexTerms(text).split(' ').filter(Boolean);

describe('tokenizer', () => {
  it('gives Japanese bigrams, the run end and dictionary words', () => {
    const t = terms('会議の議事録');
    expect(t).toEqual(expect.arrayContaining(['会議', '議の', 'の議', '議事', '事録', '録']));
    // the words come after the positional stream
    expect(t.slice(0, 6)).toEqual(['会議', '議の', 'の議', '議事', '事録', '録']);
    expect(t.slice(6)).toContain('会議');
  });

  it('handles Chinese with the same CJK rules', () => {
    const t = terms('我们的数据库');
    expect(t).toEqual(expect.arrayContaining(['我们', '数据', '据库', '库']));
  });

  it('splits mixed Japanese and English at script changes', () => {
    expect(terms('Obsidianの使い方')).toEqual(expect.arrayContaining(['obsidian', 'の使', '使い', 'い方', '方']));
    expect(terms('hello世界')[0]).toBe('hello');
  });

  it('folds full-width and half-width forms (NFKC) and case', () => {
    expect(terms('ＡＢＣ１２３')).toEqual(['abc123']);
    expect(terms('ﾃﾞｰﾀ')).toEqual(terms('データ'));
    expect(normalizeText('Ｏｂｓｉｄｉａｎ')).toBe('obsidian');
  });

  it('composes NFD input (macOS file names)', () => {
    const nfd = 'テンプレート'.normalize('NFD');
    expect(nfd).not.toBe('テンプレート');
    expect(terms(nfd)).toEqual(terms('テンプレート'));
  });

  it('keeps compounds whole and in parts', () => {
    expect(terms('foo_bar')).toEqual(['foo', 'bar', 'foobar']);
    expect(terms('v1.2')).toEqual(['v1', '2', 'v12']);
    expect(terms('e-mail')).toEqual(['e', 'mail', 'email']);
    expect(terms('C++ and C#')).toEqual(['c', 'cpp', 'and', 'c', 'csharp']);
    expect(terms('https://example.com/a?b=1')).toEqual(['https', 'example', 'com', 'examplecom', 'a', 'b', '1']);
  });

  it('drops emoji, symbols and every tsquery operator', () => {
    expect(terms("📘 & | ! ( ) : * < > ' \\ \" foo")).toEqual(['foo']);
    for (const t of terms("a&b|c!d(e)f:g*h<i>j'k\\l")) expect(t).toMatch(/^[\p{L}\p{N}\p{M}]+$/u);
    expect(terms('📘Templaterの普段使い')).toEqual(expect.arrayContaining(['templater', '普段']));
  });

  it('cuts overlong tokens', () => {
    const t = terms('x'.repeat(500));
    expect(t).toEqual(['x'.repeat(MAX_TOKEN_LENGTH)]);
  });

  it('is deterministic and handles long lines and long CJK runs', () => {
    const long = '東京都特許許可局長'.repeat(2000) + ' ' + 'word '.repeat(20000);
    const a = indexTerms(long);
    expect(indexTerms(long)).toBe(a);
    expect(a.split(' ').length).toBeGreaterThan(30000);
    expect(indexTerms(long, { maxTokens: 100 }).split(' ').length).toBeLessThanOrEqual(200);
  });

  it('caps the body of a huge note', () => {
    const doc = searchDocument({
      title: '大きいノート', aliases: ['Big'], tags: ['a/b'], headings: [{ level: 1, text: 'Heading One', line: 1 }], links: [],
      frontmatter: null, body: 'word '.repeat(200_000), kind: 'markdown',
    });
    expect(doc.body.split(' ').length).toBe(50_000);
    expect(doc.title.split(' ')).toEqual(expect.arrayContaining(['大き', 'きい']));
    expect(doc.meta.split(' ')).toEqual(expect.arrayContaining(['big', 'heading', 'one']));
    expect(doc.tags.split(' ')).toEqual(['a', 'b']);
  });

  it('gives empty strings for empty fields', () => {
    expect(searchDocument({ title: '', aliases: [], tags: [], headings: [], links: [], frontmatter: null, body: '', kind: 'markdown' })).toEqual({ title: '', meta: '', tags: '', body: '' });
  });
});
