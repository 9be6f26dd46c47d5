import type { MiddlewareHandler } from 'hono';
import type { Log } from '../log';
import type { AppEnv } from './route';

/**
 * One log line per request: method, route pattern, path (never the query string: it may hold
 * search text or a token), status, duration and request id. Health polls are logged at debug.
 */
export function requestLog(log: Log): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const path = c.req.path;
      // 503 is something the daemon needs being away (its database), not a fault of the daemon: the
      // error handler logs that once per outage, an error line per request would bury the log.
      const level = status >= 500 && status !== 503 ? 'error' : path.endsWith('/health') ? 'debug' : 'info';
      log(level, 'request', {
        method: c.req.method,
        route: c.req.routePath,
        path,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        requestId: c.get('requestId'),
      });
    }
  };
}
