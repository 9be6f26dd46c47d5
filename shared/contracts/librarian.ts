import { z } from 'zod';
import { AI_PROVIDERS, tokenUsageSchema } from './assistants';
import { conversationSchema, messageSchema } from './conversations';
import { endpoint } from './endpoint';
import { id, idParams, nonEmptyPatch, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';
import { configDirParam } from './vaults';

/**
 * The librarian AI (司書AI, issue 4 item 4): its settings, asking questions answered from the
 * vault with citations, note tools (tags, category, summary, links) and the vault's templates.
 *
 * `vault` is the vault's id or path, optional when exactly one vault is registered (as in search).
 * Note paths are vault-relative with '/' and their extension ("Folder/Note.md").
 *
 * Every AI route answers 409 `librarian_not_configured` (with `details.configure`) while the
 * librarian has no usable assistant; retrieval (`/librarian/passages`) and templates work without one.
 */

const vaultParam = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .optional()
  .describe('Vault id or path; optional when exactly one vault is registered');

const notePath = z.string().trim().min(1, 'path must not be empty').max(4096, 'path must be at most 4096 characters').describe('Vault-relative path of the note, with its extension');

// ---------------------------------------------------------------------------------------------
// Settings (librarian_assistant)
// ---------------------------------------------------------------------------------------------

/** How the librarian searches (librarian_assistant.search_strategies). */
export const searchStrategiesSchema = z
  .object({
    /** Passages sent to the model per question. */
    passages: z.number().int().min(1, 'passages must be between 1 and 20').max(20, 'passages must be between 1 and 20'),
    /** Add the notes linked from / linking to the best matches (related-note expansion). */
    expandLinks: z.boolean(),
    /** Longest passage taken from one note (characters). */
    maxPassageChars: z.number().int().min(200, 'maxPassageChars must be between 200 and 4000').max(4000, 'maxPassageChars must be between 200 and 4000'),
  })
  .strict();
export type SearchStrategies = z.output<typeof searchStrategiesSchema>;

export const DEFAULT_SEARCH_STRATEGIES: Readonly<SearchStrategies> = Object.freeze({ passages: 6, expandLinks: true, maxPassageChars: 1200 });

const categoryName = text(100, 'category name');

/**
 * Categories the librarian knows (librarian_assistant.knowledge_categories): name → what belongs in
 * it. Used to categorize notes of a vault that has no `categoryMappings` of its own.
 */
export const knowledgeCategoriesSchema = z.record(categoryName, z.string().trim().max(500, 'a category description must be at most 500 characters'));

/** Why the librarian cannot call a model; null when it can. */
export const LIBRARIAN_PROBLEMS = ['no_assistant', 'assistant_missing', 'assistant_inactive', 'assistant_key_missing', 'librarian_inactive'] as const;

/** Why semantic search cannot embed with the chosen assistant; null when it can (or it is off). */
export const EMBEDDING_PROBLEMS = ['no_assistant', 'assistant_missing', 'assistant_inactive', 'assistant_key_missing', 'cannot_embed', 'model_required'] as const;
export type EmbeddingProblem = (typeof EMBEDDING_PROBLEMS)[number];

/**
 * Semantic search (embeddings of the notes' sections, fused with the lexical search; docs/ai.md).
 * Off by default: it sends every note's text to the embedding provider once, and each question.
 */
export const semanticSettingsSchema = z.object({
  enabled: z.boolean(),
  /** The assistant whose provider, base URL and key embed (OpenAI, Gemini or a local server). */
  assistantId: id.nullable(),
  /** The embedding model as set; null: the provider's default (`defaultModel`). */
  model: z.string().nullable(),
  /** The model used when `model` is null; null for a local server (its model must be typed). */
  defaultModel: z.string().nullable(),
  problem: z.enum(EMBEDDING_PROBLEMS).nullable(),
  /** What to change, one sentence in the user's language; null when there is no problem. */
  problemMessage: z.string().nullable(),
});
export type SemanticSettings = z.output<typeof semanticSettingsSchema>;

export const semanticSettingsPatchSchema = z
  .object({
    enabled: z.boolean(),
    assistantId: id.nullable(),
    /** null or '': the provider's default. */
    model: z.string().trim().max(200, 'the embedding model name must be at most 200 characters').nullable(),
  })
  .partial()
  .strict();

export const librarianSettingsSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  isActive: z.boolean(),
  /** The AI assistant (GET /assistants) whose provider, model, key and persona the librarian uses. */
  assistantId: id.nullable(),
  assistant: z
    .object({ id, name: z.string(), provider: z.enum(AI_PROVIDERS), model: z.string(), isActive: z.boolean() })
    .nullable(),
  /** True when the AI features can be used. */
  configured: z.boolean(),
  problem: z.enum(LIBRARIAN_PROBLEMS).nullable(),
  /** What to configure, one sentence in the user's language; null when configured. */
  problemMessage: z.string().nullable(),
  specialization: z.array(z.string()),
  searchStrategies: searchStrategiesSchema,
  knowledgeCategories: knowledgeCategoriesSchema,
  semantic: semanticSettingsSchema,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type LibrarianSettings = z.output<typeof librarianSettingsSchema>;

export const librarianSettingsPatchSchema = nonEmptyPatch(
  z.object({
    name: text(100, 'name'),
    description: optionalText(10_000, 'description'),
    isActive: z.boolean(),
    /** null: no assistant (the AI features then answer 409 librarian_not_configured). */
    assistantId: id.nullable(),
    specialization: z.array(text(100, 'specialization')).max(50, 'at most 50 specializations'),
    /** Keys given replace the stored ones. */
    searchStrategies: searchStrategiesSchema.partial(),
    /** Replaces the whole map. */
    knowledgeCategories: knowledgeCategoriesSchema,
    /** Keys given replace the stored ones; turning it on with an assistant that cannot embed is a 400. */
    semantic: semanticSettingsPatchSchema,
  }),
);

/** The background embedding of a vault's notes (GET /librarian/embeddings). */
export const embeddingStatusSchema = z.object({
  vault: id,
  enabled: z.boolean(),
  /** The embedding model in use ("openai:text-embedding-3-small@512"); null when off or not usable. */
  model: z.string().nullable(),
  /**
   * Notes in the vault, and those done with the model: every section has a vector, or was
   * refused by the model (`skippedSections`).
   */
  notes: z.number().int(),
  embeddedNotes: z.number().int(),
  /** Vectors stored for the model (one per section). */
  chunks: z.number().int(),
  /**
   * Sections the model refused even shortened (longer than its context), left to the lexical
   * search until the note or the model changes or the settings are saved; a model with a longer
   * context covers them.
   */
  skippedSections: z.number().int(),
  /** The last one skipped, with a sentence in the user's language naming the note; null when none. */
  lastSkipped: z.object({ path: z.string(), heading: z.string().nullable(), message: z.string(), at: timestamp }).nullable(),
  /** Embedding right now (or waiting to try again after a provider error). */
  running: z.boolean(),
  /** Tokens the provider counted for this vault's embeddings since the daemon started. */
  tokens: z.number().int(),
  /** The last failure, in the user's language; cleared by the next batch that succeeds. */
  lastError: z.object({ code: z.string(), message: z.string(), at: timestamp }).nullable(),
});
export type EmbeddingStatus = z.output<typeof embeddingStatusSchema>;

// ---------------------------------------------------------------------------------------------
// Retrieval and asking
// ---------------------------------------------------------------------------------------------

/**
 * How a passage was found: by the search, as a note linked from / linking to a match, as the note
 * the question is about, or by semantic search alone (a section whose meaning is near the question's).
 */
export const PASSAGE_SOURCES = ['search', 'link', 'backlink', 'note', 'semantic'] as const;

/** A bounded piece of a note chosen to answer a question. */
export const passageSchema = z.object({
  noteId: id,
  path: z.string(),
  title: z.string(),
  /** The heading of the section the text comes from; null for text before the first heading. */
  heading: z.string().nullable(),
  text: z.string(),
  /** Relevance, higher is better, comparable within one answer only. */
  score: z.number(),
  source: z.enum(PASSAGE_SOURCES),
});
export type Passage = z.output<typeof passageSchema>;

export const MAX_QUESTION_CHARS = 4000;

const question = z
  .string()
  .refine((v) => v.trim().length > 0, 'question must not be empty')
  .refine((v) => v.length <= MAX_QUESTION_CHARS, `question must be at most ${MAX_QUESTION_CHARS} characters`);

export const passagesQuerySchema = z.object({
  q: question,
  vault: vaultParam,
  limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1).max(20).default(6),
});

