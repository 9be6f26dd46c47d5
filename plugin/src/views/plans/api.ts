import type { ConnectionMonitor } from '../../connection';
import { PlansApi } from '../../daemon/plans-client';
import { daemonClient } from '../librarian/daemon';

/** The plans API of the daemon as currently discovered (a DaemonError when there is none). */
export async function plansApi(monitor: ConnectionMonitor): Promise<PlansApi> {
  return new PlansApi(await daemonClient(monitor));
}
