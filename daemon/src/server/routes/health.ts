import { Hono } from 'hono';
import { healthEndpoints, type Health } from '../../../../shared/contracts/health';
import type { AppDeps } from '../app';
import { register, type AppEnv } from '../route';

/** A database that does not answer within this long counts as down. */
const PING_TIMEOUT_MS = 1000;

async function databaseUp(deps: AppDeps): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([deps.database.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  register(app, healthEndpoints.get, async (): Promise<Health> => {
    const dbUp = await databaseUp(deps);
    const cacheState = deps.cache.state();
    return {
      status: !dbUp ? 'down' : cacheState === 'ok' ? 'ok' : 'degraded',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      database: { kind: deps.database.kind, state: dbUp ? 'ok' : 'down' },
      cache: { kind: deps.cache.kind, state: cacheState },
    };
  });
  return app;
}
