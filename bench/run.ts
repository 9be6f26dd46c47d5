/**
 * `npm run bench` — the index and search benchmark (issue 3, item 8). See docs/benchmarks.md.
 *
 *   npm run bench                 every corpus vault, PostgreSQL (when BENCH_PG_URL or
 *                                 HISHO_TEST_PG_URL is set) and PGlite, 3 cold runs of the small vaults
 *   npm run bench -- --quick      the help vaults and tk42 only, 1 run, fewer edits and passes
 *   options: --db=pg|pglite|pg,pglite   --runs=N   --edits=N   --no-peer   --generated (ignore the corpora)
 *
 * With the help vaults it also runs the librarian's retrieval evaluation (bench/retrieval: recall@5
 * of the en/ja question sets through GET /librarian/passages); `npm run bench:retrieval` runs that
 * alone, in process.
 *
 * Prints a table and writes bench-results/<date>.json. The corpora are read in place and never
 * written; the edit latency runs on a copy in a temp folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { corpusVaults, generateVault, listNotes, MAIN_VAULT, readPeerNotes, titleOf, type BenchVault } from './corpus';
import { DaemonProcess, freshPostgres, liveDaemons, networkRetries, sampleMemory } from './daemon';
import type { PeerJob, PeerResult, PeerVaultResult } from './peer';
import {
  allQueries,
  EN_FIXED_GENERATED,
  EN_FIXED_HELP,
  EN_FIXED_ZETTEL,
  englishQueries,
  JA_GENERATED,
  JA_HELP,
  JA_NOTES,
  titleWords,
  type QuerySet,
} from './queries';
import { loadQuestionSet, recallAt, type EvalLanguage } from './retrieval/evaluate';
import { dist, fmt, median, round, sleep, table, type Dist } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    runs: { type: 'string' },
    edits: { type: 'string' },
    'no-peer': { type: 'boolean', default: false },
    generated: { type: 'boolean', default: false },
  },
});
const QUICK = args.quick === true;
const RUNS = Number(args.runs ?? (QUICK ? 1 : 3));
const EDITS = Number(args.edits ?? (QUICK ? 8 : 20));
/** Uncached passes (each with another `limit`, so another cache key) and cached passes over the query set. */
const UNCACHED_LIMITS = QUICK ? [10, 11] : [10, 11, 12, 13, 14];
const CACHED_PASSES = QUICK ? 2 : 5;
const PEER_REPEATS = QUICK ? 3 : 10;

const log = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const loadavg = () => os.loadavg().map((x) => round(x, 2));

// ---------------------------------------------------------------------------------------------
// What runs
// ---------------------------------------------------------------------------------------------

interface QueryTarget {
  vault: string;
  lang: 'en' | 'ja';
  set: QuerySet;
}

interface RecallTask {
  path: string;
  query: string;
}

async function plan() {
  const quickOnly = ['obsidian-help-en', 'obsidian-help-ja', 'tk42-notes-ja'];
  let vaults = args.generated ? undefined : await corpusVaults(QUICK ? quickOnly : undefined);
  const generated = !vaults;
  if (!vaults) {
    log('no ../shared/corpus: generating a vault of 2,000 notes (English and Japanese)');
    vaults = [await generateVault(QUICK ? 500 : 2000)];
  }
  const main = vaults.find((v) => v.name === MAIN_VAULT) ?? [...vaults].sort((a, b) => b.notes - a.notes)[0]!;
  const queries: QueryTarget[] = [];
  const recall: Record<string, Record<string, RecallTask[]>> = {};
  if (generated) {
    const notes = await readPeerNotes(main.dir, await listNotes(main.dir));
    queries.push({ vault: main.name, lang: 'en', set: englishQueries(notes, EN_FIXED_GENERATED) });
    queries.push({ vault: main.name, lang: 'ja', set: JA_GENERATED });
    const ja = notes.filter((n) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(n.title));
    recall[main.name] = {
      'ja-title': ja.map((n) => ({ path: n.path, query: n.title })),
      'ja-title-words': ja.map((n) => ({ path: n.path, query: titleWords(n.title) })),
    };
  } else {
    for (const v of vaults) {
      if (v.name === MAIN_VAULT || v.name === 'obsidian-help-en') {
        const notes = await readPeerNotes(v.dir, await listNotes(v.dir));
        queries.push({ vault: v.name, lang: 'en', set: englishQueries(notes, v.name === MAIN_VAULT ? EN_FIXED_ZETTEL : EN_FIXED_HELP) });
      }
      if (v.name === 'obsidian-help-ja') queries.push({ vault: v.name, lang: 'ja', set: JA_HELP });
      if (v.name === 'tk42-notes-ja') queries.push({ vault: v.name, lang: 'ja', set: JA_NOTES });
      if (v.name === 'obsidian-help-ja' || v.name === 'obsidian-help-en') {
        const paths = await listNotes(v.dir);
        const lang = v.name.endsWith('ja') ? 'ja' : 'en';
        recall[v.name] = { [`${lang}-title`]: paths.map((p) => ({ path: p, query: titleOf(p) })) };
        if (lang === 'ja') recall[v.name]!['ja-title-words'] = paths.map((p) => ({ path: p, query: titleWords(titleOf(p)) }));
      }
    }
  }
  return { vaults, main, generated, queries, recall };
}

