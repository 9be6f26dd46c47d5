import * as z from 'zod/mini';
import type { ConversationApi } from '../../../shared/contracts/conversations';
import type {
  AnswerMode,
  Categorization,
  Citation,
  EmbeddingStatus,
  LibrarianMessage,
  LibrarianSettings,
  LinkSuggestions,
  NoteSummary,
  Passage,
  SemanticSettings,
  TagSuggestions,
  TemplateList,
  askEventSchemas as sharedAskEventSchemas,
} from '../../../shared/contracts/librarian';
import { AI_PROVIDER_NAMES } from './assistant-schemas';

/*
 * The plugin's copies of the librarian contract it reads (zod/mini, see schemas.ts for why). Each
 * names the shared type (or the part of it the plugin reads), so a contract change they miss is a
 * compile error.
 */

type EventOf<K extends keyof typeof sharedAskEventSchemas> = z.output<(typeof sharedAskEventSchemas)[K]>;

// Copied, not imported: the contract's values would bring zod into main.js. Keyed by the contract's
// values, so one added there is a compile error here (not a refused answer at run time).
const MODE_SET: Record<AnswerMode, true> = { vault: true, general: true, nothing_found: true };
const SOURCE_SET: Record<Passage['source'], true> = { search: true, link: true, backlink: true, note: true, semantic: true };
const MODES = Object.keys(MODE_SET) as AnswerMode[];
const SOURCES = Object.keys(SOURCE_SET) as Passage['source'][];

/** The librarian's settings, as the settings tab shows and changes them. */
export type LibrarianSettingsView = Pick<
  LibrarianSettings,
  'isActive' | 'assistantId' | 'configured' | 'problemMessage' | 'specialization' | 'searchStrategies' | 'knowledgeCategories'
> & {
  assistant: Pick<NonNullable<LibrarianSettings['assistant']>, 'id' | 'name' | 'provider' | 'model'> | null;
  semantic: SemanticSettings;
};
const semanticSettingsSchema: z.ZodMiniType<SemanticSettings> = z.object({
  enabled: z.boolean(),
  assistantId: z.nullable(z.number()),
  model: z.nullable(z.string()),
  defaultModel: z.nullable(z.string()),
  // The reason is shown as the daemon's sentence; its code is only passed on.
  problem: z.nullable(z.custom<SemanticSettings['problem']>((v) => typeof v === 'string')),
  problemMessage: z.nullable(z.string()),
});
export const librarianSettingsSchema: z.ZodMiniType<LibrarianSettingsView> = z.object({
  isActive: z.boolean(),
  assistantId: z.nullable(z.number()),
  assistant: z.nullable(z.object({ id: z.number(), name: z.string(), provider: z.enum(AI_PROVIDER_NAMES), model: z.string() })),
  configured: z.boolean(),
  problemMessage: z.nullable(z.string()),
  specialization: z.array(z.string()),
  searchStrategies: z.object({ passages: z.number(), expandLinks: z.boolean(), maxPassageChars: z.number() }),
  // A record checked by hand: z.record would add 2 KB of zod to main.js.
  knowledgeCategories: z.custom<Record<string, string>>((v) => typeof v === 'object' && v !== null && Object.values(v).every((d) => typeof d === 'string')),
  semantic: semanticSettingsSchema,
});

/** The background embedding's progress (GET /librarian/embeddings), as the settings show it. */
export type EmbeddingStatusView = Pick<EmbeddingStatus, 'enabled' | 'model' | 'notes' | 'embeddedNotes' | 'chunks' | 'skippedSections' | 'running'> & {
  lastSkipped: { message: string } | null;
  lastError: { message: string } | null;
};
export const embeddingStatusSchema: z.ZodMiniType<EmbeddingStatusView> = z.object({
  enabled: z.boolean(),
  model: z.nullable(z.string()),
  notes: z.number(),
  embeddedNotes: z.number(),
  chunks: z.number(),
  skippedSections: z.number(),
  lastSkipped: z.nullable(z.object({ message: z.string() })),
  running: z.boolean(),
  lastError: z.nullable(z.object({ message: z.string() })),
});

export type PassageView = Pick<Passage, 'path' | 'title' | 'heading' | 'text' | 'source'>;
const passageSchema: z.ZodMiniType<PassageView> = z.object({
  path: z.string(),
  title: z.string(),
  heading: z.nullable(z.string()),
  text: z.string(),
  source: z.enum(SOURCES),
});

