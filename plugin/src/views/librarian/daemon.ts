import type { ConnectionMonitor } from '../../connection';
import { DaemonClient, DaemonError } from '../../daemon/client';

/** The daemon's client, or a DaemonError saying why there is none (shown like any failed call). */
export async function daemonClient(monitor: ConnectionMonitor): Promise<DaemonClient> {
  const client = await monitor.client();
  if (client instanceof DaemonClient) return client;
  throw new DaemonError(client);
}
