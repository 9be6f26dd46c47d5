import { DaemonClient, type ConnectionStatus, type DegradedPart, type FetchLike } from './daemon/client';
import { discoverDaemon, type DiscoveryHost, type DiscoveryOverrides } from './daemon/discovery';
import { DATABASE_UNAVAILABLE, type UnreachableReason } from './daemon/reasons';
import type { Translate } from './i18n';

export type DisplayStatus = ConnectionStatus | { state: 'checking' };

export interface ConnectionDeps {
  overrides: () => DiscoveryOverrides;
  host: DiscoveryHost | null;
  fetch: FetchLike;
  timeoutMs?: number;
}

/**
 * The latest connection status, shared by the status bar, the views and the commands. A check
 * asked for while one is running joins it instead of starting another.
 */
export class ConnectionMonitor {
  private current: DisplayStatus = { state: 'checking' };
  private running: Promise<ConnectionStatus> | null = null;
  private readonly listeners = new Set<(status: DisplayStatus) => void>();

  constructor(private readonly deps: ConnectionDeps) {}

  get status(): DisplayStatus {
    return this.current;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (status: DisplayStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  check(): Promise<ConnectionStatus> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** A client for the daemon as currently discovered, or the reason there is none. */
  async client(): Promise<DaemonClient | UnreachableReason> {
    const found = await discoverDaemon(this.deps.overrides(), this.deps.host);
    if (!found.ok) return found.reason;
    return new DaemonClient({ baseUrl: found.url, token: found.token, fetch: this.deps.fetch, timeoutMs: this.deps.timeoutMs });
  }

  private async run(): Promise<ConnectionStatus> {
    const client = await this.client();
    const status: ConnectionStatus =
      client instanceof DaemonClient ? await client.checkConnection() : { state: 'unreachable', reason: client };
    this.current = status;
    for (const listener of this.listeners) listener(status);
    return status;
  }
}

/** The daemon answers but cannot reach its database: it is connected, and retries by itself. */
export function isDatabaseUnavailable(reason: UnreachableReason): boolean {
  return reason.code === 'http-error' && reason.errorCode === DATABASE_UNAVAILABLE;
}

export function describeReason(reason: UnreachableReason, t: Translate): string {
  switch (reason.code) {
    case 'not-running':
    case 'token-missing':
      return t(`reason.${reason.code}`, { path: reason.path });
    case 'discovery-invalid':
      return t('reason.discovery-invalid', { path: reason.path, detail: reason.detail });
    case 'refused':
      return t('reason.refused', { url: reason.url });
    case 'timeout':
      return t('reason.timeout', { url: reason.url, seconds: reason.seconds });
    case 'http-error':
      // The daemon words its errors in English only: this one the person sees in their language.
      if (isDatabaseUnavailable(reason)) return t('reason.database-unavailable');
      return t('reason.http-error', { status: reason.status, message: reason.message });
    case 'bad-response':
      return t('reason.bad-response');
    case 'network':
      return t('reason.network', { detail: reason.detail });
  }
}

export function describeDegraded(parts: readonly DegradedPart[], t: Translate): string {
  // Whole sentences, so each language words them naturally; the templates place them last.
  return parts.map((part) => t(`degraded.${part}`)).join(' ');
}
