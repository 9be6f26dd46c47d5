import { Hono } from 'hono';
import { systemEndpoints } from '../../../../shared/contracts';
import type { AppDeps } from '../app';
import { buildOpenApi } from '../openapi';
import { register, type AppEnv } from '../route';

export function systemRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  let document: Record<string, unknown> | undefined;
  register(app, systemEndpoints.openapi, () => (document ??= buildOpenApi(deps.version)));
  return app;
}
