/**
 * The librarian's settings: the one `librarian_assistant` row, created with defaults at first use,
 * and the assistant it answers with.
 *
 * Mapping (docs/ai.md, docs/schema.md): the librarian answers with one of the user's AI assistants
 * (`assistant_id`): that assistant's provider, model, key, base URL, timeouts and persona apply,
 * and its usage counts the librarian's calls. The design's own `ai_provider` / `model` /
 * `api_key_encrypted` columns stay null. `search_strategies` holds the retrieval settings
 * (SearchStrategies) and `knowledge_categories` the categories used when a vault has no
 * `category_mappings` of its own.
 */
import { asc, eq, sql } from 'drizzle-orm';
import {
  DEFAULT_SEARCH_STRATEGIES,
  knowledgeCategoriesSchema,
  searchStrategiesSchema,
  type LibrarianSettings,
  type SearchStrategies,
} from '../../../shared/contracts/librarian';
import { format, MESSAGES, type Language, type MessageKey } from '../../../shared/i18n';
import { modelConfigOf, type AssistantModelConfig, type AssistantRow } from '../ai/assistants';
import { AiError } from '../ai/errors';
import type { SecretBox } from '../ai/secrets';
import type { Db } from '../db/database';
import { aiAssistants, librarianAssistant } from '../db/schema';
import { iso } from '../server/routes/list';

export type LibrarianRow = typeof librarianAssistant.$inferSelect;
export type LibrarianProblem = NonNullable<LibrarianSettings['problem']>;

/** Categories for notes of a vault without category mappings: the PARA method, in the user's language. */
const DEFAULT_KNOWLEDGE_CATEGORIES: Record<Language, Record<string, string>> = {
  en: {
    Projects: 'Work with a goal and an end date',
    Areas: 'Responsibilities kept up over time (health, finances, a team)',
    Resources: 'Reference material on topics of interest',
    Archive: 'Finished or inactive projects, areas and resources',
  },
  ja: {
    プロジェクト: '目標と期限のある取り組み',
    エリア: '継続して維持する責任範囲（健康、お金、チームなど）',
    リソース: '関心のあるテーマの参考資料',
    アーカイブ: '終わった、または休止中のプロジェクト・エリア・リソース',
  },
};

const PROBLEM_KEYS: Record<LibrarianProblem, MessageKey> = {
  no_assistant: 'librarian.ai.problem.no-assistant',
  assistant_missing: 'librarian.ai.problem.assistant-missing',
  assistant_inactive: 'librarian.ai.problem.assistant-inactive',
  assistant_key_missing: 'librarian.ai.problem.assistant-key-missing',
  librarian_inactive: 'librarian.ai.problem.librarian-inactive',
};

/** A user-facing sentence from shared/i18n in the given language. */
export function message(language: Language, key: MessageKey, vars?: Record<string, string | number>): string {
  return format(MESSAGES[language][key], vars);
}

/** The librarian row, created with defaults the first time (one row, even when two requests race). */
export async function ensureLibrarian(db: Db, language: Language): Promise<LibrarianRow> {
  const [existing] = await db.select().from(librarianAssistant).orderBy(asc(librarianAssistant.id)).limit(1);
  if (existing) return existing;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('hisho.librarian_assistant'))`);
    const [again] = await tx.select().from(librarianAssistant).orderBy(asc(librarianAssistant.id)).limit(1);
    if (again) return again;
    const [row] = await tx
      .insert(librarianAssistant)
      .values({ searchStrategies: { ...DEFAULT_SEARCH_STRATEGIES }, knowledgeCategories: DEFAULT_KNOWLEDGE_CATEGORIES[language] })
      .returning();
    return row!;
  });
}

/** The stored strategies with defaults for anything missing or invalid. */
export function readStrategies(stored: unknown): SearchStrategies {
  const source = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...DEFAULT_SEARCH_STRATEGIES };
  for (const key of Object.keys(searchStrategiesSchema.shape) as Array<keyof SearchStrategies>) {
    const parsed = searchStrategiesSchema.shape[key].safeParse(source[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as SearchStrategies;
}

export function readKnowledgeCategories(stored: unknown): Record<string, string> {
  const parsed = knowledgeCategoriesSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : {};
}

export interface LibrarianState {
  row: LibrarianRow;
  assistant: AssistantRow | undefined;
  problem: LibrarianProblem | null;
  /** The model configuration when there is no problem. */
  config: AssistantModelConfig | undefined;
}

/** The librarian, its assistant and whether a model can be called (and why not). */
export async function librarianState(db: Db, secrets: SecretBox | undefined, language: Language): Promise<LibrarianState> {
  const row = await ensureLibrarian(db, language);
  const [assistant] = row.assistantId === null ? [] : await db.select().from(aiAssistants).where(eq(aiAssistants.id, row.assistantId));
  let problem: LibrarianProblem | null = null;
  let config: AssistantModelConfig | undefined;
  if (!row.isActive) problem = 'librarian_inactive';
  else if (row.assistantId === null) problem = 'no_assistant';
  else if (!assistant || assistant.deletedAt) problem = 'assistant_missing';
  else if (!assistant.isActive) problem = 'assistant_inactive';
  else {
    try {
      config = modelConfigOf(assistant, secrets);
    } catch (e) {
      if (!(e instanceof AiError)) throw e;
      problem = 'assistant_key_missing';
    }
  }
  return { row, assistant, problem, config };
}

export function problemMessage(state: Pick<LibrarianState, 'problem' | 'assistant'>, language: Language): string | null {
  if (!state.problem) return null;
  return message(language, PROBLEM_KEYS[state.problem], { name: state.assistant?.name ?? '' });
}

/** The API's view of the settings; `semantic` comes from semantic-settings.ts (it reads its own assistant). */
export function settingsToApi(state: LibrarianState, language: Language, semantic: LibrarianSettings['semantic']): LibrarianSettings {
  const { row, assistant } = state;
  const live = assistant && !assistant.deletedAt ? assistant : undefined;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    isActive: row.isActive,
    assistantId: row.assistantId,
    assistant: live ? { id: live.id, name: live.name, provider: live.aiProvider, model: live.model, isActive: live.isActive } : null,
    configured: state.problem === null,
    problem: state.problem,
    problemMessage: problemMessage(state, language),
    specialization: row.specialization,
    searchStrategies: readStrategies(row.searchStrategies),
    knowledgeCategories: readKnowledgeCategories(row.knowledgeCategories),
    semantic,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
