import type * as z from 'zod/mini';
import type { ErrorBody } from '../../../shared/contracts/common';
import type { Health } from '../../../shared/contracts/health';
import type { FoldersResponse, RelatedResponse, TagsResponse } from '../../../shared/contracts/search';
import type { IndexProgress } from '../../../shared/contracts/vaults';
import { EventStreamParser, readEventStream, type ServerSentEvent } from './event-stream';
import { foldersResponseSchema, progressEventSchema, vaultListSchema, type ListedVault } from './index-schemas';
import type { Language } from '../../../shared/i18n';
import type { UnreachableReason } from './reasons';
import {
  errorBodySchema,
  healthSchema,
  languagePreferenceSchema,
  registeredVaultSchema,
  relatedResponseSchema,
  searchResponseSchema,
  tagsResponseSchema,
  type RegisteredVault,
  type SearchPageResponse,
} from './schemas';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type DegradedPart = 'database' | 'cache';

export type ConnectionStatus =
  | { state: 'connected'; url: string; version: string; degraded?: DegradedPart[] }
  | { state: 'unreachable'; reason: UnreachableReason }
  | { state: 'unauthorized'; url: string };

export interface DaemonClientOptions {
  /** e.g. http://127.0.0.1:48765, without /api/v1. */
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** GET /api/v1/search parameters (shared/contracts/search.ts); empty strings are left out. */
export interface SearchParams {
  q?: string;
  limit?: number;
  offset?: number;
  vault?: string;
  tag?: string;
  folder?: string;
  since?: string;
}

/** A query string from defined, non-empty values, in a stable order. */
export function queryString(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const text = String(value).trim();
    if (text !== '') search.set(key, text);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Whether a call ended because its caller aborted it (a newer search replaced it), not because it failed. */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/**
 * A small authenticated GET: health needs no token, so this tells whether the token is accepted
 * (401 if not). Its other answers do not matter here.
 */
const AUTH_PROBE_PATH = '/api/v1/preferences';

/** A failed call, already classified for the UI. */
export class DaemonError extends Error {
  constructor(
    readonly reason: UnreachableReason | { code: 'unauthorized'; url: string },
    readonly body?: ErrorBody,
  ) {
    super('message' in reason ? reason.message : reason.code);
    this.name = 'DaemonError';
  }
}

function causeCode(e: unknown): string | undefined {
  const cause: unknown = e instanceof Error ? e.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

/** A small typed client for the daemon's JSON API. */
export class DaemonClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: DaemonClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The same daemon, with another timeout (for calls that wait on an AI provider). */
  withTimeout(timeoutMs: number): DaemonClient {
    return new DaemonClient({ ...this.options, timeoutMs });
  }

  /** GET /api/v1/health (no token needed). A 503 that carries a health body is still an answer. */
  async health(): Promise<Health> {
    const { response, json } = await this.send('GET', '/api/v1/health', false);
    const parsed = healthSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    if (!response.ok) throw this.httpError(response, json);
    throw new DaemonError({ code: 'bad-response', url: this.baseUrl, detail: 'health: unexpected shape' });
  }

  /**
   * Calls an authenticated route and parses its answer with `schema`. Aborting `signal` rejects
   * with an AbortError (see isAbort), never with a DaemonError.
   */
  async request<T>(method: string, path: string, schema: z.ZodMiniType<T>, body?: unknown, signal?: AbortSignal): Promise<T> {
    const { response, json } = await this.send(method, path, true, body, signal);
    if (!response.ok) throw this.httpError(response, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DaemonError({ code: 'bad-response', url: this.baseUrl, detail: `${method} ${path}: unexpected shape` });
    return parsed.data;
  }

  search(params: SearchParams, signal?: AbortSignal): Promise<SearchPageResponse> {
    return this.request('GET', `/api/v1/search${queryString({ ...params })}`, searchResponseSchema, undefined, signal);
  }

  /** Notes related to `path` (vault-relative, with its extension). */
  related(path: string, vault: string | undefined, signal?: AbortSignal): Promise<RelatedResponse> {
    return this.request('GET', `/api/v1/notes/related${queryString({ path, vault, limit: 12 })}`, relatedResponseSchema, undefined, signal);
  }

  tags(vault: string | undefined, signal?: AbortSignal): Promise<TagsResponse> {
    return this.request('GET', `/api/v1/tags${queryString({ vault })}`, tagsResponseSchema, undefined, signal);
  }

  /** The vault's folders with their note counts (for the folder filter). */
  folders(vault: string | undefined, signal?: AbortSignal): Promise<FoldersResponse> {
    return this.request('GET', `/api/v1/folders${queryString({ vault })}`, foldersResponseSchema, undefined, signal);
  }

  /** The registered vaults with their index status and progress. */
  async vaults(signal?: AbortSignal): Promise<ListedVault[]> {
    return (await this.request('GET', '/api/v1/vaults', vaultListSchema, undefined, signal)).items;
  }

  /**
   * A vault's index progress as the daemon publishes it (its current state first), until the
   * stream ends or `signal` aborts. Other events (per-file errors) are skipped.
   */
  async *vaultProgress(vaultId: number, signal: AbortSignal): AsyncGenerator<IndexProgress> {
    try {
      for await (const message of await this.openEvents(`/api/v1/vaults/${vaultId}/events`, signal)) {
        if (message.event !== 'progress') continue;
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          continue;
        }
        const parsed = progressEventSchema.safeParse(data);
        if (parsed.success) yield parsed.data.progress;
      }
    } catch (e) {
      if (signal.aborted) return; // the caller stopped listening: not a failure
      throw e;
    }
  }

  /** Registers a vault folder; the daemon answers with the existing vault when it knows the folder. */
  registerVault(path: string): Promise<RegisteredVault> {
    return this.request('POST', '/api/v1/vaults', registeredVaultSchema, { path });
  }

  /** The person's language in the daemon's preferences (the language of AI answers, failure sentences and notes). */
  async language(): Promise<Language> {
    return (await this.request('GET', '/api/v1/preferences', languagePreferenceSchema)).language;
  }

  async setLanguage(language: Language): Promise<void> {
    await this.request('PATCH', '/api/v1/preferences', languagePreferenceSchema, { language });
  }

  /** Health, then whether the token is accepted. Never throws. */
  async checkConnection(): Promise<ConnectionStatus> {
    try {
      const health = await this.health();
      const { response } = await this.send('GET', AUTH_PROBE_PATH, true);
      if (response.status === 401 || response.status === 403) return { state: 'unauthorized', url: this.baseUrl };
      const degraded: DegradedPart[] = [];
      if (health.database.state === 'down') degraded.push('database');
      if (health.cache.state === 'down') degraded.push('cache');
      const status: ConnectionStatus = { state: 'connected', url: this.baseUrl, version: health.version };
      if (health.status !== 'ok' || degraded.length > 0) status.degraded = degraded;
      return status;
    } catch (e) {
      if (e instanceof DaemonError) {
        if (e.reason.code === 'unauthorized') return { state: 'unauthorized', url: this.baseUrl };
        return { state: 'unreachable', reason: e.reason };
      }
      return { state: 'unreachable', reason: { code: 'network', url: this.baseUrl, detail: String(e) } };
    }
  }

  private httpError(response: Response, json: unknown): DaemonError {
    if (response.status === 401) return new DaemonError({ code: 'unauthorized', url: this.baseUrl });
    const body = errorBodySchema.safeParse(json);
    const message = body.success ? body.data.error.message : response.statusText || 'HTTP error';
    const reason: UnreachableReason = { code: 'http-error', url: this.baseUrl, status: response.status, message };
    if (body.success) {
      reason.errorCode = body.data.error.code;
      reason.requestId = body.data.error.requestId;
    }
    return new DaemonError(reason, body.success ? body.data : undefined);
  }

  /** One request with a timeout (AbortSignal.timeout); the body is read inside the timeout too. */
  private async send(method: string, path: string, auth: boolean, body?: unknown, caller?: AbortSignal): Promise<{ response: Response; json: unknown }> {
    // Aborts the request and the reading of its body alike.
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = caller ? AbortSignal.any([timeout, caller]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.options.fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      return { response, json: await this.bodyOf(response) };
    } catch (e) {
      throw this.failure(e, caller, signal.aborted, this.timeoutMs);
    }
  }

  /** The JSON body of an answer that is not an event stream (an error, as a rule), or undefined. */
  private async bodyOf(response: Response): Promise<unknown> {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Opens a Server-Sent Events stream (GET). The timeout covers the wait for the answer's headers
   * only: the events then arrive for as long as the stream lasts, until the daemon ends it or
   * `signal` aborts. A refused request throws a DaemonError, as request() does.
   */
  async openEvents(path: string, signal: AbortSignal): Promise<AsyncGenerator<ServerSentEvent>> {
    const connect = new AbortController();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const onTimeout = () => connect.abort();
    timeout.addEventListener('abort', onTimeout);
    const aborted = AbortSignal.any([connect.signal, signal]);
    try {
      const response = await this.options.fetch(this.baseUrl + path, {
        method: 'GET',
        headers: { accept: 'text/event-stream', authorization: `Bearer ${this.options.token}` },
        signal: aborted,
      });
      if (!response.ok || !response.body) throw this.httpError(response, await this.bodyOf(response));
      return readEventStream(response.body);
    } catch (e) {
      if (e instanceof DaemonError) throw e;
      throw this.failure(e, signal, connect.signal.aborted, this.timeoutMs);
    } finally {
      timeout.removeEventListener('abort', onTimeout);
    }
  }

  /**
   * POSTs `body` to a Server-Sent Events route and calls `onEvent` for each event until the stream
   * ends. The daemon must answer within the client's timeout and then never stay silent for
   * `idleMs` (it sends a heartbeat every 15 s). An error answer (4xx, 5xx) throws a DaemonError
   * before any event; aborting `signal` rejects with an AbortError.
   */
  async stream(path: string, body: unknown, onEvent: (event: ServerSentEvent) => void, signal?: AbortSignal, idleMs = 60_000): Promise<void> {
    const controller = new AbortController();
    const cancel = () => controller.abort();
    signal?.addEventListener('abort', cancel);
    let timedOutAfter = 0;
    // A fresh timer per wait (AbortSignal.timeout needs no window, so this runs in tests too).
    const watch = (ms: number) => {
      const timer = AbortSignal.timeout(ms);
      const fire = () => {
        timedOutAfter = ms;
        controller.abort();
      };
      timer.addEventListener('abort', fire);
      return () => timer.removeEventListener('abort', fire);
    };
    try {
      if (signal?.aborted) cancel();
      let stopWatching = watch(this.timeoutMs);
      const response = await this.options.fetch(this.baseUrl + path, {
        method: 'POST',
        headers: { accept: 'text/event-stream', authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const json = await this.bodyOf(response);
        stopWatching();
        if (!response.ok) throw this.httpError(response, json);
        throw new DaemonError({ code: 'bad-response', url: this.baseUrl, detail: `POST ${path}: no event stream` });
      }
      stopWatching();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = new EventStreamParser();
      for (;;) {
        stopWatching = watch(idleMs);
        const { done, value } = await reader.read().finally(stopWatching);
        if (done) break;
        for (const event of parser.push(decoder.decode(value, { stream: true }))) onEvent(event);
      }
    } catch (e) {
      if (e instanceof DaemonError) throw e;
      throw this.failure(e, signal, timedOutAfter > 0, timedOutAfter);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** A failed fetch as the UI words it: aborted by the caller, timed out, refused, or another network failure. */
  private failure(e: unknown, caller: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): Error {
    if (caller?.aborted) return new DOMException('The request was replaced by a newer one', 'AbortError');
    if (timedOut) return new DaemonError({ code: 'timeout', url: this.baseUrl, seconds: Math.round(timeoutMs / 100) / 10 });
    const code = causeCode(e);
    // Browsers (Obsidian included) say only "Failed to fetch"; Node names the cause.
    if (code === 'ECONNREFUSED' || (e instanceof TypeError && code === undefined)) {
      return new DaemonError({ code: 'refused', url: this.baseUrl });
    }
    return new DaemonError({ code: 'network', url: this.baseUrl, detail: code ?? String(e) });
  }
}
