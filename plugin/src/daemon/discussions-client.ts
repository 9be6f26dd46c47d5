import type { BodyOf } from '../../../shared/contracts/endpoint';
import type { Discussion, DiscussionEvent, DiscussionMessage, Interruption, LiveState, discussionEndpoints } from '../../../shared/contracts/discussions';
import { DaemonError, queryString, type DaemonClient } from './client';
import {
  assistantOptionListSchema,
  discussionEventSchemas,
  discussionListSchema,
  discussionNoteFileSchema,
  discussionSchema,
  interruptionListSchema,
  interruptionResultSchema,
  liveStateSchema,
  messageListSchema,
  personaInfoListSchema,
  type AssistantOption,
  type DiscussionNoteFile,
  type InterruptionResult,
  type PersonaInfo,
} from './discussion-schemas';

export type DiscussionCreateBody = BodyOf<typeof discussionEndpoints.create>;
export type InterruptionBody = BodyOf<typeof discussionEndpoints.interrupt>;

/** The daemon's largest page (shared/contracts/list.ts). */
const PAGE_LIMIT = 500;

/** The discussion routes of the daemon (shared/contracts/discussions.ts), as the Discussions pane uses them. */
export class DiscussionsApi {
  constructor(private readonly client: DaemonClient) {}

  /** The newest discussions first. */
  async list(limit = 50): Promise<Discussion[]> {
    return (await this.client.request('GET', `/api/v1/discussions${queryString({ limit })}`, discussionListSchema)).items;
  }

  get(id: number): Promise<Discussion> {
    return this.client.request('GET', `/api/v1/discussions/${id}`, discussionSchema);
  }

  /** Creates the discussion and starts it; a body the daemon refuses throws a DaemonError carrying its issues. */
  create(body: DiscussionCreateBody): Promise<Discussion> {
    return this.client.request('POST', '/api/v1/discussions', discussionSchema, body);
  }

  /** The transcript, oldest first: every message, or those after `afterId` (catching up after a reconnect). */
  async messages(id: number, afterId?: number): Promise<DiscussionMessage[]> {
    const all: DiscussionMessage[] = [];
    for (let after = afterId; ; ) {
      const page = await this.client.request('GET', `/api/v1/discussions/${id}/messages${queryString({ limit: PAGE_LIMIT, afterId: after })}`, messageListSchema);
      all.push(...page.items);
      const last = page.items[page.items.length - 1];
      if (page.items.length < PAGE_LIMIT || !last) return all;
      after = last.id;
    }
  }

  async interruptions(id: number): Promise<Interruption[]> {
    return (await this.client.request('GET', `/api/v1/discussions/${id}/interruptions${queryString({ limit: PAGE_LIMIT })}`, interruptionListSchema)).items;
  }

  /** Pause, resume, redirect, clarify or terminate; one not allowed now throws a DaemonError with status 409. */
  interrupt(id: number, body: InterruptionBody): Promise<InterruptionResult> {
    return this.client.request('POST', `/api/v1/discussions/${id}/interruptions`, interruptionResultSchema, body);
  }

  state(id: number): Promise<LiveState> {
    return this.client.request('GET', `/api/v1/discussions/${id}/state`, liveStateSchema);
  }

  /** The discussion as a Markdown note, worded in `language`. */
  note(id: number, language: 'en' | 'ja'): Promise<DiscussionNoteFile> {
    return this.client.request('GET', `/api/v1/discussions/${id}/note${queryString({ language })}`, discussionNoteFileSchema);
  }

  /** The active assistants, who can take part. */
  async assistants(): Promise<AssistantOption[]> {
    return (await this.client.request('GET', `/api/v1/assistants${queryString({ active: 'true', limit: PAGE_LIMIT })}`, assistantOptionListSchema)).items;
  }

  async personas(): Promise<PersonaInfo[]> {
    return (await this.client.request('GET', `/api/v1/personas${queryString({ limit: PAGE_LIMIT })}`, personaInfoListSchema)).items;
  }

  /**
   * The discussion's live events, each checked against the contract, until the daemon ends the
   * stream or `signal` aborts. Events of names this plugin does not know are skipped (a newer daemon).
   */
  async *events(id: number, signal: AbortSignal): AsyncGenerator<DiscussionEvent> {
    const stream = await this.client.openEvents(`/api/v1/discussions/${id}/events`, signal);
    for await (const { event, data } of stream) {
      if (!isEventName(event)) continue;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
      const parsed = discussionEventSchemas[event].safeParse(json);
      if (!parsed.success) throw new DaemonError({ code: 'bad-response', url: this.client.baseUrl, detail: `discussion event ${event}: unexpected shape` });
      yield { event, data: parsed.data } as DiscussionEvent;
    }
  }
}

function isEventName(name: string): name is DiscussionEvent['event'] {
  return Object.hasOwn(discussionEventSchemas, name);
}
