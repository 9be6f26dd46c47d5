/**
 * The librarian's retrieval evaluation (issue 4, item 7): questions a user would ask about the
 * Obsidian help vaults (`../shared/corpus/obsidian-help-{en,ja}`), each with the note that answers
 * it (questions.{en,ja}.json, written for this project). Recall@k = how often that note is among
 * the first k passages the librarian would send to the model.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type EvalLanguage = 'en' | 'ja';

export interface EvalQuestion {
  question: string;
  /** Vault-relative path of the note that answers it. */
  path: string;
}

export interface QuestionSet {
  language: EvalLanguage;
  /** The corpus vault's folder name under ../shared/corpus. */
  vault: string;
  questions: EvalQuestion[];
  /** Questions the vault cannot answer: the librarian should find nothing relevant. */
  offTopic: string[];
}

export interface RecallResult {
  language: EvalLanguage;
  k: number;
  hits: number;
  n: number;
  recall: number;
  /** Each missed question with the paths that came back instead. */
  misses: Array<{ question: string; expected: string; got: string[] }>;
}

/**
 * The main set (questions.{en,ja}.json, the one the retrieval was tuned on) and two held-out sets
 * of other notes: questions.holdout.{en,ja}.json, written before the retrieval was tuned on the main
 * set, and questions.holdout2.{en,ja}.json, written blind (by someone who had not seen the
 * retrieval) in session 3, before that session's retrieval changes. A change that helps the main set
 * but not the held-out ones is overfitting.
 */
export type QuestionSetName = 'main' | 'holdout' | 'holdout2';

export function loadQuestionSet(language: EvalLanguage, name: QuestionSetName = 'main'): QuestionSet {
  const file = path.join(import.meta.dirname, name === 'main' ? `questions.${language}.json` : `questions.${name}.${language}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { vault: string; questions: EvalQuestion[]; offTopic: string[] };
  return { language, vault: data.vault, questions: data.questions, offTopic: data.offTopic };
}

/** Runs every question through `retrieve` (the passages' note paths, best first) and counts hits in the first k. */
export async function recallAt(set: QuestionSet, k: number, retrieve: (question: string) => Promise<string[]>, questions = set.questions): Promise<RecallResult> {
  let hits = 0;
  const misses: RecallResult['misses'] = [];
  for (const q of questions) {
    const got = (await retrieve(q.question)).slice(0, k);
    if (got.includes(q.path)) hits++;
    else misses.push({ question: q.question, expected: q.path, got });
  }
  return { language: set.language, k, hits, n: questions.length, recall: questions.length ? hits / questions.length : 0, misses };
}