export type CitationView = Pick<Citation, 'target' | 'path' | 'title'> & { passage: PassageView | null };
const citationSchema: z.ZodMiniType<CitationView> = z.object({
  target: z.string(),
  path: z.string(),
  title: z.string(),
  passage: z.nullable(passageSchema),
});

/** A message of a librarian conversation, as the chat shows it. */
export type LibrarianMessageView = Pick<LibrarianMessage, 'id' | 'conversationId' | 'role' | 'content' | 'incomplete' | 'reason' | 'mode'> & {
  citations: CitationView[];
};
export const librarianMessageSchema: z.ZodMiniType<LibrarianMessageView> = z.object({
  id: z.number(),
  conversationId: z.number(),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  incomplete: z.boolean(),
  reason: z.nullable(z.string()),
  mode: z.nullable(z.enum(MODES)),
  citations: z.array(citationSchema),
});

/** The events of POST /librarian/ask, by name (the parts of each the chat reads). */
export interface AskEvents {
  user: { message: LibrarianMessageView };
  passages: { passages: PassageView[]; relevant: boolean };
  delta: { text: string };
  done: { message: LibrarianMessageView };
  error: { code: string; message: string; messageId: number | null };
}

/** Compiles only when the shared event fits the plugin's view of it. */
type Fits<Shared extends View, View> = Shared;
type _AskEventsFit = [
  Fits<EventOf<'user'>, AskEvents['user']>,
  Fits<EventOf<'passages'>, AskEvents['passages']>,
  Fits<EventOf<'delta'>, AskEvents['delta']>,
  Fits<EventOf<'done'>, AskEvents['done']>,
  Fits<EventOf<'error'>, AskEvents['error']>,
];

export type AskEvent = { [K in keyof AskEvents]: { type: K } & AskEvents[K] }[keyof AskEvents];

export const askEventSchemas: { [K in keyof AskEvents]: z.ZodMiniType<AskEvents[K]> } = {
  user: z.object({ message: librarianMessageSchema }),
  passages: z.object({ passages: z.array(passageSchema), relevant: z.boolean() }),
  delta: z.object({ text: z.string() }),
  done: z.object({ message: librarianMessageSchema }),
  error: z.object({ code: z.string(), message: z.string(), messageId: z.nullable(z.number()) }),
};

export type ConversationView = Pick<ConversationApi, 'id' | 'title' | 'messageCount' | 'lastMessageAt' | 'createdAt'>;
export const conversationListSchema: z.ZodMiniType<{ items: ConversationView[]; total: number }> = z.object({
  items: z.array(
    z.object({ id: z.number(), title: z.nullable(z.string()), messageCount: z.number(), lastMessageAt: z.nullable(z.string()), createdAt: z.string() }),
  ),
  total: z.number(),
});

export const messageListSchema: z.ZodMiniType<{ items: LibrarianMessageView[]; total: number }> = z.object({
  items: z.array(librarianMessageSchema),
  total: z.number(),
});

// ---- Note tools ------------------------------------------------------------------------------

export type TagSuggestionsView = Pick<TagSuggestions, 'currentTags' | 'suggestions'>;
export const tagSuggestionsSchema: z.ZodMiniType<TagSuggestionsView> = z.object({
  currentTags: z.array(z.string()),
  suggestions: z.array(z.object({ tag: z.string(), reason: z.string(), isNew: z.boolean() })),
});

export type CategorizationView = Pick<Categorization, 'category' | 'reason' | 'categories'>;
export const categorizationSchema: z.ZodMiniType<CategorizationView> = z.object({
  category: z.nullable(z.string()),
  reason: z.string(),
  categories: z.array(z.string()),
});

export type SummaryView = Pick<NoteSummary, 'summary' | 'keyPoints'>;
export const summarySchema: z.ZodMiniType<SummaryView> = z.object({ summary: z.string(), keyPoints: z.array(z.string()) });

export type LinkSuggestionsView = { suggestions: Omit<LinkSuggestions['suggestions'][number], 'score'>[] };
export const linkSuggestionsSchema: z.ZodMiniType<LinkSuggestionsView> = z.object({
  suggestions: z.array(z.object({ path: z.string(), title: z.string(), reason: z.string() })),
});

export type TemplateListView = Pick<TemplateList, 'folder' | 'folderExists' | 'templates'>;
export const templateListSchema: z.ZodMiniType<TemplateListView> = z.object({
  folder: z.nullable(z.string()),
  folderExists: z.boolean(),
  templates: z.array(z.object({ name: z.string(), path: z.string(), content: z.string() })),
});
