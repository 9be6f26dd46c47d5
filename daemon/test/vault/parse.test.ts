/**
 * parseNote, one case per oddity of the real vaults (../shared/corpus/README.md). The fixtures are
 * written here, reproducing each case; no database, no disk.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS, MAX_FRONTMATTER_DEPTH, NotANoteError, parseNote } from '../../src/vault/parse';

const p = parseNote;

describe('frontmatter', () => {
  it('reads YAML frontmatter and keeps dates as the strings written', () => {
    const n = p('Daily/2024-01-01.md', '---\ndate: 2024-01-01\nat: 2021-11-01T01:00:00+02:00\nzoned: 2021-11-01T01:00:00[Europe/Paris]\nflag: true\nn: 3\n---\nBody\n');
    expect(n.frontmatter).toEqual({
      date: '2024-01-01',
      at: '2021-11-01T01:00:00+02:00',
      zoned: '2021-11-01T01:00:00[Europe/Paris]',
      flag: true,
      n: 3,
    });
    expect(n.frontmatterError).toBeUndefined();
    expect(n.body).toBe('Body\n');
    expect(n.title).toBe('2024-01-01');
  });

  it('refuses ---js frontmatter (never executes it) and still indexes the body', () => {
    const g = globalThis as { hishoPwned?: boolean };
    const n = p('evil.md', '---js\n{ tags: (globalThis.hishoPwned = true, ["x"]) }\n---\nstill a note #ok\n');
    expect(g.hishoPwned).toBeUndefined();
    expect(n.frontmatter).toBeNull();
    expect(n.frontmatterError).toMatch(/refused/);
    expect(n.tags).toEqual(['ok']);
    const c = p('evil2.md', '---coffee\ntags: ["x"]\n---\nbody\n');
    expect(c.frontmatterError).toMatch(/refused/);
    const j = p('evil3.md', '---javascript\n({a: 1})\n---\nbody\n');
    expect(j.frontmatterError).toMatch(/refused/);
  });

  it('reads JSON frontmatter (in --- fences and as ---json)', () => {
    const n = p('Test Data/jason_properties.md', '---\n{\n  "tags": "journal",\n  "publish": false\n}\n---\n\n# jason_properties\n');
    expect(n.frontmatter).toEqual({ tags: 'journal', publish: false });
    expect(n.tags).toEqual(['journal']);
    expect(n.headings).toEqual([{ level: 1, text: 'jason_properties', line: 8 }]);
    const j = p('j.md', '---json\n{"aliases": ["A"]}\n---\nx\n');
    expect(j.aliases).toEqual(['A']);
  });

  it('accepts a blank line right after the opening --- (Excalidraw style)', () => {
    const n = p('a.md', '---\n\nexcalidraw-plugin: parsed\ntags: [excalidraw]\n\n---\nText\n');
    expect(n.frontmatter).toEqual({ 'excalidraw-plugin': 'parsed', tags: ['excalidraw'] });
    expect(n.tags).toEqual(['excalidraw']);
  });

  it('no closing fence: the whole file is the body, an error is recorded', () => {
    const n = p('open.md', '---\ntitle: never closed\nSome text with #tag\n');
    expect(n.frontmatter).toBeNull();
    expect(n.frontmatterError).toMatch(/no closing/);
    expect(n.body).toContain('Some text with #tag');
    expect(n.tags).toEqual(['tag']);
  });

  it('invalid YAML (created: {{date}}) → body still indexed, error with the line', () => {
    const n = p('Templates/Book Template.md', '---\ncategories:\n  - "[[Books]]"\ncreated: {{date}}\n---\nA book about #reading\n');
    expect(n.frontmatter).toBeNull();
    expect(n.frontmatterError).toMatch(/YAML error at line 4/);
    expect(n.body).toBe('A book about #reading\n');
    expect(n.tags).toEqual(['reading']);
    const bad = p('bad.md', '---\nkey: [unclosed\n---\nbody');
    expect(bad.frontmatterError).toMatch(/^YAML error at line \d+/);
    expect(bad.body).toBe('body');
  });

  it('a --- line that is a horizontal rule later in the file is not frontmatter', () => {
    const n = p('hr.md', 'Intro\n\n---\n\nmore\n');
    expect(n.frontmatter).toBeNull();
    expect(n.frontmatterError).toBeUndefined();
    expect(n.body).toBe('Intro\n\n---\n\nmore\n');
  });

  it('frontmatter that is not a mapping is an error, body kept', () => {
    const n = p('list.md', '---\n- a\n- b\n---\nbody\n');
    expect(n.frontmatter).toBeNull();
    expect(n.frontmatterError).toMatch(/not a list of properties/);
    expect(n.body).toBe('body\n');
  });

  it('empty frontmatter and an empty-string key', () => {
    expect(p('e.md', '---\n---\nbody').frontmatter).toEqual({});
    const n = p('Math/Indicator Random Variable.md', '---\n"":\ntags: [math]\n---\nx');
    expect(n.frontmatter).toEqual({ '': null, tags: ['math'] });
  });

  it('10,000-line frontmatter parses', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `key${i}: value ${i}`);
    const n = p('big-fm.md', `---\n${lines.join('\n')}\ntags: [big]\n---\nbody #end\n`);
    expect(Object.keys(n.frontmatter ?? {})).toHaveLength(10_001);
    expect(n.tags).toEqual(['big', 'end']);
    expect(n.headings).toEqual([]);
  });

  it('deeply nested YAML is cut (or refused), never a crash', () => {
    let flow = '1';
    for (let i = 0; i < 200; i++) flow = `[${flow}]`;
    const n = p('deep.md', `---\ndeep: ${flow}\n---\nbody\n`);
    expect(n.body).toBe('body\n');
    if (n.frontmatter) {
      let depth = 0;
      let v: unknown = n.frontmatter.deep;
      while (Array.isArray(v)) {
        v = v[0];
        depth++;
      }
      expect(depth).toBeLessThanOrEqual(MAX_FRONTMATTER_DEPTH);
      expect(v).toBe('[nested too deep]');
      expect(n.warnings?.join(' ')).toMatch(/nested deeper/);
    } else {
      expect(n.frontmatterError).toBeTruthy();
    }
    const levels = 1000;
    const block = [...Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k:`), `${'  '.repeat(levels)}leaf: 1`].join('\n');
    const m = p('deeper.md', `---\n${block}\n---\nstill here\n`);
    expect(m.body).toBe('still here\n');
  });
});

describe('tags', () => {
  it('as a YAML list, with duplicates and mixed case', () => {
    expect(p('a.md', '---\ntags:\n  - Cuisine\n  - cuisine\n  - Travel\n---\n').tags).toEqual(['cuisine', 'travel']);
  });
  it('as a comma-separated string (library codes, with spaces)', () => {
    expect(p('a.md', '---\ntags: 004/6,004/42, 681/3\n---\n').tags).toEqual(['004/6', '004/42', '681/3']);
    expect(p('a.md', '---\ntags: value-1, value-2\n---\n').tags).toEqual(['value-1', 'value-2']);
  });
  it('as a space-separated string, ignoring lone punctuation', () => {
    expect(p('a.md', '---\ntags: Health & Fitness\n---\n').tags).toEqual(['health', 'fitness']);
  });
  it('null, empty and [] give no tags; null items are skipped', () => {
    expect(p('a.md', '---\ntags:\n---\n').tags).toEqual([]);
    expect(p('a.md', '---\ntags: []\n---\n').tags).toEqual([]);
    expect(p('a.md', '---\ntags:\n  -\n  - x\n---\n').tags).toEqual(['x']);
  });
  it('nested tags keep their path; a leading # is removed', () => {
    expect(p('a.md', '---\ntags: ["#obsidian/plugin", note/article]\n---\n').tags).toEqual(['obsidian/plugin', 'note/article']);
  });
  it('capitalised keys: TAG, Tags, tag', () => {
    expect(p('a.md', '---\nTAG:\n  - value1\n---\n').tags).toEqual(['value1']);
    expect(p('a.md', '---\nTags: [A]\n---\n').tags).toEqual(['a']);
    expect(p('a.md', '---\ntag: single\n---\n').tags).toEqual(['single']);
  });
  it('inline #tags, but not in code blocks, inline code, URLs, comments or heading markers', () => {
    const body = [
      '# Heading one',
      '## Heading with #intitle',
      'Text #inline and #nested/tag and #日本語タグ, also (#paren)',
      'Not tags: `#code`, https://example.com/page#anchor, [x](https://e.com/#frag), a#b, #123',
      '%% #commented %%',
      '```',
      '#incode',
      '```',
      '~~~js',
      '// #alsocode',
      '~~~',
      '#Last',
    ].join('\n');
    const n = p('t.md', body);
    expect(n.tags).toEqual(['intitle', 'inline', 'nested/tag', '日本語タグ', 'paren', 'last']);
  });
});

describe('aliases', () => {
  it('a list, a string, null, ALIAS/Aliases keys; de-duplicated; NFC', () => {
    expect(p('a.md', '---\naliases:\n  - One\n  - Two\n  - One\n---\n').aliases).toEqual(['One', 'Two']);
    expect(p('a.md', '---\naliases: VIP\n---\n').aliases).toEqual(['VIP']);
    expect(p('a.md', '---\naliases: Fold, Unfold\n---\n').aliases).toEqual(['Fold', 'Unfold']);
    expect(p('a.md', '---\naliases:\n---\n').aliases).toEqual([]);
    expect(p('a.md', '---\nALIAS:\n  - test 1\n---\n').aliases).toEqual(['test 1']);
    expect(p('a.md', '---\nAliases: [高度なトピック/Obsidian URIの利用]\n---\n').aliases).toEqual(['高度なトピック/Obsidian URIの利用']);
    const nfd = 'テンプレート'.normalize('NFD');
    expect(p('a.md', `---\naliases: [${nfd}]\n---\n`).aliases).toEqual(['テンプレート']);
  });
});

describe('links', () => {
  it('wikilinks with heading, block and alias; embeds; same-note links', () => {
    const n = p('a.md', 'See [[Note#Heading|the alias]] and ![[x.png]] and [[#^block]] and [[Folder/Other]] and ![[Base.base#View]]\n[[table\\|alias]]');
    expect(n.links).toEqual([
      { target: 'Note', subpath: '#Heading', alias: 'the alias', embed: false, kind: 'wikilink', line: 1 },
      { target: 'x.png', embed: true, kind: 'wikilink', line: 1 },
      { target: '', subpath: '#^block', embed: false, kind: 'wikilink', line: 1 },
      { target: 'Folder/Other', embed: false, kind: 'wikilink', line: 1 },
      { target: 'Base.base', subpath: '#View', embed: true, kind: 'wikilink', line: 1 },
      { target: 'table', alias: 'alias', embed: false, kind: 'wikilink', line: 2 },
    ]);
  });
  it('Markdown links to notes: relative, URL-encoded spaces, not URLs', () => {
    const n = p('Dir/a.md', '[Other](../Other%20Note.md) [web](https://obsidian.md) [mail](mailto:a@b.c) ![img](pics/a%20b.png) [h](Note.md#Sec%20One) [<x>](<With Space.md>)');
    expect(n.links).toEqual([
      { target: '../Other Note.md', alias: 'Other', embed: false, kind: 'markdown', line: 1 },
      { target: 'pics/a b.png', alias: 'img', embed: true, kind: 'markdown', line: 1 },
      { target: 'Note.md', subpath: '#Sec One', alias: 'h', embed: false, kind: 'markdown', line: 1 },
      { target: 'With Space.md', alias: '<x>', embed: false, kind: 'markdown', line: 1 },
    ]);
  });
  it('wikilinks inside YAML values are links of kind frontmatter', () => {
    const n = p('Movies/Heat.md', '---\ncategories:\n  - "[[Movies]]"\ncast: ["[[Al Pacino]]", "[[Robert De Niro|De Niro]]"]\nnested:\n  deep: "[[Deep]]"\n---\nbody [[Body Link]]\n');
    expect(n.links.map((l) => [l.target, l.kind, l.line, l.alias])).toEqual([
      ['Movies', 'frontmatter', 3, undefined],
      ['Al Pacino', 'frontmatter', 4, undefined],
      ['Robert De Niro', 'frontmatter', 4, 'De Niro'],
      ['Deep', 'frontmatter', 6, undefined],
      ['Body Link', 'wikilink', 8, undefined],
    ]);
  });
  it('links in code and comments are not links; line numbers count the frontmatter', () => {
    const n = p('a.md', '---\na: 1\n---\n```\n[[InCode]]\n```\n`[[Inline]]` %%[[Hidden]]%%\n[[Real]]\n');
    expect(n.links).toEqual([{ target: 'Real', embed: false, kind: 'wikilink', line: 8 }]);
  });
});

describe('headings', () => {
  it('ATX headings, trailing #s removed, not inside code blocks, #tag lines are not headings', () => {
    const n = p('h.md', '# One\ntext\n### Three ###\n```\n# not a heading\n```\n#notheading\n    # indented code\n###### Six\n####### seven');
    expect(n.headings).toEqual([
      { level: 1, text: 'One', line: 1 },
      { level: 3, text: 'Three', line: 3 },
      { level: 6, text: 'Six', line: 9 },
    ]);
  });
});

describe('files', () => {
  it('an empty file is an empty note', () => {
    const n = p('Empty.md', '');
    expect(n).toMatchObject({ title: 'Empty', aliases: [], tags: [], headings: [], links: [], frontmatter: null, body: '', kind: 'markdown' });
    expect(n.frontmatterError).toBeUndefined();
  });
  it('titles are the file name without extension; NFD paths become NFC', () => {
    const nfd = '📘Templaterの普段使いテンプレートを再作成'.normalize('NFD');
    const n = p(`Notes/${nfd}.md`, 'x');
    expect(n.title).toBe('📘Templaterの普段使いテンプレートを再作成');
    expect(n.title).toBe(n.title.normalize('NFC'));
    expect(p('L*.md', '').title).toBe('L*');
    expect(p('Programming/$?.md', '').title).toBe('$?');
    expect(p('notes.txt', '').title).toBe('notes');
  });
  it('Excalidraw: name, metadata and text elements only, never the drawing data', () => {
    const drawing = [
      '---',
      '',
      'excalidraw-plugin: parsed',
      'tags: [excalidraw]',
      '',
      '---',
      '==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==',
      '',
      '',
      '# Text Elements',
      'Pythagoras ^uSuqo5ru',
      '',
      'a² + b² = c² ^zgJN6iTM',
      '',
      '# Embedded files',
      'abc123: [[pic.png]]',
      '',
      '%%',
      '# Drawing',
      '```json',
      '{"type":"excalidraw","elements":[{"id":"SECRETDRAWINGDATA","text":"Pythagoras"}]}',
      '```',
      '%%',
    ].join('\n');
    const n = p('Excalidraw/Drawing 2024.excalidraw.md', drawing);
    expect(n.kind).toBe('excalidraw');
    expect(n.title).toBe('Drawing 2024.excalidraw');
    expect(n.tags).toEqual(['excalidraw']);
    expect(n.frontmatter).toEqual({ 'excalidraw-plugin': 'parsed', tags: ['excalidraw'] });
    expect(n.body).toBe('Pythagoras\na² + b² = c²');
    expect(n.body).not.toContain('SECRETDRAWINGDATA');
    const compressed = drawing.replace('```json', '```compressed-json').replace(/\{"type".*\}/, 'N4KAkARALgngDgUwgLgAQQQDwMYEMA2AlgCYBOuA7hADTgQBm');
    expect(p('Excalidraw/B.excalidraw.md', compressed).body).not.toContain('N4KAkARALgngDg');
  });
  it('binary content is not a note: NotANoteError', () => {
    const png = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d) + '\0\u0001\u0002\ufffd'.repeat(500);
    expect(() => p('image.md', png)).toThrow(NotANoteError);
  });
  it('a few stray NULs in a text note are dropped with a warning', () => {
    const n = p('pdf dump.md', `# PDF\n${'text line\n'.repeat(100)}stream\u0000x\n`);
    expect(n.body).not.toContain('\0');
    expect(n.warnings).toEqual(['NUL characters in the file were ignored']);
    expect(n.headings).toHaveLength(1);
  });
  it('a 20 MB note is cut to MAX_BODY_CHARS with a warning, without blowing up', () => {
    const line = 'Lorem ipsum dolor sit amet #lorem [[Link]] consectetur adipiscing elit.\n';
    const huge = `# Huge\n${line.repeat(Math.ceil(20_000_000 / line.length))}`;
    const n = p('huge.md', huge);
    expect(n.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(n.warnings?.[0]).toMatch(/body is 1\d\.\d MB: only its first 1,000,000 characters are indexed/);
    expect(n.tags).toEqual(['lorem']);
    expect(n.links.length).toBeGreaterThan(1000);
    expect(n.links.length).toBeLessThan(MAX_BODY_CHARS / line.length + 2);
  });
  it('a BOM and CRLF line endings are handled', () => {
    const n = p('crlf.md', '\ufeff---\r\ntags: [a]\r\n---\r\n# Title\r\ntext #b\r\n');
    expect(n.tags).toEqual(['a', 'b']);
    expect(n.headings).toEqual([{ level: 1, text: 'Title', line: 4 }]);
  });
});