// ---------------------------------------------------------------------------------------------
// The peer
// ---------------------------------------------------------------------------------------------

async function runPeer(v: BenchVault, queries: QueryTarget[], recall: Record<string, Record<string, RecallTask[]>>, tmp: string): Promise<PeerVaultResult & { hwmMb: number }> {
  const job: PeerJob = {
    vaults: [{ name: v.name, dir: v.dir }],
    queries: { [v.name]: queries.filter((q) => q.vault === v.name).flatMap((q) => allQueries(q.set)) },
    repeats: PEER_REPEATS,
    recall: recall[v.name] ? { [v.name]: recall[v.name]! } : {},
  };
  const file = path.join(tmp, `peer-${v.name}.json`);
  await writeFile(file, JSON.stringify(job));
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/peer.ts', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`peer failed (${code}): ${stderr}`))));
  });
  const r = JSON.parse(out) as PeerResult;
  return { ...r.vaults[v.name]!, hwmMb: r.hwmMb };
}

// ---------------------------------------------------------------------------------------------
// One database
// ---------------------------------------------------------------------------------------------

interface ColdRun {
  vault: string;
  notes: number;
  notesIndexed: number;
  filesFailed: number;
  /** Files not indexed but reported in a warning (NFC/NFD twins of an indexed note). */
  filesWarned: number;
  /** POST /vaults → status idle (polled through the API). */
  wallMs: number;
  /** The daemon's own startedAt → lastSyncAt of the run. */
  internalMs: number;
  /** When each index phase was first seen by the poll (ms after POST). */
  phases: Record<string, number>;
}

interface DbResult {
  kind: 'postgres' | 'pglite';
  startupMs: number[];
  cold: ColdRun[][];
  coldMain?: ColdRun;
  memory: { afterMainIndexHwmMb?: number; idleRssMb?: number; runHwmMb?: number; restartHwmMb?: number };
  restart?: { spawnToAllIdleMs: number; listeningToAllIdleMs: number; mainInternalMs: number; mainWallFromListeningMs: number; reparsed: Record<string, number> };
  edit?: { vault: string; samples: number[]; timeouts: number; dist: Dist };
  search?: {
    uncached: Record<string, number[]>;
    cached: Record<string, number[]>;
    totals: Record<string, number>;
    errors: string[];
  };
  recall?: Record<string, { hits: number; n: number; errors: number; misses: string[] }>;
  /** The librarian's retrieval evaluation (bench/retrieval): recall@5 of the question sets, off-topic questions judged irrelevant, latency. */
  librarian?: Partial<Record<EvalLanguage, { hits: number; n: number; offTopicRejected: number; offTopicN: number; ms: Dist; misses: string[] }>>;
}

