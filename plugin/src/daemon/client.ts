import type * as z from 'zod/mini';
import type { ErrorBody } from '../../../shared/contracts/common';
import type { Health } from '../../../shared/contracts/health';
import type { UnreachableReason } from './reasons';
import { errorBodySchema, healthSchema } from './schemas';

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

  /** GET /api/v1/health (no token needed). A 503 that carries a health body is still an answer. */
  async health(): Promise<Health> {
    const { response, json } = await this.send('GET', '/api/v1/health', false);
    const parsed = healthSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    if (!response.ok) throw this.httpError(response, json);
    throw new DaemonError({ code: 'bad-response', url: this.baseUrl, detail: 'health: unexpected shape' });
  }

  /** Calls an authenticated route and parses its answer with `schema`. */
  async request<T>(method: string, path: string, schema: z.ZodMiniType<T>, body?: unknown): Promise<T> {
    const { response, json } = await this.send(method, path, true, body);
    if (!response.ok) throw this.httpError(response, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DaemonError({ code: 'bad-response', url: this.baseUrl, detail: `${method} ${path}: unexpected shape` });
    return parsed.data;
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
    if (body.success) reason.requestId = body.data.error.requestId;
    return new DaemonError(reason, body.success ? body.data : undefined);
  }

  /** One request with a timeout (AbortSignal.timeout); the body is read inside the timeout too. */
  private async send(method: string, path: string, auth: boolean, body?: unknown): Promise<{ response: Response; json: unknown }> {
    // Aborts the request and the reading of its body alike.
    const signal = AbortSignal.timeout(this.timeoutMs);
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
      const text = await response.text();
      let json: unknown = undefined;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      return { response, json };
    } catch (e) {
      if (signal.aborted) {
        throw new DaemonError({ code: 'timeout', url: this.baseUrl, seconds: Math.round(this.timeoutMs / 100) / 10 });
      }
      const code = causeCode(e);
      // Browsers (Obsidian included) say only "Failed to fetch"; Node names the cause.
      if (code === 'ECONNREFUSED' || (e instanceof TypeError && code === undefined)) {
        throw new DaemonError({ code: 'refused', url: this.baseUrl });
      }
      throw new DaemonError({ code: 'network', url: this.baseUrl, detail: code ?? String(e) });
    }
  }
}
