/** Building workflows and tasks through the HTTP API for the workflow tests. */
import { expect } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { taskSchema, workflowSchema, type TaskApi, type TaskStatus, type WorkflowApi, type WorkflowStatus } from '../../../shared/contracts/workflows';
import { aiAssistants } from '../../src/db/schema';
import type { TestApp } from '../helpers/app';

export const api = (path: string) => `${API_PREFIX}${path}`;

export async function newAssistant(t: TestApp, name: string, isActive = true): Promise<number> {
  const [row] = await t.database.db
    .insert(aiAssistants)
    .values({ name, aiProvider: 'openai_compatible', model: 'llama3', createdBy: t.localUserId, isActive })
    .returning({ id: aiAssistants.id });
  return row!.id;
}

/** Sends a request that must succeed with `status`, and returns its body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ok<T = any>(t: TestApp, method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const res = await t.json<T>(method, api(path), body === undefined ? {} : { body });
  expect(res.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

const WORKFLOW_PATH: Record<WorkflowStatus, string[]> = {
  draft: [],
  active: ['activate'],
  paused: ['activate', 'pause'],
  completed: ['activate', 'complete'],
  cancelled: ['cancel'],
};

export async function newWorkflow(t: TestApp, status: WorkflowStatus = 'active', name = `wf ${status}`): Promise<WorkflowApi> {
  let w = workflowSchema.parse(await ok(t, 'POST', '/workflows', { name }, 201));
  for (const action of WORKFLOW_PATH[status]) w = workflowSchema.parse(await ok(t, 'POST', `/workflows/${w.id}/transition`, { action }));
  expect(w.status).toBe(status);
  return w;
}

/** A task of an active workflow brought to `status` (with or without an assignee). */
export async function newTask(
  t: TestApp,
  workflowId: number,
  status: TaskStatus,
  assistantId: number | null,
  extra: Record<string, unknown> = {},
): Promise<TaskApi> {
  let task = taskSchema.parse(await ok(t, 'POST', `/workflows/${workflowId}/tasks`, { name: `task ${status}`, assignedAssistantId: assistantId, ...extra }, 201));
  const go = async (action: string) => (task = taskSchema.parse(await ok(t, 'POST', `/tasks/${task.id}/transition`, { action })));
  if (status === 'in_progress' || status === 'completed') await go('start');
  if (status === 'completed') await go('complete');
  if (status === 'cancelled') await go('cancel');
  expect(task.status).toBe(status);
  return task;
}

export async function historyOf(t: TestApp, taskId: number) {
  return (await ok(t, 'GET', `/tasks/${taskId}/history`)).items as Array<{ action: string; oldValue: string | null; newValue: string | null; reason: string | null; changedBy: number | null }>;
}
