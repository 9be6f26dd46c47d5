import type * as z from 'zod/mini';
import type { BodyOf } from '../../../shared/contracts/endpoint';
import type { librarianEndpoints } from '../../../shared/contracts/librarian';
import { DaemonError, queryString, type DaemonClient } from './client';
import {
  askEventSchemas,
  categorizationSchema,
  conversationListSchema,
  embeddingStatusSchema,
  librarianSettingsSchema,
  linkSuggestionsSchema,
  messageListSchema,
  summarySchema,
  tagSuggestionsSchema,
  templateListSchema,
  type AskEvent,
  type AskEvents,
  type CategorizationView,
  type ConversationView,
  type EmbeddingStatusView,
  type LibrarianMessageView,
  type LibrarianSettingsView,
  type LinkSuggestionsView,
  type SummaryView,
  type TagSuggestionsView,
  type TemplateListView,
} from './librarian-schemas';
import { registeredVaultSchema } from './schemas';
import type { ServerSentEvent } from './event-stream';

export type AskBody = BodyOf<typeof librarianEndpoints.ask>;
export type LibrarianSettingsPatch = BodyOf<typeof librarianEndpoints.updateSettings>;

/**
 * How long a note tool may take: the daemon tries a provider up to three times, each attempt
 * bounded by the assistant's timeout (60 s by default), and shows a structured answer that missed
 * its schema back to the model once.
 */
export const AI_CALL_TIMEOUT_MS = 240_000;

/** How many past conversations the history lists. */
export const HISTORY_LIMIT = 50;

/** The daemon's error code while the librarian has no usable assistant (409). */
export const NOT_CONFIGURED = 'librarian_not_configured';

/** Whether a failed call means "choose the librarian's assistant in the settings". */
export function isNotConfigured(e: unknown): boolean {
  return e instanceof DaemonError && e.body?.error.code === NOT_CONFIGURED;
}

/** An event of the ask stream, checked against the contract; null for an event this plugin does not know. */
export function parseAskEvent(event: ServerSentEvent, baseUrl: string): AskEvent | null {
  if (!(event.event in askEventSchemas)) return null;
  const type = event.event as keyof AskEvents;
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    json = undefined;
  }
  const parsed = askEventSchemas[type].safeParse(json);
  if (!parsed.success) throw new DaemonError({ code: 'bad-response', url: baseUrl, detail: `ask: unexpected ${type} event` });
  return { type, ...parsed.data } as AskEvent;
}

/** The librarian routes of the daemon: settings, asking, past conversations, note tools, templates. */
export class LibrarianApi {
  constructor(private readonly client: DaemonClient) {}

  settings(): Promise<LibrarianSettingsView> {
    return this.client.request('GET', '/api/v1/librarian', librarianSettingsSchema);
  }

  updateSettings(body: LibrarianSettingsPatch): Promise<LibrarianSettingsView> {
    return this.client.request('PATCH', '/api/v1/librarian', librarianSettingsSchema, body);
  }

  /** Semantic search's embedding of the vault's notes: progress and the last error (the only vault, when none is named). */
  embeddings(vault?: string): Promise<EmbeddingStatusView> {
    return this.client.request('GET', `/api/v1/librarian/embeddings${queryString({ vault })}`, embeddingStatusSchema);
  }

  /** Asks; each event of the answer is handed to `onEvent` as it arrives. Aborting `signal` stops the answer. */
  ask(body: AskBody, onEvent: (event: AskEvent) => void, signal?: AbortSignal): Promise<void> {
    return this.client.withTimeout(30_000).stream(
      '/api/v1/librarian/ask',
      body,
      (event) => {
        const parsed = parseAskEvent(event, this.client.baseUrl);
        if (parsed) onEvent(parsed);
      },
      signal,
    );
  }

  async conversations(): Promise<ConversationView[]> {
    return (await this.client.request('GET', `/api/v1/librarian/conversations?limit=${HISTORY_LIMIT}`, conversationListSchema)).items;
  }

  async messages(conversationId: number): Promise<LibrarianMessageView[]> {
    return (await this.client.request('GET', `/api/v1/librarian/conversations/${conversationId}/messages?limit=500`, messageListSchema)).items;
  }

  suggestTags(path: string, vault: string | undefined, signal?: AbortSignal): Promise<TagSuggestionsView> {
    return this.tool('tags', path, vault, tagSuggestionsSchema, signal);
  }

  categorize(path: string, vault: string | undefined, signal?: AbortSignal): Promise<CategorizationView> {
    return this.tool('categorize', path, vault, categorizationSchema, signal);
  }

  summarize(path: string, vault: string | undefined, signal?: AbortSignal): Promise<SummaryView> {
    return this.tool('summarize', path, vault, summarySchema, signal);
  }

  suggestLinks(path: string, vault: string | undefined, signal?: AbortSignal): Promise<LinkSuggestionsView> {
    return this.tool('links', path, vault, linkSuggestionsSchema, signal);
  }

  /** `configDir`: Obsidian's config folder, where the daemon reads Obsidian's template folder when the vault has none of Hisho's. */
  templates(vault: string | undefined, configDir?: string): Promise<TemplateListView> {
    return this.client.request('GET', `/api/v1/templates${queryString({ vault, configDir })}`, templateListSchema);
  }

  /** Sets the vault's template folder (vault-relative), where "New note from template" finds its templates. */
  async setTemplateFolder(vaultId: string, folder: string): Promise<void> {
    await this.client.request('PATCH', `/api/v1/vaults/${encodeURIComponent(vaultId)}`, registeredVaultSchema, { templateFolder: folder });
  }

  private tool<T>(route: string, path: string, vault: string | undefined, schema: z.ZodMiniType<T>, signal?: AbortSignal): Promise<T> {
    return this.client.withTimeout(AI_CALL_TIMEOUT_MS).request('POST', `/api/v1/librarian/${route}`, schema, vault ? { path, vault } : { path }, signal);
  }
}