export const passagesResponseSchema = z.object({
  vault: id,
  passages: z.array(passageSchema),
  /** False when nothing in the vault passed the relevance threshold (passages is then empty). */
  relevant: z.boolean(),
  /**
   * Semantic search for this question: off (not enabled or its assistant cannot embed), not_ready
   * (nothing embedded yet), used, or failed (the question could not be embedded: the passages are
   * the lexical search's alone; `message` says why in the user's language).
   */
  semantic: z.object({ status: z.enum(['off', 'not_ready', 'used', 'failed']), message: z.string().nullable() }),
});
export type PassagesResponse = z.output<typeof passagesResponseSchema>;

export const askSchema = z
  .object({
    question,
    vault: vaultParam,
    /** Continue this librarian conversation; a new one is started when absent. */
    conversationId: id.optional(),
    /** Answer from general knowledge when the vault holds nothing relevant (default: say so instead). */
    allowGeneralKnowledge: z.boolean().optional(),
    /**
     * The note the question is about ("Ask the librarian about this note"): its best passage comes
     * first, and the question is answered from it even when the search finds nothing else.
     */
    notePath: z.string().trim().min(1, 'notePath must not be empty').max(4096, 'notePath must be at most 4096 characters').optional(),
  })
  .strict();

/** A `[[link]]` of the answer that points to a note of the vault. */
export const citationSchema = z.object({
  /** The link target as written in the answer (without `|alias` / `#heading`). */
  target: z.string(),
  path: z.string(),
  title: z.string(),
  /** The passage the cited note was given to the model with; null when the note exists but was not among them. */
  passage: passageSchema.nullable(),
});
export type Citation = z.output<typeof citationSchema>;

