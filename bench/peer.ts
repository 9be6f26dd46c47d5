/**
 * The peer: MiniSearch (the engine of Omnisearch, the most used Obsidian search plugin), run in
 * its own process so its memory is its own. Reads a job (JSON file named on the command line),
 * prints one JSON result on stdout.
 *
 * Per vault: read every note + gray-matter + index (default tokenizer, fields title/aliases/tags/
 * body, title boosted), then the query set (each query `repeats` times, top 10 taken) and the
 * recall tasks (is the expected note in the top 10?).
 */
import { readFile } from 'node:fs/promises';
import MiniSearch from 'minisearch';
import { listNotes, readPeerNotes, type PeerNote } from './corpus';
import { procMemory, round } from './stats';

export interface PeerJob {
  vaults: Array<{ name: string; dir: string }>;
  /** vault name → queries */
  queries: Record<string, string[]>;
  repeats: number;
  /** vault name → recall sets (name → [{ path, query }]) */
  recall: Record<string, Record<string, Array<{ path: string; query: string }>>>;
}

export interface PeerVaultResult {
  notes: number;
  readParseMs: number;
  indexMs: number;
  buildMs: number;
  heapDeltaMb: number;
  /** query → per-run ms */
  timings: Record<string, number[]>;
  /** query → total matches */
  totals: Record<string, number>;
  /** recall set name → { hits, n, hitsOr } */
  recall: Record<string, { hits: number; n: number; hitsOr: number; misses: string[] }>;
}

export interface PeerResult {
  vaults: Record<string, PeerVaultResult>;
  hwmMb: number;
  rssMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

async function runVault(job: PeerJob, v: { name: string; dir: string }, keep: unknown[]): Promise<PeerVaultResult> {
  const heap0 = heapMb();
  const t0 = performance.now();
  const paths = await listNotes(v.dir);
  const notes = await readPeerNotes(v.dir, paths);
  const t1 = performance.now();
  const ms = new MiniSearch<PeerNote>({
    fields: ['title', 'aliases', 'tags', 'body'],
    storeFields: [],
    searchOptions: { boost: { title: 3, aliases: 2 }, combineWith: 'AND' },
  });
  ms.addAll(notes);
  const t2 = performance.now();
  const byId = notes.map((n) => n.path);
  // What a plugin keeps in memory: the index (and the paths to show results).
  for (const n of notes) n.body = '';
  keep.push(ms, byId);
  const heapDeltaMb = heapMb() - heap0;

  const timings: Record<string, number[]> = {};
  const totals: Record<string, number> = {};
  const queries = job.queries[v.name] ?? [];
  for (let r = 0; r < job.repeats; r++) {
    for (const q of queries) {
      const s = performance.now();
      const res = ms.search(q);
      res.slice(0, 10).map((x) => byId[x.id as number]);
      (timings[q] ??= []).push(performance.now() - s);
      totals[q] = res.length;
    }
  }
  const recall: PeerVaultResult['recall'] = {};
  for (const [set, tasks] of Object.entries(job.recall[v.name] ?? {})) {
    let hits = 0;
    let hitsOr = 0;
    const misses: string[] = [];
    for (const t of tasks) {
      const top = ms.search(t.query).slice(0, 10).map((x) => byId[x.id as number]);
      if (top.includes(t.path)) hits++;
      else misses.push(t.query);
      const topOr = ms.search(t.query, { combineWith: 'OR' }).slice(0, 10).map((x) => byId[x.id as number]);
      if (topOr.includes(t.path)) hitsOr++;
    }
    recall[set] = { hits, n: tasks.length, hitsOr, misses: misses.slice(0, 15) };
  }
  return {
    notes: notes.length,
    readParseMs: round(t1 - t0),
    indexMs: round(t2 - t1),
    buildMs: round(t2 - t0),
    heapDeltaMb: round(heapDeltaMb, 1),
    timings,
    totals,
    recall,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as PeerJob;
  const keep: unknown[] = [];
  const vaults: Record<string, PeerVaultResult> = {};
  for (const v of job.vaults) vaults[v.name] = await runVault(job, v, keep);
  const mem = await procMemory(process.pid);
  const result: PeerResult = { vaults, hwmMb: mem?.hwmMb ?? Number.NaN, rssMb: mem?.rssMb ?? Number.NaN };
  process.stdout.write(JSON.stringify(result));
}

if (process.argv[1]?.endsWith('peer.ts')) {
  main().catch((e: unknown) => {
    process.stderr.write(`peer: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
