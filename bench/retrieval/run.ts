/**
 * `npm run bench:retrieval` — the librarian's retrieval evaluation on its own, in process: indexes
 * ../shared/corpus/obsidian-help-en and -ja with the daemon's indexer into an in-memory PGlite
 * database, asks every question of questions.{en,ja}.json through retrievePassages (5 passages, as
 * sent to the model) and prints recall@5 with the misses. `npm run bench` runs the same questions
 * through the real daemon's HTTP API (GET /librarian/passages).
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { migrateDatabase } from '../../daemon/src/db/database';
import { databaseFromPglite } from '../../daemon/src/db/drivers';
import { obsidianIntegrationSettings } from '../../daemon/src/db/schema';
import { retrievePassages } from '../../daemon/src/librarian/retrieve';
import { VaultIndexer } from '../../daemon/src/vault/indexer';
import { FakeWatcher } from '../../daemon/src/vault/watcher';
import { loadQuestionSet, recallAt, type EvalLanguage } from './evaluate';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');
const K = 5;

async function main(): Promise<void> {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  const database = databaseFromPglite(client);
  await migrateDatabase(database);
  const failed: string[] = [];
  for (const language of ['en', 'ja'] as EvalLanguage[]) {
    const set = loadQuestionSet(language);
    const root = path.join(CORPUS, set.vault);
    const [row] = await database.db.insert(obsidianIntegrationSettings).values({ vaultPath: root, fileExtensions: ['.md'] }).returning();
    const filter = { fileExtensions: ['.md'], excludedFolders: [] };
    const indexer = new VaultIndexer({ db: database.db, vaultId: row!.id, root, filter, watch: new FakeWatcher().watch });
    await indexer.start();
    await indexer.idle();
    await indexer.stop();
    const started = performance.now();
    const result = await recallAt(set, K, async (question) => (await retrievePassages(database.db, { vaultId: row!.id, question, limit: K })).passages.map((p) => p.path));
    const ms = (performance.now() - started) / set.questions.length;
    console.log(`${language}: recall@${K} ${result.hits}/${result.n} = ${result.recall.toFixed(3)} (${ms.toFixed(0)} ms per question)`);
    for (const m of result.misses) console.log(`  miss: ${m.question}\n    expected ${m.expected}\n    got ${m.got.join(' | ') || '(nothing relevant)'}`);
    if (result.recall < 0.9) failed.push(language);
  }
  await database.close();
  if (failed.length > 0) {
    console.log(`below the 0.9 target: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
