/**
 * `npm run bench:retrieval` — the librarian's retrieval evaluation on its own, in process: indexes
 * ../shared/corpus/obsidian-help-en and -ja with the daemon's indexer into an in-memory PGlite
 * database, asks every question of the main and held-out sets (questions.{,holdout.,holdout2.}{en,ja}.json)
 * through retrievePassages and prints recall@1/5/10 (recall@5 = among the 5 passages sent to the
 * model), the time per question (median, max) and the misses. `-- --large` also times twelve
 * questions on the 13k-note yoshixi-zettelkasten vault. `-- --semantic` runs the same sets with
 * semantic search on, through the provider named by HISHO_EVAL_EMBEDDING_* (semantic.ts), and
 * prints the lexical and hybrid figures side by side. `npm run bench` runs the main questions
 * through the real daemon's HTTP API (GET /librarian/passages).
 *
 * Exit code: 1 when a main set's recall@5 (hybrid with --semantic) is below 0.9; 2 when the
 * semantic run cannot measure (settings missing or refused, the provider failing).
 */
import path from 'node:path';
import type { Database } from '../../daemon/src/db/drivers';
import { retrievePassages } from '../../daemon/src/librarian/retrieve';
import { loadQuestionSet, type EvalLanguage } from './evaluate';
import { atFive, CORPUS, countIrrelevant, formatMiss, formatRecall, formatTimes, indexVault, LANGUAGES, openBenchDatabase, quantile, rankSet, setsOf, TARGET_RECALL_AT_5 } from './harness';
import { evaluateSemantic, readEmbeddingEnv, SemanticEvalError, type EmbeddingEnv, type SemanticReport } from './semantic';

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

const vaultOf = (language: EvalLanguage) => path.join(CORPUS, loadQuestionSet(language).vault);

/** The lexical evaluation; the languages whose main set is below the target. */
async function lexical(database: Database): Promise<EvalLanguage[]> {
  const failed: EvalLanguage[] = [];
  for (const language of LANGUAGES) {
    const vaultId = await indexVault(database, vaultOf(language));
    for (const { name, set } of setsOf(language)) {
      const { results, times } = await rankSet(set, async (question) => (await retrievePassages(database.db, { vaultId, question, limit: 10 })).passages.map((p) => p.path));
      const rejected = await countIrrelevant(set.offTopic, async (q) => (await retrievePassages(database.db, { vaultId, question: q, limit: 5 })).relevant);
      const offTopic = set.offTopic.length > 0 ? `; off-topic judged irrelevant ${rejected}/${set.offTopic.length}` : '';
      console.log(`${language} ${name}: recall ${formatRecall(results)}${offTopic} ${formatTimes(times)}`);
      for (const m of atFive(results).misses) console.log(formatMiss('miss', m));
      if (name === 'main' && atFive(results).recall < TARGET_RECALL_AT_5) failed.push(language);
    }
  }
  return failed;
}

async function large(database: Database): Promise<void> {
  const vaultId = await indexVault(database, path.join(CORPUS, 'yoshixi-zettelkasten'));
  const times: number[] = [];
  for (const question of LARGE_QUESTIONS) {
    const started = performance.now();
    const r = await retrievePassages(database.db, { vaultId, question, limit: 5 });
    times.push(performance.now() - started);
    console.log(`  ${question} → ${r.passages.slice(0, 3).map((p) => p.title).join(' | ') || '(nothing relevant)'}`);
  }
  console.log(`yoshixi-zettelkasten: per question median ${quantile(times, 0.5).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
}

const spread = (values: number[]) =>
  values.length === 0 ? 'none' : `median ${quantile(values, 0.5).toFixed(3)}, p10 ${quantile(values, 0.1).toFixed(3)}, p90 ${quantile(values, 0.9).toFixed(3)} (${values.length})`;

function printSemantic(report: SemanticReport): EvalLanguage[] {
  const failed: EvalLanguage[] = [];
  const e = report.embedding;
  console.log(`${report.model}: ${e.vaults.map((v) => `${v.language} ${v.notes} notes, ${v.sections} sections, ${v.tokens} tokens`).join('; ')}, embedded in ${e.seconds.toFixed(0)} s; cosine threshold ${report.minCosine}`);
  for (const s of report.sets) {
    const offTopic = s.offTopic.n > 0 ? `; off-topic judged irrelevant ${s.offTopic.lexicalIrrelevant}/${s.offTopic.n}` : '';
    const offTopicHybrid = s.offTopic.n > 0 ? `; off-topic judged irrelevant ${s.offTopic.hybridIrrelevant}/${s.offTopic.n}` : '';
    console.log(`${s.language} ${s.name}:`);
    console.log(`  lexical recall ${formatRecall(s.lexical)}${offTopic} ${formatTimes(s.lexicalTimes)}`);
    console.log(`  hybrid  recall ${formatRecall(s.hybrid)}${offTopicHybrid} ${formatTimes(s.hybridTimes)}`);
    console.log(`  semantic search found a section at or above ${report.minCosine} for ${s.semanticFound}/${s.hybrid[0]!.n} questions`);
    if (s.failures > 0) console.log(`  semantic search failed for ${s.failures} questions (their hybrid result is the lexical one): ${s.failure}`);
    for (const m of s.missToHit) console.log(`  miss → hit: ${m.question}\n    expected ${m.expected}`);
    for (const m of s.hitToMiss) console.log(formatMiss('hit → miss', m));
    for (const m of atFive(s.hybrid).misses.filter((h) => !s.hitToMiss.includes(h))) console.log(formatMiss('miss', m));
    if (s.name === 'main' && atFive(s.hybrid).recall < TARGET_RECALL_AT_5) failed.push(s.language);
  }
  for (const c of report.cosines) console.log(`${c.language} best cosine: answered ${spread(c.answered)}; off-topic ${spread(c.offTopic)}`);
  const failures = report.sets.reduce((n, s) => n + s.failures, 0);
  if (failures > 0) console.log(`semantic search failed for ${failures} questions: the hybrid figures understate it`);
  return failed;
}

async function semantic(database: Database, env: EmbeddingEnv): Promise<EvalLanguage[]> {
  const corpora = [];
  for (const language of LANGUAGES) corpora.push({ language, vaultId: await indexVault(database, vaultOf(language)), sets: setsOf(language) });
  return printSemantic(await evaluateSemantic({ database, corpora, env, progress: (line) => console.log(line) }));
}

async function main(): Promise<void> {
  const withSemantic = process.argv.includes('--semantic');
  const withLarge = process.argv.includes('--large');
  let env: EmbeddingEnv | undefined;
  try {
    if (withSemantic && withLarge) throw new SemanticEvalError('--large times the lexical retrieval only; run it without --semantic.');
    if (withSemantic) env = readEmbeddingEnv(process.env);
  } catch (e) {
    if (!(e instanceof SemanticEvalError)) throw e;
    console.error(e.message);
    process.exitCode = 2;
    return;
  }
  const database = await openBenchDatabase();
  let failed: EvalLanguage[];
  try {
    failed = env ? await semantic(database, env) : await lexical(database);
    if (withLarge) await large(database);
  } catch (e) {
    if (!(e instanceof SemanticEvalError)) throw e;
    console.error(e.message);
    process.exitCode = 2;
    return;
  } finally {
    await database.close();
  }
  if (failed.length > 0) {
    console.log(`below the ${TARGET_RECALL_AT_5} target: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
