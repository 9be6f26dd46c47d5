import { Component, FileSystemAdapter, type App } from 'obsidian';
import type { ConnectionMonitor, DisplayStatus } from './connection';
import { DaemonClient } from './daemon/client';
import { isLoopback } from './daemon/loopback';
import type { RegisteredVault } from './daemon/schemas';

/** The vault's folder on this computer, or null where there is none (mobile). */
export function vaultBasePath(app: App): string | null {
  const adapter = app.vault.adapter;
  return adapter instanceof FileSystemAdapter ? adapter.getBasePath() : null;
}

/**
 * Registers this vault with the daemon each time the plugin connects to a (new) local daemon,
 * so a person never types the vault's path; the daemon answers with the existing vault when it
 * already knows the folder. The vault's id then scopes searches when several vaults are registered.
 */
export class VaultRegistration extends Component {
  private vault: RegisteredVault | null = null;
  private registeredWith: string | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly monitor: ConnectionMonitor,
    private readonly basePath: () => string | null,
  ) {
    super();
  }

  override onload(): void {
    const onStatus = (status: DisplayStatus) => {
      if (status.state === 'connected') void this.ensure(status.url);
    };
    this.register(this.monitor.subscribe(onStatus));
    onStatus(this.monitor.status);
  }

  /** The registered vault's id for the daemon's `vault` parameter, once registered. */
  readonly vaultParam = (): string | undefined => (this.vault ? String(this.vault.id) : undefined);

  /** Calls `listener` each time the vault is registered (the daemon starts indexing a new one then); returns the unsubscribe function. */
  onRegistered(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async ensure(url: string): Promise<void> {
    if (this.registeredWith === url || !isLoopback(url)) return;
    const path = this.basePath();
    if (!path) return;
    this.registeredWith = url;
    try {
      const client = await this.monitor.client();
      if (!(client instanceof DaemonClient)) throw new Error('the daemon went away');
      this.vault = await client.registerVault(path);
      for (const listener of this.listeners) listener();
    } catch (e) {
      // Tried again at the next connection; searches still work while one vault is registered.
      this.registeredWith = null;
      console.warn('[Hisho] could not register this vault with the daemon', e);
    }
  }
}
