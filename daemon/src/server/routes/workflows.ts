/** Workflows (design §3.4.1) and their task lists; the logic lives in daemon/src/workflows. */
import { Hono } from 'hono';
import { workflowEndpoints } from '../../../../shared/contracts/workflows';
import { listWorkflowSummaries, workflowSummaryOf } from '../../workflows/summary';
import { createTask, listTasks } from '../../workflows/tasks';
import { createWorkflow, findWorkflow, getWorkflow, listWorkflows, removeWorkflow, transitionWorkflow, updateWorkflow, type WorkflowStore } from '../../workflows/workflows';
import { register, type AppEnv } from '../route';

export function workflowRoutes(store: WorkflowStore) {
  const app = new Hono<AppEnv>();
  const { db, summary } = store;

  // Before /workflows/:id, so "summaries" is not read as an id.
  register(app, workflowEndpoints.listSummaries, ({ query }) => listWorkflowSummaries(db, summary, query));
  register(app, workflowEndpoints.list, ({ query }) => listWorkflows(db, query));
  register(app, workflowEndpoints.get, ({ params }) => getWorkflow(db, params.id));
  register(app, workflowEndpoints.create, ({ body }) => createWorkflow(store, body));
  register(app, workflowEndpoints.update, ({ params, body }) => updateWorkflow(store, params.id, body));
  register(app, workflowEndpoints.remove, async ({ params }) => {
    await removeWorkflow(store, params.id);
    return undefined;
  });
  register(app, workflowEndpoints.transition, ({ params, body }) => transitionWorkflow(store, params.id, body));
  register(app, workflowEndpoints.summary, ({ params }) => workflowSummaryOf(db, summary, params.id));
  register(app, workflowEndpoints.listTasks, async ({ params, query }) => {
    await findWorkflow(db, params.id);
    return listTasks(db, { ...query, workflowId: params.id });
  });
  register(app, workflowEndpoints.createTask, ({ params, body }) => createTask(store, params.id, body));
  return app;
}
