import { readDiscovery } from '../discovery';

export type DaemonState =
  | { state: 'running'; url: string; version: string; pid: number }
  | { state: 'stale'; url: string; pid: number; detail: string }
  | { state: 'absent' };

/** Whether the daemon the discovery file describes answers on its health endpoint. */
export async function daemonState(discoveryFile: string, timeoutMs = 2000): Promise<DaemonState> {
  const found = await readDiscovery(discoveryFile);
  if (!found) return { state: 'absent' };
  try {
    const res = await fetch(`${found.url}/api/v1/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { state: 'stale', url: found.url, pid: found.pid, detail: `health answered ${res.status}` };
    const body = (await res.json().catch(() => ({}))) as { version?: unknown };
    return { state: 'running', url: found.url, pid: found.pid, version: typeof body.version === 'string' ? body.version : found.version };
  } catch (e) {
    const detail = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'nothing answers there';
    return { state: 'stale', url: found.url, pid: found.pid, detail };
  }
}