async function withDatabase<T>(kind: 'postgres' | 'pglite', pgAdmin: string | undefined, fn: (env: { home: string; databaseUrl?: string }) => Promise<T>): Promise<T> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'hisho-bench-home-'));
  const pgdb = kind === 'postgres' ? await freshPostgres(pgAdmin!) : undefined;
  try {
    return await fn({ home, ...(pgdb ? { databaseUrl: pgdb.url } : {}) });
  } finally {
    for (const d of liveDaemons) await d.stop();
    await pgdb?.drop().catch((e: unknown) => log(`could not drop the bench database: ${String(e)}`));
    await rm(home, { recursive: true, force: true });
  }
}

async function indexCold(d: DaemonProcess, v: BenchVault): Promise<{ id: number; run: ColdRun }> {
  const t0 = performance.now();
  const id = await d.register(v.dir);
  const { at, progress, phases } = await d.waitIdle(id);
  const info = await d.vault(id);
  const filesWarned = await d.filesWarned(id);
  const internalMs = progress.startedAt && progress.lastSyncAt ? Date.parse(progress.lastSyncAt) - Date.parse(progress.startedAt) : Number.NaN;
  const run: ColdRun = { vault: v.name, notes: v.notes, notesIndexed: info.notesIndexed, filesFailed: info.filesFailed, filesWarned, wallMs: round(at - t0), internalMs, phases };
  log(`  cold ${v.name}: ${fmt(run.wallMs / 1000, 2)} s, daemon's own ${fmt(internalMs / 1000, 2)} s (${info.notesIndexed}/${v.notes} notes, ${info.filesFailed} failed, ${filesWarned} reported as warnings; phases first seen at ${JSON.stringify(phases)} ms)`);
  return { id, run };
}

