/**
 * What both modes of `npm run bench:retrieval` (lexical, and `--semantic`) share: the in-memory
 * database, a corpus vault indexed with the daemon's indexer, a set's questions asked once each
 * (timed) and counted at recall@1/5/10, and the wording of those figures.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { migrateDatabase } from '../../daemon/src/db/database';
import { databaseFromPglite, type Database } from '../../daemon/src/db/drivers';
import { obsidianIntegrationSettings } from '../../daemon/src/db/schema';
import { VaultIndexer } from '../../daemon/src/vault/indexer';
import { FakeWatcher } from '../../daemon/src/vault/watcher';
import { loadQuestionSet, recallAt, type EvalLanguage, type QuestionSet, type QuestionSetName, type RecallResult } from './evaluate';

export const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');
export const KS = [1, 5, 10] as const;
export const LANGUAGES: readonly EvalLanguage[] = ['en', 'ja'];
export const SET_NAMES: readonly QuestionSetName[] = ['main', 'holdout', 'holdout2'];
/** Recall@5 of the main sets the retrieval must reach (the passages sent to the model). */
export const TARGET_RECALL_AT_5 = 0.9;

/** A migrated in-memory PGlite database, as the daemon's embedded mode uses. */
export async function openBenchDatabase(): Promise<Database> {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  const database = databaseFromPglite(client);
  await migrateDatabase(database);
  return database;
}

/** Registers the vault (enabled, Markdown only) and indexes it once; returns its id. */
export async function indexVault(database: Database, root: string): Promise<number> {
  const [row] = await database.db.insert(obsidianIntegrationSettings).values({ vaultPath: root, fileExtensions: ['.md'] }).returning();
  const indexer = new VaultIndexer({ db: database.db, vaultId: row!.id, root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: new FakeWatcher().watch });
  await indexer.start();
  await indexer.idle();
  await indexer.stop();
  return row!.id;
}

/** The p-quantile (0–1) by linear interpolation between the closest ranks; NaN for no values. */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = values.slice().sort((a, b) => a - b);
  const at = (s.length - 1) * p;
  const low = Math.floor(at);
  return s[low]! + (s[Math.min(low + 1, s.length - 1)]! - s[low]!) * (at - low);
}

export interface RankedSet {
  /** Recall at each of KS, in that order. */
  results: RecallResult[];
  /** Milliseconds per question. */
  times: number[];
}

/**
 * Asks every question once for 10 passages (`retrieve` gives their note paths, best first) and
 * counts recall@1/5/10 from that one ranking: the first 5 are what a retrieval of 5 gives (the
 * ranking does not depend on the limit).
 */
export async function rankSet(set: QuestionSet, retrieve: (question: string) => Promise<string[]>): Promise<RankedSet> {
  const times: number[] = [];
  const ranked = new Map<string, string[]>();
  for (const q of set.questions) {
    const started = performance.now();
    ranked.set(q.question, await retrieve(q.question));
    times.push(performance.now() - started);
  }
  const results = await Promise.all(KS.map((k) => recallAt(set, k, async (question) => ranked.get(question)!)));
  return { results, times };
}

/** How many of the questions `relevant` judges irrelevant (asked one after another). */
export async function countIrrelevant(questions: string[], relevant: (question: string) => Promise<boolean>): Promise<number> {
  let n = 0;
  for (const q of questions) if (!(await relevant(q))) n++;
  return n;
}

/** "@1 33/50 = 0.66, @5 45/50 = 0.90, @10 47/50 = 0.94" */
export const formatRecall = (results: RecallResult[]): string => results.map((r) => `@${r.k} ${r.hits}/${r.n} = ${r.recall.toFixed(2)}`).join(', ');

/** "(per question: median 32 ms, max 92 ms)" */
export const formatTimes = (times: number[]): string => `(per question: median ${quantile(times, 0.5).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms)`;

/** A missed question, what was expected and what came back instead, as printed under its set. */
export const formatMiss = (label: string, m: RecallResult['misses'][number]): string =>
  `  ${label}: ${m.question}\n    expected ${m.expected}\n    got ${m.got.join(' | ') || '(nothing relevant)'}`;

/** The recall@5 result of a set's results (ordered as KS). */
export const atFive = (results: RecallResult[]): RecallResult => results[KS.indexOf(5)]!;

export interface NamedSet {
  name: QuestionSetName;
  set: QuestionSet;
}

/** Every set of the language, in the order they are printed. */
export function setsOf(language: EvalLanguage): NamedSet[] {
  return SET_NAMES.map((name) => ({ name, set: loadQuestionSet(language, name) }));
}
