import { Hono } from 'hono';
import { metricsEndpoints } from '../../../../shared/contracts/metrics';
import { renderMetrics, type HttpMetrics } from '../../ops/metrics';
import type { AppDeps } from '../app';
import { register, type AppEnv } from '../route';

/** GET /api/v1/metrics: Prometheus text (the contract's contentType); needs the token like every route. */
export function metricsRoutes(deps: AppDeps, http: HttpMetrics) {
  const app = new Hono<AppEnv>();
  register(app, metricsEndpoints.get, () =>
    renderMetrics({ database: deps.database, cache: deps.cache, http, ops: deps.metrics?.ops, startedAt: deps.startedAt, version: deps.version }),
  );
  return app;
}