async function runDatabase(kind: 'postgres' | 'pglite', pgAdmin: string | undefined, p: Awaited<ReturnType<typeof plan>>, tmp: string): Promise<DbResult> {
  const result: DbResult = { kind, startupMs: [], cold: [], memory: {} };
  const small = p.vaults.filter((v) => v !== p.main);

  // Run 1: everything, then restart.
  await withDatabase(kind, pgAdmin, async (env) => {
    log(`${kind}: run 1 (cold index of every vault, searches, recall, edits, then restart)`);
    let d = await DaemonProcess.start(env);
    result.startupMs.push(round(d.listeningAt - d.spawnedAt));
    let mem = sampleMemory(d.pid);
    const ids = new Map<string, number>();
    const runCold: ColdRun[] = [];
    for (const v of small) {
      const { id, run } = await indexCold(d, v);
      ids.set(v.name, id);
      runCold.push(run);
    }
    {
      const { id, run } = await indexCold(d, p.main);
      ids.set(p.main.name, id);
      result.coldMain = run;
      result.memory.afterMainIndexHwmMb = (await d.memory())?.hwmMb;
    }
    result.cold.push(runCold);
    await sleep(1000);
    result.memory.idleRssMb = (await d.memory())?.rssMb;

    // Searches over the fixed query sets, uncached passes first, then cached ones.
    const uncached: Record<string, number[]> = {};
    const cached: Record<string, number[]> = {};
    const totals: Record<string, number> = {};
    const errors: string[] = [];
    const all = p.queries.flatMap((t) => allQueries(t.set).map((q) => ({ vault: t.vault, q, key: `${t.vault}|${q}` })));
    log(`  searching: ${all.length} queries × ${UNCACHED_LIMITS.length} uncached + ${CACHED_PASSES} cached passes`);
    for (const limit of UNCACHED_LIMITS) {
      for (const { vault, q, key } of all) {
        const r = await d.search(ids.get(vault)!, q, limit);
        if (r.status !== 200) errors.push(`${key}: HTTP ${r.status}`);
        (uncached[key] ??= []).push(r.ms);
        totals[key] = r.body.total;
      }
    }
    for (let i = 0; i < CACHED_PASSES; i++) {
      for (const { vault, q, key } of all) (cached[key] ??= []).push((await d.search(ids.get(vault)!, q, 10)).ms);
    }
    result.search = { uncached, cached, totals, errors };

    // Recall: the expected note in the top 10.
    result.recall = {};
    for (const [vault, sets] of Object.entries(p.recall)) {
      for (const [set, tasks] of Object.entries(sets)) {
        let hits = 0;
        let errs = 0;
        const misses: string[] = [];
        for (const t of tasks) {
          const r = await d.search(ids.get(vault)!, t.query, 10);
          if (r.status !== 200) errs++;
          if (r.status === 200 && r.body.results.some((x) => x.path.normalize('NFC') === t.path)) hits++;
          else misses.push(t.query);
        }
        result.recall[set] = { hits, n: tasks.length, errors: errs, misses: misses.slice(0, 15) };
        log(`  recall ${set}: ${hits}/${tasks.length}`);
      }
    }

    // The librarian's retrieval evaluation: the passages it would send to the model (top 5).
    result.librarian = {};
    for (const language of ['en', 'ja'] as const) {
      const set = loadQuestionSet(language);
      const vaultId = ids.get(set.vault);
      if (vaultId === undefined) continue;
      const times: number[] = [];
      const r = await recallAt(set, 5, async (question) => {
        const x = await d.passages(vaultId, question, 5);
        times.push(x.ms);
        return x.paths;
      });
      let rejected = 0;
      for (const q of set.offTopic) if (!(await d.passages(vaultId, q, 5)).relevant) rejected++;
      result.librarian[language] = { hits: r.hits, n: r.n, offTopicRejected: rejected, offTopicN: set.offTopic.length, ms: dist(times), misses: r.misses.map((m) => m.question) };
      log(`  librarian recall@5 ${language}: ${r.hits}/${r.n}; off-topic judged irrelevant ${rejected}/${set.offTopic.length}`);
    }

    // Edit → searchable, on a copy in a temp folder (the corpora are never written).
    const editSource = p.vaults.find((v) => v.name === 'obsidian-help-en') ?? p.main;
    const editDir = path.join(tmp, `edit-${kind}-${randomBytes(3).toString('hex')}`);
    if (editSource.notes <= 500) await cp(editSource.dir, editDir, { recursive: true });
    else {
      const paths = (await listNotes(editSource.dir)).slice(0, 300);
      for (const rel of paths) {
        await mkdir(path.dirname(path.join(editDir, rel)), { recursive: true });
        await cp(path.join(editSource.dir, rel), path.join(editDir, rel));
      }
    }
    const editVault: BenchVault = { name: 'edit-copy', dir: editDir, lang: 'en', notes: (await listNotes(editDir)).length };
    const { id: editId } = await indexCold(d, editVault);
    ids.set(editVault.name, editId);
    const existing = await listNotes(editDir);
    const samples: number[] = [];
    let timeouts = 0;
    for (let i = 0; i < EDITS; i++) {
      const word = `zzq${Array.from(randomBytes(8), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;
      let rel: string;
      const t0 = performance.now();
      if (i % 2 === 0) {
        rel = `Bench edit ${i}.md`;
        await writeFile(path.join(editDir, rel), `---\ntags: [bench]\n---\n# Bench edit ${i}\n\nA new note with the word ${word} in it.\n`);
      } else {
        rel = existing[(i * 7) % existing.length]!;
        await appendFile(path.join(editDir, ...rel.split('/')), `\n\nAn edit with the word ${word}.\n`);
      }
      let found = false;
      while (performance.now() - t0 < 10_000) {
        const r = await d.search(editId, word, 5);
        if (r.body.results?.some((x) => x.path === rel)) {
          found = true;
          break;
        }
        await sleep(5);
      }
      if (found) samples.push(round(performance.now() - t0));
      else timeouts++;
      await sleep(150);
    }
    result.edit = { vault: `copy of ${editSource.name} (${editVault.notes} notes)`, samples, timeouts, dist: dist(samples) };
    log(`  edit→searchable: p50 ${fmt(result.edit.dist.p50)} ms, p95 ${fmt(result.edit.dist.p95)} ms (${timeouts} timeouts)`);

    result.memory.runHwmMb = (await mem.stop()).hwmMb;
    await d.stop();

    // Restart on the unchanged vaults: time until every vault is reconciled.
    d = await DaemonProcess.start(env);
    mem = sampleMemory(d.pid);
    const reparsed: Record<string, number> = {};
    let lastAt = d.listeningAt;
    let mainInternalMs = Number.NaN;
    let mainAt = d.listeningAt;
    for (const [name, id] of ids) {
      const { at, progress } = await d.waitIdle(id, 120_000, 10);
      lastAt = Math.max(lastAt, at);
      reparsed[name] = progress.indexed;
      if (name === p.main.name) {
        mainAt = at;
        mainInternalMs = progress.startedAt && progress.lastSyncAt ? Date.parse(progress.lastSyncAt) - Date.parse(progress.startedAt) : Number.NaN;
      }
    }
    result.restart = {
      spawnToAllIdleMs: round(lastAt - d.spawnedAt),
      listeningToAllIdleMs: round(lastAt - d.listeningAt),
      mainInternalMs,
      mainWallFromListeningMs: round(mainAt - d.listeningAt),
      reparsed,
    };
    log(`  restart: all idle ${fmt(result.restart.spawnToAllIdleMs / 1000, 2)} s after spawn (${fmt(result.restart.listeningToAllIdleMs / 1000, 2)} s after listening)`);
    result.memory.restartHwmMb = (await mem.stop()).hwmMb;
    await d.stop();
  });

  // Runs 2..N: the small vaults again, each time on a fresh database.
  for (let r = 2; r <= RUNS && small.length > 0; r++) {
    await withDatabase(kind, pgAdmin, async (env) => {
      log(`${kind}: run ${r} (cold index of the smaller vaults)`);
      const d = await DaemonProcess.start(env);
      result.startupMs.push(round(d.listeningAt - d.spawnedAt));
      const runCold: ColdRun[] = [];
      for (const v of small) runCold.push((await indexCold(d, v)).run);
      result.cold.push(runCold);
      await d.stop();
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const flat = (rec: Record<string, number[]>, keys: string[]) => keys.flatMap((k) => rec[k] ?? []);

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load ${loadavg().join(', ')}`;
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = uptime();
  log(`load before: ${loadBefore}`);
  // The daemon runs from the bundle users run (`hisho serve` → dist/hisho.mjs), not through tsx.
  log('building the daemon bundle (npm run build)');
  execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const p = await plan();
  log(`vaults: ${p.vaults.map((v) => `${v.name} (${v.notes})`).join(', ')}; main: ${p.main.name}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hisho-bench-'));
  const pgAdmin = (process.env.BENCH_PG_URL ?? process.env.HISHO_TEST_PG_URL)?.trim() || undefined;
  const wanted = (args.db ?? (pgAdmin ? 'pg,pglite' : 'pglite')).split(',').map((s) => s.trim());
  if (wanted.includes('pg') && !pgAdmin) throw new Error('--db=pg needs BENCH_PG_URL or HISHO_TEST_PG_URL (an admin URL)');
  if (!pgAdmin) log('PostgreSQL skipped: set BENCH_PG_URL (or HISHO_TEST_PG_URL) to an admin URL to include it');

  try {
    // The peer first, one process per vault, while nothing else of ours runs.
    const peer: Record<string, PeerVaultResult & { hwmMb: number }> = {};
    if (!args['no-peer']) {
      for (const v of p.vaults) {
        peer[v.name] = await runPeer(v, p.queries, p.recall, tmp);
        log(`peer ${v.name}: built in ${fmt(peer[v.name]!.buildMs / 1000, 2)} s, peak RSS ${fmt(peer[v.name]!.hwmMb)} MB`);
      }
    }
    const dbs: DbResult[] = [];
    for (const w of wanted) dbs.push(await runDatabase(w === 'pg' ? 'postgres' : 'pglite', pgAdmin, p, tmp));
    const loadAfter = uptime();
    log(`load after: ${loadAfter}`);
    report({ startedAt, loadBefore, loadAfter, p, peer, dbs });
  } finally {
    for (const d of liveDaemons) await d.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

interface Figure {
  figure: string;
  unit: string;
  values: Record<string, number | undefined>;
  peer?: number;
  target?: { op: '<=' | '>='; value: number; on: string[] };
  note?: string;
}

function report(r: { startedAt: Date; loadBefore: string; loadAfter: string; p: Awaited<ReturnType<typeof plan>>; peer: Record<string, PeerVaultResult & { hwmMb: number }>; dbs: DbResult[] }): void {
  const { p, peer, dbs } = r;
  const mainPeer = peer[p.main.name];
  const figures: Figure[] = [];
  const per = (f: (d: DbResult) => number | undefined) => Object.fromEntries(dbs.map((d) => [d.kind, f(d)]));
  const isMainYoshixi = p.main.name === MAIN_VAULT;
  const onMain = isMainYoshixi ? ['postgres', 'pglite'] : [];

  figures.push({
    figure: `Cold index, ${p.main.name} (${p.main.notes} notes)`,
    unit: 's',
    values: per((d) => (d.coldMain ? d.coldMain.wallMs / 1000 : undefined)),
    peer: mainPeer ? mainPeer.buildMs / 1000 : undefined,
    target: { op: '<=', value: 10, on: onMain.slice(0, 1) },
    note: 'PGlite target 25 s',
  });
  figures.push({ figure: `  same, PGlite target`, unit: 's', values: per((d) => (d.kind === 'pglite' && d.coldMain ? d.coldMain.wallMs / 1000 : undefined)), target: { op: '<=', value: 25, on: isMainYoshixi ? ['pglite'] : [] } });
  figures.push({
    figure: `Cold index throughput, ${p.main.name}`,
    unit: 'notes/s',
    values: per((d) => (d.coldMain ? d.coldMain.notesIndexed / (d.coldMain.wallMs / 1000) : undefined)),
    peer: mainPeer ? mainPeer.notes / (mainPeer.buildMs / 1000) : undefined,
  });
  for (const v of p.vaults.filter((x) => x !== p.main)) {
    figures.push({
      figure: `Cold index, ${v.name} (${v.notes}), median of ${dbs[0]?.cold.length ?? 0}`,
      unit: 's',
      values: per((d) => median(d.cold.map((run) => run.find((c) => c.vault === v.name)?.wallMs ?? Number.NaN)) / 1000),
      peer: peer[v.name] ? peer[v.name]!.buildMs / 1000 : undefined,
    });
  }
  figures.push({
    figure: 'Notes on disk neither indexed nor reported (failed or warning) (run 1, all vaults)',
    unit: 'notes',
    values: per((d) => [...(d.cold[0] ?? []), ...(d.coldMain ? [d.coldMain] : [])].reduce((a, c) => a + Math.max(0, c.notes - c.notesIndexed - c.filesFailed - (c.filesWarned ?? 0)), 0)),
    note: 'should be 0',
  });
  figures.push({ figure: 'Daemon start (spawn → listening), median', unit: 's', values: per((d) => median(d.startupMs) / 1000) });
  figures.push({
    figure: `Restart reconcile, all ${p.vaults.length + 1} vaults unchanged (spawn → all idle)`,
    unit: 's',
    values: per((d) => (d.restart ? d.restart.spawnToAllIdleMs / 1000 : undefined)),
    target: { op: '<=', value: 2, on: onMain },
  });
  figures.push({ figure: '  same, from listening', unit: 's', values: per((d) => (d.restart ? d.restart.listeningToAllIdleMs / 1000 : undefined)) });
  figures.push({ figure: `  ${p.main.name} reconcile (daemon's startedAt → lastSyncAt)`, unit: 's', values: per((d) => (d.restart ? d.restart.mainInternalMs / 1000 : undefined)) });
  figures.push({ figure: '  notes parsed again on restart (should be 0)', unit: 'notes', values: per((d) => (d.restart ? Object.values(d.restart.reparsed).reduce((a, b) => a + b, 0) : undefined)) });
  figures.push({ figure: 'Edit → searchable p50', unit: 'ms', values: per((d) => d.edit?.dist.p50) });
  figures.push({ figure: 'Edit → searchable p95', unit: 'ms', values: per((d) => d.edit?.dist.p95), target: { op: '<=', value: 300, on: ['postgres', 'pglite'] } });

  const keys = (f: (t: QueryTarget) => string[]) => p.queries.flatMap((t) => f(t).map((q) => `${t.vault}|${q}`));
  const allKeys = keys((t) => allQueries(t.set));
  const commonKeys = keys((t) => t.set.common);
  const jaKeys = p.queries.filter((t) => t.lang === 'ja').flatMap((t) => allQueries(t.set).map((q) => `${t.vault}|${q}`));
  const mainKeys = p.queries.filter((t) => t.vault === p.main.name && t.lang === 'en').flatMap((t) => allQueries(t.set).map((q) => `${t.vault}|${q}`));
  const peerTimes = (ks: string[]) =>
    ks.flatMap((k) => {
      const [vault, ...rest] = k.split('|');
      return peer[vault!]?.timings[rest.join('|')] ?? [];
    });
  const sq = (name: string, ks: string[], target?: boolean) => {
    if (ks.length === 0) return;
    figures.push({ figure: `Search via HTTP p50, ${name}`, unit: 'ms', values: per((d) => (d.search ? dist(flat(d.search.uncached, ks)).p50 : undefined)), peer: dist(peerTimes(ks)).p50 });
    figures.push({
      figure: `Search via HTTP p95, ${name}`,
      unit: 'ms',
      values: per((d) => (d.search ? dist(flat(d.search.uncached, ks)).p95 : undefined)),
      peer: dist(peerTimes(ks)).p95,
      ...(target ? { target: { op: '<=' as const, value: 20, on: ['postgres', 'pglite'] } } : {}),
    });
  };
  sq(`all ${allKeys.length} queries, uncached`, allKeys, true);
  sq(`the most common terms (${commonKeys.length})`, commonKeys, true);
  sq(`${p.main.name} English (${mainKeys.length})`, mainKeys);
  sq(`Japanese (${jaKeys.length})`, jaKeys);
  figures.push({ figure: 'Search via HTTP p95, cached repeat', unit: 'ms', values: per((d) => (d.search ? dist(flat(d.search.cached, allKeys)).p95 : undefined)) });

  figures.push({
    figure: `Daemon peak RSS (VmHWM), whole run 1`,
    unit: 'MB',
    values: per((d) => d.memory.runHwmMb),
    peer: mainPeer?.hwmMb,
    target: { op: '<=', value: 300, on: ['postgres'] },
    note: `peer: peak RSS of a process that built the ${p.main.name} index`,
  });
  figures.push({ figure: `  peak after indexing ${p.main.name}`, unit: 'MB', values: per((d) => d.memory.afterMainIndexHwmMb) });
  figures.push({ figure: '  RSS when idle after indexing', unit: 'MB', values: per((d) => d.memory.idleRssMb) });
  figures.push({ figure: '  peak of the restarted daemon', unit: 'MB', values: per((d) => d.memory.restartHwmMb) });
  if (mainPeer) figures.push({ figure: `Peer index heap (${p.main.name})`, unit: 'MB', values: {}, peer: mainPeer.heapDeltaMb });

  const recallSets = new Set(dbs.flatMap((d) => Object.keys(d.recall ?? {})));
  const peerRecall = (set: string, or = false) => {
    for (const v of Object.values(peer)) {
      const x = v.recall[set];
      if (x) return (or ? x.hitsOr : x.hits) / x.n;
    }
    return undefined;
  };
  for (const set of recallSets) {
    const n = dbs.find((d) => d.recall?.[set])?.recall?.[set]?.n ?? 0;
    figures.push({
      figure: `Recall@10 ${set} (${n} notes)`,
      unit: '',
      values: per((d) => (d.recall?.[set] ? d.recall[set]!.hits / d.recall[set]!.n : undefined)),
      peer: peerRecall(set),
      ...(set === 'ja-title' ? { target: { op: '>=' as const, value: 0.95, on: ['postgres', 'pglite'] } } : {}),
      note: `peer with OR: ${fmt(peerRecall(set, true), 3)}`,
    });
  }

  for (const language of ['en', 'ja'] as const) {
    const n = dbs.find((d) => d.librarian?.[language])?.librarian?.[language]?.n;
    if (n === undefined) continue;
    figures.push({
      figure: `Librarian recall@5, ${language} questions (${n})`,
      unit: '',
      values: per((d) => (d.librarian?.[language] ? d.librarian[language]!.hits / d.librarian[language]!.n : undefined)),
      target: { op: '>=', value: 0.9, on: ['postgres', 'pglite'] },
      note: 'the note that answers among the 5 passages sent to the model',
    });
    figures.push({ figure: `  off-topic ${language} questions judged irrelevant`, unit: '', values: per((d) => (d.librarian?.[language] ? d.librarian[language]!.offTopicRejected / d.librarian[language]!.offTopicN : undefined)) });
    figures.push({ figure: `  passages via HTTP p95, ${language}`, unit: 'ms', values: per((d) => d.librarian?.[language]?.ms.p95) });
  }

  const kinds = dbs.map((d) => d.kind);
  const header = ['Figure', 'Unit', ...kinds.map((k) => (k === 'postgres' ? 'PostgreSQL' : 'PGlite')), 'MiniSearch', 'Hisho/peer', 'Target', 'Met'];
  const digits = (unit: string) => (unit === '' ? 3 : unit === 'ms' ? 1 : unit === 's' ? 2 : 0);
  const rows = figures.map((f) => {
    const vals = kinds.map((k) => f.values[k]);
    const ratio = f.peer !== undefined && vals[0] !== undefined && f.peer > 0 ? vals.map((v) => (v === undefined ? '–' : `${fmt(v / f.peer!, 2)}×`)).join(' / ') : '';
    let target = '';
    let met = '';
    if (f.target) {
      target = `${f.target.op === '<=' ? '≤' : '≥'} ${f.target.value}${f.unit ? ` ${f.unit}` : ''}${f.target.on.length ? ` (${f.target.on.map((k) => (k === 'postgres' ? 'PG' : 'PGlite')).join(', ')})` : ' (n/a here)'}`;
      met = f.target.on
        .filter((k) => f.values[k] !== undefined)
        .map((k) => {
          const v = f.values[k]!;
          const ok = f.target!.op === '<=' ? v <= f.target!.value : v >= f.target!.value;
          return `${k === 'postgres' ? 'PG' : 'PGlite'} ${ok ? 'yes' : 'NO'}`;
        })
        .join(', ');
    }
    return [f.figure, f.unit, ...vals.map((v) => fmt(v, digits(f.unit))), fmt(f.peer, digits(f.unit)), ratio, target, met];
  });
  const text = table(header, rows);
  process.stdout.write(`\n${text}\n\n`);
  process.stdout.write(`load before: ${r.loadBefore}\nload after:  ${r.loadAfter}\n`);
  if (networkRetries.length) process.stdout.write(`network retries (${networkRetries.length}): ${networkRetries.slice(0, 5).join('; ')}\n`);
  for (const d of dbs) {
    if (d.search?.errors.length) process.stdout.write(`${d.kind}: search errors: ${d.search.errors.join('; ')}\n`);
    for (const [set, x] of Object.entries(d.recall ?? {})) if (x.misses.length) process.stdout.write(`${d.kind} recall ${set} misses (first ${x.misses.length}): ${x.misses.join(' | ')}\n`);
    for (const [language, x] of Object.entries(d.librarian ?? {})) if (x.misses.length) process.stdout.write(`${d.kind} librarian ${language} misses: ${x.misses.join(' | ')}\n`);
  }

  const date = r.startedAt.toISOString().replace(/[:]/g, '-').slice(0, 19);
  const file = path.join(ROOT, 'bench-results', `${date}${QUICK ? '-quick' : ''}.json`);
  const json = {
    startedAt: r.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: { quick: QUICK, runs: RUNS, edits: EDITS, uncachedPasses: UNCACHED_LIMITS.length, cachedPasses: CACHED_PASSES, peerRepeats: PEER_REPEATS, generated: p.generated },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memMb: Math.round(os.totalmem() / 1048576), node: process.version, loadBefore: r.loadBefore, loadAfter: r.loadAfter },
    vaults: p.vaults.map((v) => ({ name: v.name, notes: v.notes })),
    main: p.main.name,
    queries: p.queries.map((q) => ({ vault: q.vault, lang: q.lang, ...q.set })),
    figures,
    table: text,
    networkRetries,
    databases: dbs,
    peer,
  };
  void mkdir(path.dirname(file), { recursive: true })
    .then(() => writeFile(file, `${JSON.stringify(json, null, 1)}\n`))
    .then(() => log(`wrote ${path.relative(ROOT, file)}`));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
