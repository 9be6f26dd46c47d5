/**
 * The settings of semantic search (librarian_assistant.embedding_*): whether it is on, the
 * assistant whose provider, base URL and key embed, and the embedding model; and whether that
 * combination can embed (and why not, in the user's language).
 */
import { eq } from 'drizzle-orm';
import type { EmbeddingProblem, SemanticSettings } from '../../../shared/contracts/librarian';
import type { Language, MessageKey } from '../../../shared/i18n';
import { modelConfigOf, type AssistantRow } from '../ai/assistants';
import { canEmbed, DEFAULT_EMBEDDING_MODELS, embeddingConfigOf, embeddingModelId, type EmbeddingConfig } from '../ai/embedding';
import { AiError } from '../ai/errors';
import type { SecretBox } from '../ai/secrets';
import { PROVIDER_NAMES } from '../ai/sdk-model';
import type { Db } from '../db/database';
import { aiAssistants } from '../db/schema';
import { message, type LibrarianRow } from './settings';

export interface SemanticState {
  enabled: boolean;
  assistant: AssistantRow | undefined;
  /** The model configuration when it can embed (whether or not it is enabled). */
  config: EmbeddingConfig | undefined;
  /** `embeddingModelId(config)`. */
  modelId: string | undefined;
  problem: EmbeddingProblem | null;
}

const PROBLEM_KEYS: Record<EmbeddingProblem, MessageKey> = {
  no_assistant: 'librarian.semantic.problem.no-assistant',
  assistant_missing: 'librarian.semantic.problem.assistant-missing',
  assistant_inactive: 'librarian.semantic.problem.assistant-inactive',
  assistant_key_missing: 'librarian.semantic.problem.assistant-key-missing',
  cannot_embed: 'librarian.semantic.problem.cannot-embed',
  model_required: 'librarian.semantic.problem.model-required',
};

type SemanticColumns = Pick<LibrarianRow, 'embeddingEnabled' | 'embeddingAssistantId' | 'embeddingModel'>;

export async function semanticState(db: Db, secrets: SecretBox | undefined, row: SemanticColumns): Promise<SemanticState> {
  const [assistant] = row.embeddingAssistantId === null ? [] : await db.select().from(aiAssistants).where(eq(aiAssistants.id, row.embeddingAssistantId));
  let problem: EmbeddingProblem | null = null;
  let config: EmbeddingConfig | undefined;
  if (row.embeddingAssistantId === null) problem = 'no_assistant';
  else if (!assistant || assistant.deletedAt) problem = 'assistant_missing';
  else if (!assistant.isActive) problem = 'assistant_inactive';
  else if (!canEmbed(assistant.aiProvider)) problem = 'cannot_embed';
  else {
    try {
      config = embeddingConfigOf(modelConfigOf(assistant, secrets), row.embeddingModel);
      if (!config) problem = 'model_required';
    } catch (e) {
      if (!(e instanceof AiError)) throw e;
      problem = 'assistant_key_missing';
    }
  }
  return { enabled: row.embeddingEnabled, assistant, config, modelId: config ? embeddingModelId(config) : undefined, problem };
}

export function semanticProblemMessage(state: Pick<SemanticState, 'problem' | 'assistant'>, language: Language): string | null {
  if (!state.problem) return null;
  const provider = state.assistant ? PROVIDER_NAMES[state.assistant.aiProvider] : '';
  return message(language, PROBLEM_KEYS[state.problem], { name: state.assistant?.name ?? '', provider });
}

export function semanticToApi(row: SemanticColumns, state: SemanticState, language: Language): SemanticSettings {
  const provider = state.assistant && !state.assistant.deletedAt ? state.assistant.aiProvider : undefined;
  return {
    enabled: row.embeddingEnabled,
    assistantId: row.embeddingAssistantId,
    model: row.embeddingModel,
    defaultModel: provider ? (DEFAULT_EMBEDDING_MODELS[provider]?.model ?? null) : null,
    problem: state.problem,
    problemMessage: semanticProblemMessage(state, language),
  };
}
