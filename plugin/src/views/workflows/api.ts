import type { ConnectionMonitor } from '../../connection';
import { AssistantsApi } from '../../daemon/assistants-client';
import { WorkflowsApi } from '../../daemon/workflows-client';
import { daemonClient } from '../librarian/daemon';
import type { Assignee } from './model';

/** The workflows API of the daemon as currently discovered (a DaemonError when there is none). */
export async function workflowsApi(monitor: ConnectionMonitor): Promise<WorkflowsApi> {
  return new WorkflowsApi(await daemonClient(monitor));
}

/** The assistants a task can be given to (and whose names the tasks and their history show). */
export async function assignees(monitor: ConnectionMonitor): Promise<Assignee[]> {
  return new AssistantsApi(await daemonClient(monitor)).list();
}