/** How an answer was made: from the vault's passages, from general knowledge (asked for), or not at all (nothing relevant). */
export const ANSWER_MODES = ['vault', 'general', 'nothing_found'] as const;
export type AnswerMode = (typeof ANSWER_MODES)[number];

/** A message of a librarian conversation: the stored message plus what the answer cited. */
export const librarianMessageSchema = messageSchema.extend({
  citations: z.array(citationSchema),
  /** Link targets the model wrote that match no note: shown as plain text, never as links. */
  removedLinks: z.array(z.string()),
  /** null for the person's questions. */
  mode: z.enum(ANSWER_MODES).nullable(),
});
export type LibrarianMessage = z.output<typeof librarianMessageSchema>;

/**
 * The events of `POST /librarian/ask` (text/event-stream), in order:
 * `user` (the stored question; its conversationId is the conversation to continue) →
 * `passages` (what was retrieved) → `delta`* (the model's text as it arrives) →
 * `done` (the stored answer: its content is the streamed text with every `[[link]]` to a missing
 * note turned into plain text — show it instead of the streamed text) or `error` (one sentence;
 * the partial answer, if any, stored as incomplete).
 * When nothing relevant is found and general knowledge was not allowed, no model is called:
 * `user` → `passages` (empty) → `done` (mode `nothing_found`).
 */
export const askEventSchemas = {
  user: z.object({ message: librarianMessageSchema }),
  passages: passagesResponseSchema,
  delta: z.object({ text: z.string() }),
  done: z.object({ message: librarianMessageSchema, usage: tokenUsageSchema }),
  error: z.object({ code: z.string(), message: z.string(), messageId: id.nullable() }),
};
export type AskEventName = keyof typeof askEventSchemas;

export const librarianConversationListQuerySchema = pageQuerySchema;

// ---------------------------------------------------------------------------------------------
// Note tools
// ---------------------------------------------------------------------------------------------

export const noteToolSchema = z.object({ vault: vaultParam, path: notePath }).strict();

export const tagSuggestionsSchema = z.object({
  path: z.string(),
  /** The note's tags now (lower case, without '#'). */
  currentTags: z.array(z.string()),
  suggestions: z.array(
    z.object({
      /** Lower case, without '#', nested as "a/b". */
      tag: z.string(),
      reason: z.string(),
      /** True when no note of the vault has this tag yet. */
      isNew: z.boolean(),
    }),
  ),
  usage: tokenUsageSchema,
});
export type TagSuggestions = z.output<typeof tagSuggestionsSchema>;

export const categorizeSchema = z.object({
  path: z.string(),
  /** One of `categories`, or null when none fits. */
  category: z.string().nullable(),
  reason: z.string(),
  /** The categories chosen from: the vault's categoryMappings, else the librarian's knowledgeCategories. */
  categories: z.array(z.string()),
  /** Where the categories came from. */
  source: z.enum(['vault', 'librarian']),
  usage: tokenUsageSchema,
});
export type Categorization = z.output<typeof categorizeSchema>;

