import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { API_PREFIX } from '../../../shared/contracts';
import { defaultModelFactory, type ModelFactory } from '../ai/assistants';
import type { SecretBox } from '../ai/secrets';
import type { CacheStore } from '../cache/store';
import type { Database } from '../db/database';
import { DiscussionEngine } from '../discussions/engine';
import type { Log } from '../log';
import type { Embedder } from '../librarian/embedder';
import { VectorCache } from '../librarian/vectors';
import type { VaultService } from '../vault/service';
import { workflowSummaryRefresher, type SummaryRefresher } from '../workflows/summary-refresher';
import { HttpMetrics, type OpsMetrics } from '../ops/metrics';
import { ApiError, errorBody, handleError } from './errors';
import { requestLog } from './request-log';
import type { AppEnv } from './route';
import { assistantRoutes } from './routes/assistants';
import { conversationRoutes } from './routes/conversations';
import { discussionRoutes } from './routes/discussions';
import { healthRoutes } from './routes/health';
import { librarianRoutes } from './routes/librarian';
import { metricsRoutes } from './routes/metrics';
import { personaRoutes } from './routes/personas';
import { planRoutes } from './routes/plans';
import { preferenceRoutes } from './routes/preferences';
import { roleRoutes } from './routes/roles';
import { searchRoutes } from './routes/search';
import { taskRoutes } from './routes/tasks';
import { systemRoutes } from './routes/system';
import { teamRoutes } from './routes/teams';
import { vaultRoutes } from './routes/vaults';
import { workflowRoutes } from './routes/workflows';
import { obsidianCors, requireLoopbackHost, requireToken } from './security';

/** Bodies larger than this are refused with 413 before they are read. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps {
  database: Database;
  cache: CacheStore;
  /** The bearer token every non-public route requires. */
  token: string;
  /** The port the daemon listens on (known only after listen when 0 was asked). */
  port: () => number;
  version: string;
  startedAt: number;
  localUserId: number;
  log: Log;
  /** The vault registry and indexers (started by the daemon); without it vaults are stored but not indexed. */
  vaults?: VaultService;
  /** Request metrics and the times of maintenance/backup runs (GET /api/v1/metrics); created if absent. */
  metrics?: { http?: HttpMetrics; ops?: OpsMetrics };
  /** Encrypts provider API keys at rest (HISHO_HOME/secret.key); without it keys cannot be stored or read. */
  secrets?: SecretBox;
  /** Builds an assistant's model; defaults to the real providers (tests inject a scripted model). */
  models?: ModelFactory;
  /** Refreshes workflow_summary after workflow and task changes (coalesced); created if absent. The owner closes it at shutdown. */
  workflowSummary?: SummaryRefresher;
  /** Embeds the notes for semantic search in the background (started and stopped by the daemon); without it only vectors already stored are searched. */
  embedder?: Embedder;
  /** Runs AI discussions; the daemon passes its own (recovered at start, stopped at shutdown, built with the embedder's vectors); created if absent. */
  discussions?: DiscussionEngine;
}

const PUBLIC_ROUTES = new Set([`GET ${API_PREFIX}/health`, `HEAD ${API_PREFIX}/health`]);

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const httpMetrics = deps.metrics?.http ?? new HttpMetrics();
  app.use('*', httpMetrics.middleware()); // first: every request is counted, refused ones too

  // Order matters: every request gets an id, then the Host and Origin checks run before
  // authentication so that a rebinding page learns nothing, not even whether a token works.
  app.use('*', requestId({ headerName: 'X-Request-Id', generator: () => crypto.randomUUID() }));
  app.use('*', requestLog(deps.log));
  app.use('*', requireLoopbackHost(deps.port));
  app.use('*', obsidianCors());
  app.use('*', requireToken(() => deps.token, (method, path) => PUBLIC_ROUTES.has(`${method} ${path}`)));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
      },
    }),
  );

  const api = new Hono<AppEnv>();
  api.route('/', healthRoutes(deps));
  api.route('/', systemRoutes(deps));
  api.route('/', metricsRoutes(deps, httpMetrics));
  api.route('/', preferenceRoutes(deps));
  api.route('/', roleRoutes(deps));
  api.route('/', personaRoutes(deps));
  api.route('/', teamRoutes(deps));
  api.route('/', assistantRoutes(deps));
  api.route('/', conversationRoutes(deps));
  // The embedder drops these vectors when it writes; without one, only what is stored is read (once).
  const vectors = deps.embedder?.vectors ?? new VectorCache(deps.database.db);
  const discussions =
    deps.discussions ??
    new DiscussionEngine({ db: deps.database.db, cache: deps.cache, models: deps.models ?? defaultModelFactory(deps.log), secrets: deps.secrets, vectors, log: deps.log, localUserId: deps.localUserId });
  api.route('/', discussionRoutes(deps, discussions));
  api.route('/', vaultRoutes(deps));
  api.route('/', searchRoutes(deps));
  const workflowSummary =
    deps.workflowSummary ?? workflowSummaryRefresher(deps.database.db, (e) => deps.log('warn', 'workflow_summary refresh failed', { error: String(e) }));
  const workflowStore = { db: deps.database.db, userId: deps.localUserId, summary: workflowSummary };
  api.route('/', workflowRoutes(workflowStore));
  api.route('/', taskRoutes(workflowStore));
  api.route('/', planRoutes(deps, workflowSummary));
  api.route('/', librarianRoutes(deps, vectors));
  app.route(API_PREFIX, api);

  app.notFound((c) => c.json(errorBody(c, 'not_found', `No route ${c.req.method} ${c.req.path}; see ${API_PREFIX}/openapi.json`), 404));
  app.onError(handleError(deps.log));
  return app;
}
