import { z } from 'zod';
import { endpoint } from './endpoint';

/** Prometheus text exposition format 0.0.4 (not JSON): scrape it with the bearer token. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const metricsEndpoints = {
  get: endpoint({
    method: 'get',
    path: '/metrics',
    tag: 'system',
    summary: 'Metrics in the Prometheus text format: requests, latency, cache hit rate, database and table sizes, index lag, process',
    response: z.string(),
    contentType: METRICS_CONTENT_TYPE,
  }),
};