export const summarySchema = z.object({
  path: z.string(),
  summary: z.string(),
  keyPoints: z.array(z.string()),
  usage: tokenUsageSchema,
});
export type NoteSummary = z.output<typeof summarySchema>;

export const linkSuggestionsSchema = z.object({
  path: z.string(),
  /** Notes that should link with this one (neither links to the other yet). */
  suggestions: z.array(
    z.object({
      path: z.string(),
      title: z.string(),
      reason: z.string(),
      /** The candidate's relatedness score (shared tags, similar words). */
      score: z.number(),
    }),
  ),
  usage: tokenUsageSchema,
});
export type LinkSuggestions = z.output<typeof linkSuggestionsSchema>;

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

export const templateListSchema = z.object({
  vault: id,
  /**
   * The folder listed: the vault's `templateFolder` when set, else the folder of Obsidian's core
   * Templates plugin (`<configDir>/templates.json`), else `templates`; null only for a set folder
   * that cannot be used (outside the vault).
   */
  folder: z.string().nullable(),
  /** False when the folder is set but missing on disk. */
  folderExists: z.boolean(),
  templates: z.array(
    z.object({
      /** File name without extension: what the person picks. */
      name: z.string(),
      /** Vault-relative path. */
      path: z.string(),
      /** The file as written (frontmatter included), placeholders unfilled: render with shared/templates/render.ts. */
      content: z.string(),
    }),
  ),
});
export type TemplateList = z.output<typeof templateListSchema>;

export const librarianEndpoints = {
  settings: endpoint({ method: 'get', path: '/librarian', tag: 'librarian', summary: "The librarian's settings (created with defaults at first use) and whether its AI features can be used", response: librarianSettingsSchema }),
  updateSettings: endpoint({ method: 'patch', path: '/librarian', tag: 'librarian', summary: 'Change the librarian: its assistant (provider, model, key), search strategies, categories', body: librarianSettingsPatchSchema, response: librarianSettingsSchema }),
  embeddings: endpoint({ method: 'get', path: '/librarian/embeddings', tag: 'librarian', summary: "Progress of semantic search's background embedding of the vault's notes, and its last error", query: z.object({ vault: vaultParam }), response: embeddingStatusSchema }),
  passages: endpoint({ method: 'get', path: '/librarian/passages', tag: 'librarian', summary: 'The passages of the vault that answer a question (no model call)', query: passagesQuerySchema, response: passagesResponseSchema }),
  ask: endpoint({
    method: 'post',
    path: '/librarian/ask',
    tag: 'librarian',
    summary: 'Ask the librarian; the answer streams back as Server-Sent Events (user, passages, delta…, done | error)',
    body: askSchema,
    response: z.string().describe('event: user | passages | delta | done | error, each with a JSON data line (askEventSchemas)'),
    contentType: 'text/event-stream',
  }),
  conversations: endpoint({ method: 'get', path: '/librarian/conversations', tag: 'librarian', summary: 'Past librarian conversations, newest first', query: librarianConversationListQuerySchema, response: listOf(conversationSchema) }),
  messages: endpoint({ method: 'get', path: '/librarian/conversations/:id/messages', tag: 'librarian', summary: 'The messages of a librarian conversation with their citations, oldest first', params: idParams, query: pageQuerySchema.extend({ limit: pageQuerySchema.shape.limit.default(200) }), response: listOf(librarianMessageSchema) }),
  suggestTags: endpoint({ method: 'post', path: '/librarian/tags', tag: 'librarian', summary: "Suggest tags for a note, from the vault's own tags first (the plugin writes the ones the person accepts)", body: noteToolSchema, response: tagSuggestionsSchema }),
  categorize: endpoint({ method: 'post', path: '/librarian/categorize', tag: 'librarian', summary: "Categorize a note by the vault's category mappings", body: noteToolSchema, response: categorizeSchema }),
  summarize: endpoint({ method: 'post', path: '/librarian/summarize', tag: 'librarian', summary: 'Summarize a note', body: noteToolSchema, response: summarySchema }),
  suggestLinks: endpoint({ method: 'post', path: '/librarian/links', tag: 'librarian', summary: 'Notes that should link with a note, each with a reason', body: noteToolSchema, response: linkSuggestionsSchema }),
  templates: endpoint({ method: 'get', path: '/templates', tag: 'librarian', summary: "The templates in the vault's template folder, with their content", query: z.object({ vault: vaultParam, configDir: configDirParam }), response: templateListSchema }),
};
