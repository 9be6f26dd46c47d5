import { describe, expect, it } from 'vitest';
import { MAX_TERMS, parseQuery, QueryError } from '../../src/search/query';
import { makeSnippet } from '../../src/search/snippet';

const q = (text: string) => parseQuery({ q: text });

describe('query parsing', () => {
  it('ANDs words', () => {
    expect(q('alpha beta').tsquery).toBe('alpha & beta');
  });
  it('makes phrases with the index distances', () => {
    expect(q('"hello world"').tsquery).toBe('(hello <-> world)');
    expect(q('"東京 tower"').tsquery).toBe('(東京 <-> 京 <-> tower)');
  });
  it('accepts an unbalanced quote as a phrase to the end', () => {
    expect(q('"hello world').tsquery).toBe('(hello <-> world)');
  });
  it('excludes words and phrases', () => {
    expect(q('alpha -beta -"gamma delta"').tsquery).toBe('alpha & !beta & !(gamma <-> delta)');
  });
  it('treats word* as a prefix', () => {
    expect(q('pre*').tsquery).toBe('pre:*');
    expect(q('foo_ba*').tsquery).toBe('((foo <-> ba:*) | foobar:*)'.replace('foobar:*', 'fooba:*'));
  });
  it('matches compounds in parts or glued', () => {
    expect(q('foo_bar').tsquery).toBe('((foo <-> bar) | foobar)');
    expect(q('C++').tsquery).toBe('cpp');
  });
  it('segments Japanese without spaces and drops particles', () => {
    expect(q('会議の議事録').tsquery).toBe('(会議 & ((議事 <-> 事録) | 議事録))');
    expect(q('東京 の 会議').tsquery).toBe('東京 & 会議');
    expect(q('東京で会議').tsquery).toBe('(東京 & 会議)');
  });
  it('keeps a query made only of particles', () => {
    expect(q('の').tsquery).toBe('の:*');
  });
  it('parses filters in the text', () => {
    const p = q('tag:#Proj/A -tag:old folder:"My Notes/" -path:Archive status:Done modified>=2024-01-01 modified<2024-02-01');
    expect(p.tsquery).toBeNull();
    expect(p.filters).toEqual({
      tags: ['proj/a'], excludeTags: ['old'], folders: ['My Notes'], excludeFolders: ['Archive'],
      fields: [{ key: 'status', value: 'Done' }],
      modified: { gte: '2024-01-01T00:00:00.000Z', lt: '2024-02-01T00:00:00.000Z' },
    });
  });
  it('takes filters as parameters', () => {
    const p = parseQuery({ q: '', tag: ['x'], folder: ['Daily'], since: '2024-05-01', fields: { Source: 'web' } });
    expect(p.filters.tags).toEqual(['x']);
    expect(p.filters.folders).toEqual(['Daily']);
    expect(p.filters.modified.gte).toBe('2024-05-01T00:00:00.000Z');
    expect(p.filters.fields).toEqual([{ key: 'Source', value: 'web' }]);
  });
  it('modified:DAY is that day', () => {
    expect(q('x modified:2024-03-05').filters.modified).toEqual({ gte: '2024-03-05T00:00:00.000Z', lt: '2024-03-06T00:00:00.000Z' });
  });
  it('does not read URLs or times as filters', () => {
    expect(q('https://example.com').filters.fields).toEqual([]);
    expect(q('10:30').tsquery).toBe('(10 & 30)');
  });
  it('only filters with an exclusion gives an exclude query', () => {
    const p = q('tag:x -draft');
    expect(p.tsquery).toBeNull();
    expect(p.excludeQuery).toBe('draft');
  });
  it('refuses queries without anything to search for', () => {
    for (const bad of ['', '   ', "&|!():*<>'\\", '-alpha', '"""', '***']) {
      expect(() => q(bad), bad).toThrow(QueryError);
    }
    expect(() => q('modified>=yesterday')).toThrow(/not a date/);
    expect(() => q('x'.repeat(1001))).toThrow(/too long/);
  });
  it('never lets an operator or quote into a tsquery operand', () => {
    const nasty = ["a'b", 'a\\b', 'a:b:c', 'a&b|c', '!a', '(a)', 'a<->b', "'; drop table notes; --", 'a:*b', 'ａ＆ｂ'];
    for (const text of nasty) {
      const p = q(text);
      const operands = (p.tsquery ?? '').split(/[\s()&|!]+|<\d*-?>/).filter(Boolean);
      for (const o of operands) expect(o, text).toMatch(/^[\p{L}\p{N}\p{M}]+(:\*)?$/u);
    }
  });
  it('caps the number of terms', () => {
    const p = q(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    expect(p.tsquery!.split(' & ')).toHaveLength(MAX_TERMS);
    expect(p.ignored).toHaveLength(40 - MAX_TERMS);
  });
});

describe('snippets', () => {
  it('marks Latin words on word boundaries, case-insensitively', () => {
    const s = makeSnippet('The Cat sat on a category.', q('cat').highlights);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Cat']);
  });
  it('marks prefixes to the end of the word', () => {
    const s = makeSnippet('Category theory', q('cat*').highlights);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Category']);
  });
  it('marks Japanese terms inside text and full-width forms as written', () => {
    const s = makeSnippet('昨日の会議で議事録を書いた。ＣＡＴ', parseQuery({ q: '会議の議事録 cat' }).highlights);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['会議', '議事録', 'ＣＡＴ']);
  });
  it('drops heading markers but keeps hashtags', () => {
    const s = makeSnippet('# Roadmap\nThe roadmap for #project/alpha\n## Next steps', q('roadmap').highlights);
    expect(s.text).toBe('Roadmap The roadmap for #project/alpha Next steps');
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Roadmap', 'roadmap']);
  });
  it('starts near the first match in a long body', () => {
    const body = `${'filler line\n'.repeat(500)}here is the needle in the text\n${'more\n'.repeat(100)}`;
    const s = makeSnippet(body, q('needle').highlights);
    expect(s.text.startsWith('… ')).toBe(true);
    expect(s.text).toContain('needle');
    expect(s.text.length).toBeLessThan(200);
    const [[a, b]] = s.highlights as [[number, number]];
    expect(s.text.slice(a, b)).toBe('needle');
  });
  it('shows the start of the body when only the title matched', () => {
    const s = makeSnippet('\n\nFirst line of the note', q('zzz').highlights);
    expect(s.text).toBe('First line of the note');
    expect(s.highlights).toEqual([]);
  });
  it('never cuts a surrogate pair', () => {
    const s = makeSnippet('😀'.repeat(300), q('x').highlights);
    expect(s.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
