import type { ConnectionMonitor } from '../../connection';
import { DaemonClient, DaemonError } from '../../daemon/client';
import type { IndexSource } from './index-watch';

/** The daemon's client, or a DaemonError saying why there is none (shown like any failed call). */
export async function daemonClient(monitor: ConnectionMonitor): Promise<DaemonClient> {
  const client = await monitor.client();
  if (client instanceof DaemonClient) return client;
  throw new DaemonError(client);
}

/** The plugin's vault's index state, read from the daemon (see IndexWatch). */
export function daemonIndexSource(monitor: ConnectionMonitor, vault: () => string | undefined): IndexSource {
  return {
    async current(signal) {
      const list = await (await daemonClient(monitor)).vaults(signal);
      const id = vault();
      // The same rule as the daemon's `vault` parameter: without an id, the only vault there is.
      const found = id !== undefined ? list.find((v) => String(v.id) === id) : list.length === 1 ? list[0] : undefined;
      return found?.progress ?? null;
    },
    async *follow(vaultId, signal) {
      yield* (await daemonClient(monitor)).vaultProgress(vaultId, signal);
    },
  };
}
