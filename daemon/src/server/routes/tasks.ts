/** Tasks (design §3.4.2, §3.4.3): fields, status actions, assignee, dependencies, history. */
import { Hono } from 'hono';
import { taskEndpoints } from '../../../../shared/contracts/workflows';
import { listHistory } from '../../workflows/history';
import { addDependency, assignTask, findTask, getTask, listTasks, removeDependency, removeTask, transitionTask, updateTask } from '../../workflows/tasks';
import type { WorkflowStore } from '../../workflows/workflows';
import { register, type AppEnv } from '../route';

export function taskRoutes(store: WorkflowStore) {
  const app = new Hono<AppEnv>();
  const { db } = store;

  register(app, taskEndpoints.list, ({ query }) => listTasks(db, query));
  register(app, taskEndpoints.get, ({ params }) => getTask(db, params.id));
  register(app, taskEndpoints.update, ({ params, body }) => updateTask(store, params.id, body));
  register(app, taskEndpoints.remove, async ({ params, query }) => {
    await removeTask(store, params.id, query.reason);
    return undefined;
  });
  register(app, taskEndpoints.transition, ({ params, body }) => transitionTask(store, params.id, body));
  register(app, taskEndpoints.assign, ({ params, body }) => assignTask(store, params.id, body));
  register(app, taskEndpoints.addDependency, ({ params, body }) => addDependency(store, params.id, body));
  register(app, taskEndpoints.removeDependency, ({ params, query }) => removeDependency(store, params.id, params.dependsOnTaskId, query.reason));
  register(app, taskEndpoints.history, async ({ params, query }) => {
    await findTask(db, params.id);
    return listHistory(db, params.id, query);
  });
  return app;
}
