/**
 * Search semantics and the search routes against real notes in a real database
 * (PGlite always; PostgreSQL too when HISHO_TEST_PG_URL is set).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query';
import { searchNotes } from '../../src/search/search';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { bumpGeneration, createVault, insertNotes, type FixtureNote } from './fixtures';

const NOTES: FixtureNote[] = [
  { path: 'Meetings/会議メモ.md', body: '今日は東京で会議をした。議事録は別のノートにある。', tags: ['meeting', 'work/jp'], mtime: '2024-03-01T10:00:00Z' },
  { path: 'Meetings/議事録 2024-03.md', body: '三月の会議の議事録です。出席者は五名。', tags: ['meeting'], mtime: '2024-03-02T10:00:00Z' },
  { path: 'Travel/京都旅行.md', body: '京都で寺を見た。東京に戻った。', tags: ['travel'], mtime: '2023-11-01T10:00:00Z' },
  { path: 'Programming/Rust Ownership.md', body: 'Ownership and borrowing in Rust. The borrow checker enforces it.', tags: ['programming/rust'], aliases: ['Borrowing'], mtime: '2024-05-01T10:00:00Z', frontmatter: { status: 'done', rating: 5, categories: ['[[Languages]]', 'Systems'] } },
  { path: 'Programming/Python Basics.md', body: 'Python is a language. Lists, dicts and the foo_bar naming style. C++ is different.', tags: ['programming/python'], mtime: '2024-01-15T10:00:00Z', frontmatter: { status: 'draft', Source: 'Web' } },
  { path: 'Notes/Borrow.md', body: 'This note mentions rust rust rust rust rust many times in the body and borrowing.', tags: ['misc'], mtime: '2022-01-01T10:00:00Z', links: ['Rust Ownership', 'Missing Note', 'image.png'] },
  { path: 'Notes/Phrase.md', body: 'The quick brown fox jumps over the lazy dog.', tags: [], mtime: '2024-02-01T10:00:00Z', links: ['Rust Ownership#Borrow|own'] },
  { path: 'Notes/Reverse.md', body: 'The dog is lazy and the fox is brown and quick.', tags: [], mtime: '2024-02-02T10:00:00Z', links: ['missing note'] },
  { path: 'Filler.md', body: 'What filler text is for.', mtime: '2019-01-01T00:00:00Z' },
  { path: 'Rust.md', body: 'A short note about the language.', tags: ['programming'], mtime: '2021-01-01T10:00:00Z' },
  { path: 'Ｆｕｌｌ.md', title: 'ＦＵＬＬＷＩＤＴＨ Title', body: 'Written in ｆｕｌｌｗｉｄｔｈ letters', mtime: '2024-04-01T10:00:00Z' },
  ...Array.from({ length: 30 }, (_, i) => ({ path: `Bulk/Common ${String(i).padStart(2, '0')}.md`, body: `common word filler number ${i}`, mtime: new Date(Date.UTC(2020, 0, 1 + i)).toISOString() })),
];

for (const target of testDatabaseTargets()) {
  describe(`search on ${target.kind}`, () => {
    let app: TestApp;
    let vaultId: number;
    const search = async (params: Record<string, string | number>) => {
      const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
      return app.json('GET', `/api/v1/search?${qs}`);
    };
    const paths = async (q: string, extra: Record<string, string | number> = {}) => {
      const r = await search({ q, limit: 100, ...extra });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.results as Array<{ path: string }>).map((x) => x.path);
    };

    beforeAll(async () => {
      app = await createTestApp(await target.open());
      vaultId = await createVault(app.database.db, '/vaults/one');
      await insertNotes(app.database.db, vaultId, NOTES);
    });
    afterAll(async () => {
      await app?.dispose();
    });

    it('ANDs words', async () => {
      expect(await paths('quick fox')).toEqual(expect.arrayContaining(['Notes/Phrase.md', 'Notes/Reverse.md']));
      expect(await paths('quick python')).toEqual([]);
    });

    it('matches phrases in order only', async () => {
      expect(await paths('"quick brown fox"')).toEqual(['Notes/Phrase.md']);
      expect(await paths('"brown quick"')).toEqual([]);
    });

    it('excludes words', async () => {
      expect(await paths('fox -lazy')).toEqual([]);
      expect(await paths('fox -jumps')).toEqual(['Notes/Reverse.md']);
    });

    it('matches prefixes', async () => {
      expect(await paths('borr*')).toEqual(expect.arrayContaining(['Programming/Rust Ownership.md', 'Notes/Borrow.md']));
      expect(await paths('borr')).toEqual([]);
    });

    it('finds Japanese without spaces, with particles, inside longer words', async () => {
      const r = await paths('会議の議事録');
      expect(r).toEqual(expect.arrayContaining(['Meetings/会議メモ.md', 'Meetings/議事録 2024-03.md']));
      expect(r).toHaveLength(2);
      expect(await paths('東京 の 会議')).toEqual(['Meetings/会議メモ.md']);
      expect(await paths('東京で会議')).toEqual(['Meetings/会議メモ.md']);
      expect(await paths('京都')).toEqual(['Travel/京都旅行.md']);
      expect(await paths('寺')).toEqual(['Travel/京都旅行.md']);
      expect(await paths('"東京に戻"')).toEqual(['Travel/京都旅行.md']);
    });

    it('handles mixed and full-width text and compounds', async () => {
      expect(await paths('fullwidth')).toEqual(['Ｆｕｌｌ.md']);
      expect(await paths('ＦＵＬＬ*')).toEqual(['Ｆｕｌｌ.md']);
      expect(await paths('foo_bar')).toEqual(['Programming/Python Basics.md']);
      expect(await paths('foobar')).toEqual(['Programming/Python Basics.md']);
      expect(await paths('c++')).toEqual(['Programming/Python Basics.md']);
    });

    it('ranks a title match above body matches', async () => {
      const r = await search({ q: 'rust' });
      const list = r.body.results as Array<{ path: string; score: number }>;
      expect(list.map((x) => x.path)).toEqual(expect.arrayContaining(['Rust.md', 'Programming/Rust Ownership.md', 'Notes/Borrow.md']));
      const titleFirst = list.findIndex((x) => x.path === 'Notes/Borrow.md');
      expect(list.findIndex((x) => x.path === 'Rust.md')).toBeLessThan(titleFirst);
      expect(list.findIndex((x) => x.path === 'Programming/Rust Ownership.md')).toBeLessThan(titleFirst);
      // aliases (weight B) count too
      expect((await paths('borrowing'))[0]).toBe('Programming/Rust Ownership.md');
    });

    it('filters by tag (nested), folder, frontmatter and date', async () => {
      expect((await paths('', { tag: 'programming' })).sort()).toEqual(['Programming/Python Basics.md', 'Programming/Rust Ownership.md', 'Rust.md']);
      expect(await paths('tag:programming/rust')).toEqual(['Programming/Rust Ownership.md']);
      expect(await paths('rust -tag:programming')).toEqual(['Notes/Borrow.md']);
      expect((await paths('folder:meetings')).sort()).toEqual(['Meetings/会議メモ.md', 'Meetings/議事録 2024-03.md']);
      expect(await paths('rust path:Programming')).toEqual(['Programming/Rust Ownership.md']);
      expect(await paths('status:done')).toEqual(['Programming/Rust Ownership.md']);
      expect(await paths('', { 'field.Source': 'web' })).toEqual(['Programming/Python Basics.md']);
      expect(await paths('categories:languages')).toEqual(['Programming/Rust Ownership.md']);
      expect(await paths('rating:5')).toEqual(['Programming/Rust Ownership.md']);
      expect(await paths('rust', { since: '2024-01-01' })).toEqual(['Programming/Rust Ownership.md']);
      expect(await paths('rust modified<2022-06-01')).toEqual(['Rust.md', 'Notes/Borrow.md']);
      expect(await paths('tag:meeting -議事録')).toEqual([]);
      expect(await paths('tag:meeting -出席者')).toEqual(['Meetings/会議メモ.md']);
    });

    it('pages with a total', async () => {
      const first = await search({ q: 'common', limit: 10 });
      expect(first.body).toMatchObject({ total: 30, totalExact: true });
      expect(first.body.results).toHaveLength(10);
      const seen = new Set<string>();
      for (let offset = 0; offset < 30; offset += 10) {
        const page = await search({ q: 'common', limit: 10, offset });
        for (const r of page.body.results as Array<{ path: string }>) seen.add(r.path);
      }
      expect(seen.size).toBe(30);
      const past = await search({ q: 'common', limit: 10, offset: 40 });
      expect(past.body).toMatchObject({ results: [], total: 30 });
    });

    it('ranks a bounded candidate set when a term matches too many notes', async () => {
      const parsed = parseQuery({ q: 'filler' });
      const page = await searchNotes(app.database.db, vaultId, parsed, 10, 0, { rankAll: 5, sample: 5, countLimit: 1000 });
      expect(page.total).toBe(31);
      expect(page.results).toHaveLength(10);
      expect(page.results[0]!.path).toBe('Filler.md');
      const capped = await searchNotes(app.database.db, vaultId, parsed, 10, 0, { rankAll: 5, sample: 5, countLimit: 12 });
      expect(capped).toMatchObject({ total: 12, totalExact: false });
      expect(capped.results[0]!.path).toBe('Filler.md');
      const beyond = await searchNotes(app.database.db, vaultId, parsed, 10, 20, { rankAll: 5, sample: 5, countLimit: 12 });
      expect(beyond.results).toHaveLength(10);
      const deep = await searchNotes(app.database.db, vaultId, parsed, 10, 20, { rankAll: 5, sample: 5, countLimit: 1000 });
      expect(deep.results).toHaveLength(10);
      expect(deep.total).toBe(31);
    });

    it('counts the matches with the page, so the total always follows the index', async () => {
      await insertNotes(app.database.db, vaultId, Array.from({ length: 12 }, (_, i) => ({ path: `Tally/T${i}.md`, body: `tally ${i}`, mtime: new Date(Date.UTC(2018, 0, 1 + i)).toISOString() })));
      const parsed = parseQuery({ q: 'tally' });
      const tuning = { rankAll: 1000, sample: 300, countLimit: 1000 };
      const first = await searchNotes(app.database.db, vaultId, parsed, 10, 0, tuning);
      expect(first).toMatchObject({ total: 12, totalExact: true });
      expect(first.results).toHaveLength(10);
      const second = await searchNotes(app.database.db, vaultId, parsed, 10, 10, tuning);
      expect(second).toMatchObject({ total: 12, totalExact: true });
      expect(second.results).toHaveLength(2);
      const other = await searchNotes(app.database.db, vaultId, parsed, 7, 0, tuning);
      expect(other.results.map((r) => r.path)).toEqual(first.results.slice(0, 7).map((r) => r.path));
      // A changed index is counted as it is now, even without a new generation.
      await app.database.db.execute(sql`UPDATE notes SET search_vector = to_tsvector('simple', 'elsewhere') WHERE path = 'Tally/T0.md'`);
      expect((await searchNotes(app.database.db, vaultId, parsed, 10, 0, tuning)).total).toBe(11);
      expect((await searchNotes(app.database.db, vaultId, parseQuery({ q: 'tally folder:Tally' }), 10, 0, tuning)).total).toBe(11);
      const past = await searchNotes(app.database.db, vaultId, parsed, 10, 20, tuning);
      expect(past).toMatchObject({ total: 11, totalExact: true, results: [] });
      expect(await searchNotes(app.database.db, vaultId, parsed, 10, 0, { ...tuning, countLimit: 4 })).toMatchObject({ total: 4, totalExact: false });
      expect(await searchNotes(app.database.db, vaultId, parseQuery({ q: 'tally nowhere' }), 10, 0, tuning)).toMatchObject({ total: 0, totalExact: true, results: [] });
    });

    it('too many matches to rank: notes titled with the word are ranked even when the index gives them last', async () => {
      // Written after 20 other matches, so they are not among the first matches the index gives.
      await insertNotes(app.database.db, vaultId, [
        ...Array.from({ length: 20 }, (_, i) => ({ path: `Herd/O${i}.md`, body: `okapi ノート ${i}`, mtime: new Date(Date.UTC(2017, 0, 1 + i)).toISOString() })),
        { path: 'Herd/Okapi Crossing.md', body: 'about an okapi', mtime: '2024-06-01T00:00:00Z' },
        { path: 'Herd/ノート術.md', body: 'ノートの取り方', mtime: '2024-06-01T00:00:00Z' },
      ]);
      const tuning = { rankAll: 5, sample: 5, countLimit: 1000 };
      const okapi = await searchNotes(app.database.db, vaultId, parseQuery({ q: 'okapi' }), 3, 0, tuning);
      expect(okapi).toMatchObject({ total: 21, totalExact: true });
      expect(okapi.results[0]!.path).toBe('Herd/Okapi Crossing.md');
      const note = await searchNotes(app.database.db, vaultId, parseQuery({ q: 'ノート' }), 3, 0, tuning);
      expect(note.results[0]!.path).toBe('Herd/ノート術.md');
      // Without the title candidates (everything ranked) the same notes come first: the shortcut changes nothing here.
      const all = await searchNotes(app.database.db, vaultId, parseQuery({ q: 'okapi' }), 3, 0, { rankAll: 1000, sample: 300, countLimit: 1000 });
      expect(all.results[0]!.path).toBe('Herd/Okapi Crossing.md');
    });

    it('returns snippets with marks, tags, mtime and vault-relative paths', async () => {
      const r = await search({ q: '議事録' });
      const hit = (r.body.results as Array<{ path: string; snippet: { text: string; highlights: [number, number][] }; tags: string[]; mtime: string; title: string }>).find((x) => x.path === 'Meetings/会議メモ.md')!;
      expect(hit.title).toBe('会議メモ');
      expect(hit.tags).toEqual(['meeting', 'work/jp']);
      expect(hit.mtime).toBe('2024-03-01T10:00:00.000Z');
      expect(hit.snippet.highlights.map(([a, b]) => hit.snippet.text.slice(a, b))).toEqual(['議事録']);
    });

    it('serves from the cache until the index generation changes', async () => {
      const before = await search({ q: 'zebra' });
      expect(before.body.results).toEqual([]);
      await insertNotes(app.database.db, vaultId, [{ path: 'Zoo/Zebra.md', body: 'a zebra' }]);
      expect((await search({ q: 'zebra' })).body.results.map((r: { path: string }) => r.path)).toEqual(['Zoo/Zebra.md']);
      // Same generation: a cached page is served even if the table changed behind the index's back.
      await app.database.db.execute(sql`UPDATE notes SET title = 'Renamed' WHERE path = 'Zoo/Zebra.md'`);
      const cached = await search({ q: 'zebra' });
      expect(cached.body.results[0].title).toBe('Zebra');
      await bumpGeneration(app.database.db, vaultId);
      const fresh = await search({ q: 'zebra' });
      expect(fresh.body.results[0].title).toBe('Renamed');
    });

    it('answers bad queries with 400 and a message, never 500', async () => {
      for (const q of ['', "&|!():*<>'\\", '-only', '"""', 'modified>=nope', ')(']) {
        const r = await search({ q });
        expect(r.status, q).toBe(400);
        expect(r.body.error.message).toBeTruthy();
      }
      const long = await search({ q: 'x'.repeat(10_000) });
      expect(long.status).toBe(400);
      expect(long.body.error.message).toMatch(/too long/);
      for (const q of ['"unbalanced', "a'b", 'a\\b', 'a:b:c', '東京 "の', 'x '.repeat(300)]) {
        const r = await search({ q });
        expect(r.status, q).toBe(200);
      }
      expect((await search({ q: 'x', limit: 0 })).status).toBe(400);
      expect((await search({ q: 'x', limit: 'abc' })).status).toBe(400);
    });

    it('404s an unknown vault and accepts a vault by id or path', async () => {
      expect((await search({ q: 'rust', vault: 999999 })).status).toBe(404);
      expect((await search({ q: 'rust', vault: '/nope' })).status).toBe(404);
      expect((await search({ q: 'rust', vault: vaultId })).status).toBe(200);
      expect((await search({ q: 'rust', vault: '/vaults/one' })).status).toBe(200);
    });

    it('lists backlinks, outgoing links, related notes, tags and unresolved links', async () => {
      const back = await app.json('GET', `/api/v1/notes/backlinks?path=${encodeURIComponent('Programming/Rust Ownership.md')}`);
      expect(back.status).toBe(200);
      expect(back.body.results.map((r: { path: string }) => r.path).sort()).toEqual(['Notes/Borrow.md', 'Notes/Phrase.md']);
      expect(back.body.results.find((r: { path: string }) => r.path === 'Notes/Phrase.md')).toMatchObject({ alias: 'own', subpath: '#Borrow' });

      const links = await app.json('GET', `/api/v1/notes/links?path=${encodeURIComponent('Notes/Borrow')}`);
      expect(links.status).toBe(200);
      expect(links.body.results.map((l: { target: string; resolved: unknown }) => [l.target, l.resolved])).toEqual([
        ['Rust Ownership', { path: 'Programming/Rust Ownership.md', title: 'Rust Ownership' }],
        ['Missing Note', null],
        ['image.png', null],
      ]);

      const related = await app.json('GET', `/api/v1/notes/related?path=${encodeURIComponent('Programming/Rust Ownership.md')}`);
      expect(related.status).toBe(200);
      const byPath = new Map<string, { reasons: string[]; sharedTags: string[] }>(related.body.results.map((r: { path: string }) => [r.path, r]));
      expect(byPath.get('Notes/Borrow.md')?.reasons).toEqual(expect.arrayContaining(['backlink', 'text']));
      expect(byPath.get('Rust.md')?.reasons).toContain('text');

      const relatedPy = await app.json('GET', `/api/v1/notes/related?path=${encodeURIComponent('Meetings/会議メモ.md')}`);
      expect(relatedPy.body.results.find((r: { path: string }) => r.path === 'Meetings/議事録 2024-03.md')).toMatchObject({ reasons: expect.arrayContaining(['tag']), sharedTags: ['meeting'] });

      const tags = await app.json('GET', '/api/v1/tags');
      expect(tags.status).toBe(200);
      const t = new Map<string, { count: number; total: number }>(tags.body.tags.map((x: { tag: string }) => [x.tag, x]));
      expect(t.get('programming')).toEqual({ tag: 'programming', count: 1, total: 3 });
      expect(t.get('programming/rust')).toEqual({ tag: 'programming/rust', count: 1, total: 1 });
      expect(t.get('work')).toEqual({ tag: 'work', count: 0, total: 1 });

      const unresolved = await app.json('GET', '/api/v1/links/unresolved');
      expect(unresolved.status).toBe(200);
      expect(unresolved.body.results).toEqual([
        { target: 'Missing Note', count: 2, sources: [{ path: 'Notes/Borrow.md', line: 2 }, { path: 'Notes/Reverse.md', line: 1 }] },
      ]);

      expect((await app.json('GET', '/api/v1/notes/backlinks?path=Nope.md')).status).toBe(404);
      expect((await app.json('GET', '/api/v1/notes/backlinks')).status).toBe(400);
    });

    it('needs vault when several are registered', async () => {
      const other = await createVault(app.database.db, '/vaults/two');
      try {
        const r = await search({ q: 'rust' });
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/vault/);
        expect((await search({ q: 'rust', vault: other })).body).toMatchObject({ results: [], total: 0 });
      } finally {
        await app.database.db.execute(sql`DELETE FROM obsidian_integration_settings WHERE id = ${other}`);
      }
    });
  });
}
