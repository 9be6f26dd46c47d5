/**
 * Server-Sent Events for every stream of the API (index progress now; discussion turns, librarian
 * answers and notifications later).
 *
 *   return sse(c, (send) => {
 *     const off = source.on((e) => void send(e.type, e));
 *     return off;                      // called when the stream ends, whatever the reason
 *   });
 *
 * Each event gets an increasing `id:`; a comment line (": heartbeat") every 15 s keeps proxies and
 * the client's idle timers from cutting a quiet stream. The stream ends when the client goes away,
 * when the handler calls close(), or when the daemon shuts down (closeAllSse()).
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

export const SSE_HEARTBEAT_MS = 15_000;

export type SseSend = (event: string, data: unknown) => Promise<void>;

export interface SseOptions {
  heartbeatMs?: number;
}

const open = new Set<() => void>();

/** Ends every open stream (daemon shutdown), so the HTTP server can close at once. */
export function closeAllSse(): void {
  for (const close of [...open]) close();
}

export function openSseCount(): number {
  return open.size;
}

export function sse(
  c: Context,
  start: (send: SseSend, close: () => void) => (() => void) | void | Promise<(() => void) | void>,
  options: SseOptions = {},
): Response {
  c.header('Cache-Control', 'no-cache, no-transform');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    let nextId = 1;
    let ended = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const close = () => {
      if (ended) return;
      ended = true;
      finish();
    };
    open.add(close);
    stream.onAbort(close);
    const send: SseSend = async (event, data) => {
      if (ended || stream.aborted || stream.closed) return;
      try {
        await stream.writeSSE({ event, data: JSON.stringify(data), id: String(nextId++) });
      } catch {
        close();
      }
    };
    const heartbeat = setInterval(() => {
      if (ended) return;
      stream.write(': heartbeat\n\n').catch(() => close());
    }, options.heartbeatMs ?? SSE_HEARTBEAT_MS);
    heartbeat.unref?.();
    let cleanup: (() => void) | void = undefined;
    try {
      cleanup = await start(send, close);
      await done;
    } finally {
      clearInterval(heartbeat);
      open.delete(close);
      try {
        cleanup?.();
      } catch {
        // The stream is over either way.
      }
    }
  });
}
