/**
 * A hand-run retrieval and latency check (not part of `npm test`; the benchmark comes later):
 *
 *   npx tsx daemon/test/search/retrieval.ts                 # PGlite in memory
 *   npx tsx daemon/test/search/retrieval.ts postgres://postgres@127.0.0.1:5432/postgres
 *
 * Loads ../shared/corpus vaults (obsidian-help-ja and, with --big, yoshixi-zettelkasten) into a fresh
 * database, then
 *  - Japanese recall: each obsidian-help-ja note's title as the query; is the note in the top 10?
 *  - latency: a fixed set of common and rare, English and Japanese queries through the Hono app
 *    (app.request, no socket), p50/p95 over several rounds with the cache off (each query a new generation).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { MemoryCacheStore } from '../../src/cache/memory';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/database';
import { databaseFromPglite } from '../../src/db/drivers';
import { ensureLocalUser } from '../../src/db/local-user';
import { parseQuery } from '../../src/search/query';
import { searchNotes } from '../../src/search/search';
import { createApp } from '../../src/server/app';
import { corpusPresent, readCorpus } from './corpus';
import { bumpGeneration, createVault, insertNotes } from './fixtures';

const url = process.argv.slice(2).find((a) => a.startsWith('postgres'));
const big = process.argv.includes('--big');

async function open(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!url) {
    const client = await PGlite.create({ extensions: { pg_trgm } });
    const database = databaseFromPglite(client);
    await migrateDatabase(database);
    return { database, drop: () => database.close() };
  }
  const name = `hisho_retrieval_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), dataDir: '/tmp' });
  await migrateDatabase(database);
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  if (!corpusPresent('obsidian-help-ja')) {
    console.log('../shared/corpus/obsidian-help-ja is absent: nothing to check');
    return;
  }
  const { database, drop } = await open();
  try {
    const db = database.db;
    const ja = readCorpus('obsidian-help-ja');
    const jaVault = await createVault(db, '/corpus/obsidian-help-ja');
    let t0 = performance.now();
    await insertNotes(db, jaVault, ja);
    console.log(`loaded obsidian-help-ja: ${ja.length} notes in ${(performance.now() - t0).toFixed(0)} ms (${database.kind})`);

    let hits = 0;
    const misses: string[] = [];
    const times: number[] = [];
    for (const note of ja) {
      const title = note.path.split('/').pop()!.replace(/\.md$/, '');
      let parsed;
      try {
        parsed = parseQuery({ q: title.replace(/"/g, ' ') });
      } catch {
        misses.push(`${title} (no query)`);
        continue;
      }
      t0 = performance.now();
      const page = await searchNotes(db, jaVault, parsed, 10, 0);
      times.push(performance.now() - t0);
      if (page.results.some((r) => r.path === note.path)) hits++;
      else misses.push(`${title} → ${page.results.slice(0, 3).map((r) => r.path).join(', ') || '(none)'} [total ${page.total}]`);
    }
    console.log(`ja recall@10 (title as query): ${hits}/${ja.length} = ${(hits / ja.length).toFixed(3)}; searchNotes p50 ${pct(times, 50).toFixed(1)} ms p95 ${pct(times, 95).toFixed(1)} ms`);
    for (const m of misses.slice(0, 20)) console.log(`  miss: ${m}`);

    let vault = jaVault;
    let queries = ['リンク', 'プラグイン', '同期', 'ノートの作成', 'obsidian', 'コミュニティプラグインの使い方', '"内部リンク"', 'キャンバス -同期', 'tag:x', 'の'];
    if (big && corpusPresent('yoshixi-zettelkasten')) {
      const en = readCorpus('yoshixi-zettelkasten');
      vault = await createVault(db, '/corpus/yoshixi');
      t0 = performance.now();
      await insertNotes(db, vault, en);
      console.log(`loaded yoshixi-zettelkasten: ${en.length} notes in ${(performance.now() - t0).toFixed(0)} ms`);
      await db.execute('ANALYZE notes' as never);
      queries = ['a', 'the', 'the a', 'is', 'python', 'fourier transform', 'linear algebra', '"hash function"', 'tcp -udp', 'prob*', 'tag:math', 'folder:Math theorem', 'x86 assembly', 'zzzzunknown'];
    }
    const cache = new MemoryCacheStore();
    const localUserId = await ensureLocalUser(db);
    const app = createApp({ database, cache, token: 't', port: () => 1, version: 'bench', startedAt: Date.now(), localUserId, log: () => {}, } as never);
    const lat: Record<string, number[]> = {};
    const all: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (const q of queries) {
        await bumpGeneration(db, vault); // no cache hits: every query is a fresh search
        const s = performance.now();
        const res = await app.request(`http://127.0.0.1:1/api/v1/search?vault=${vault}&limit=10&q=${encodeURIComponent(q)}`, { headers: { host: '127.0.0.1:1', authorization: 'Bearer t' } });
        const body = (await res.json()) as { total?: number };
        const ms = performance.now() - s;
        if (res.status !== 200) console.log(`  ${q}: HTTP ${res.status} ${JSON.stringify(body)}`);
        if (round === 0) {
          console.log(`  ${JSON.stringify(q)}: total ${body.total} (${ms.toFixed(1)} ms, cold)`);
          continue;
        }
        (lat[q] ??= []).push(ms);
        all.push(ms);
      }
    }
    for (const [q, xs] of Object.entries(lat)) console.log(`  ${JSON.stringify(q).padEnd(24)} p50 ${pct(xs, 50).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);
    console.log(`search through the app: p50 ${pct(all, 50).toFixed(1)} ms, p95 ${pct(all, 95).toFixed(1)} ms over ${all.length} requests`);
  } finally {
    await drop();
  }
}

await main();
