/**
 * `npm run bench:retrieval` — the librarian's retrieval evaluation on its own, in process: indexes
 * ../shared/corpus/obsidian-help-en and -ja with the daemon's indexer into an in-memory PGlite
 * database, asks every question of the main and held-out sets (questions.{,holdout.,holdout2.}{en,ja}.json)
 * through retrievePassages and prints recall@1/5/10 (recall@5 = among the 5 passages sent to the
 * model), the time per question (median, max) and the misses. `-- --large` also times twelve
 * questions on the 13k-note yoshixi-zettelkasten vault. `npm run bench` runs the main questions
 * through the real daemon's HTTP API (GET /librarian/passages).
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { migrateDatabase } from '../../daemon/src/db/database';
import { databaseFromPglite, type Database } from '../../daemon/src/db/drivers';
import { obsidianIntegrationSettings } from '../../daemon/src/db/schema';
import { retrievePassages } from '../../daemon/src/librarian/retrieve';
import { VaultIndexer } from '../../daemon/src/vault/indexer';
import { FakeWatcher } from '../../daemon/src/vault/watcher';
import { loadQuestionSet, recallAt, type EvalLanguage, type QuestionSetName } from './evaluate';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');
const KS = [1, 5, 10] as const;

/** Questions on the large vault, timed only (the note on each subject is printed first). */
const LARGE_QUESTIONS = [
  'How does public key cryptography work?',
  'What is the central limit theorem?',
  'How do neural networks learn with backpropagation?',
  'What is the difference between TCP and UDP?',
  'How does a hash table handle collisions?',
  'What causes inflation in an economy?',
  'How does the immune system fight viruses?',
  'What is dynamic programming?',
  'How do I write a good essay introduction?',
  'What is Bayesian inference?',
  'How does garbage collection work in Java?',
  'What is the Pythagorean theorem used for?',
];

async function indexVault(database: Database, root: string): Promise<number> {
  const [row] = await database.db.insert(obsidianIntegrationSettings).values({ vaultPath: root, fileExtensions: ['.md'] }).returning();
  const indexer = new VaultIndexer({ db: database.db, vaultId: row!.id, root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: new FakeWatcher().watch });
  await indexer.start();
  await indexer.idle();
  await indexer.stop();
  return row!.id;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  const database = databaseFromPglite(client);
  await migrateDatabase(database);
  const failed: string[] = [];
  for (const language of ['en', 'ja'] as EvalLanguage[]) {
    const vaultId = await indexVault(database, path.join(CORPUS, loadQuestionSet(language).vault));
    for (const name of ['main', 'holdout', 'holdout2'] as QuestionSetName[]) {
      const set = loadQuestionSet(language, name);
      const times: number[] = [];
      // One retrieval of 10 per question: the first 5 are what a retrieval of 5 gives (the ranking does not depend on the limit).
      const ranked = new Map<string, string[]>();
      for (const q of set.questions) {
        const started = performance.now();
        const r = await retrievePassages(database.db, { vaultId, question: q.question, limit: 10 });
        times.push(performance.now() - started);
        ranked.set(q.question, r.passages.map((p) => p.path));
      }
      const results = await Promise.all(KS.map((k) => recallAt(set, k, async (question) => ranked.get(question)!)));
      let rejected = 0;
      for (const q of set.offTopic) if (!(await retrievePassages(database.db, { vaultId, question: q, limit: 5 })).relevant) rejected++;
      const figures = results.map((r) => `@${r.k} ${r.hits}/${r.n} = ${r.recall.toFixed(2)}`).join(', ');
      const offTopic = set.offTopic.length > 0 ? `; off-topic judged irrelevant ${rejected}/${set.offTopic.length}` : '';
      console.log(`${language} ${name}: recall ${figures}${offTopic} (per question: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms)`);
      for (const m of results[1]!.misses) console.log(`  miss: ${m.question}\n    expected ${m.expected}\n    got ${m.got.join(' | ') || '(nothing relevant)'}`);
      if (name === 'main' && results[1]!.recall < 0.9) failed.push(language);
    }
  }
  if (process.argv.includes('--large')) {
    const vaultId = await indexVault(database, path.join(CORPUS, 'yoshixi-zettelkasten'));
    const times: number[] = [];
    for (const question of LARGE_QUESTIONS) {
      const started = performance.now();
      const r = await retrievePassages(database.db, { vaultId, question, limit: 5 });
      times.push(performance.now() - started);
      console.log(`  ${question} → ${r.passages.slice(0, 3).map((p) => p.title).join(' | ') || '(nothing relevant)'}`);
    }
    console.log(`yoshixi-zettelkasten: per question median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  }
  await database.close();
  if (failed.length > 0) {
    console.log(`below the 0.9 target: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
