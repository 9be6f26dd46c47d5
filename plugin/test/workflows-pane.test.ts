/**
 * The workflow view's logic without Obsidian: the buttons each state gives (from the daemon's own
 * state machines, as it reports `allowedActions`), the task editor's mapping to requests (checked
 * with the contract's zod schema), the assignee choices, the dependency choices and the cycle told
 * by names, a task's history as lines, and the approve form's workflow question.
 */
import { describe, expect, it } from 'vitest';
import { allowedTaskActions } from '../../daemon/src/workflows/task-transitions';
import { allowedWorkflowActions } from '../../daemon/src/workflows/workflow-transitions';
import { planApproveSchema } from '../../shared/contracts/plans';
import { TASK_STATUSES, WORKFLOW_STATUSES, taskUpdateSchema, type TaskStatus } from '../../shared/contracts/workflows';
import { MESSAGES } from '../../shared/i18n';
import type { TaskHistoryView, TaskView } from '../src/daemon/workflows-schemas';
import { I18n } from '../src/i18n';
import { decisionRequest, emptyDecision } from '../src/views/plans/decision';
import {
  assigneeChoices,
  dependencyCandidates,
  describeCycle,
  dueDay,
  historyLines,
  taskButtons,
  taskChanges,
  taskForm,
  workflowButtons,
  type Assignee,
} from '../src/views/workflows/model';

const en = new I18n(() => 'en');
const ja = new I18n(() => 'ja');
ja.apply('ja');

function task(overrides: Partial<TaskView> = {}): TaskView {
  const status: TaskStatus = overrides.status ?? 'assigned';
  const assignedAssistantId = overrides.assignedAssistantId === undefined ? 1 : overrides.assignedAssistantId;
  return {
    id: 10,
    workflowId: 3,
    name: 'ベータ版',
    description: null,
    status,
    priority: 'medium',
    assignedAssistantId,
    estimatedHours: null,
    actualHours: null,
    dependencies: [],
    dueDate: '2025-02-20T00:00:00.000Z',
    allowedActions: allowedTaskActions({ status, assigned: assignedAssistantId !== null }),
    updatedAt: '2025-02-01T00:00:00.123456Z',
    ...overrides,
  };
}

const people: Assignee[] = [
  { id: 1, name: '計画係', isActive: true },
  { id: 2, name: '休止中', isActive: false },
  { id: 3, name: '調査係', isActive: true },
];

describe('taskButtons', () => {
  it('offers start, complete and cancel exactly where the daemon allows them, in that order', () => {
    const shown = Object.fromEntries(
      TASK_STATUSES.flatMap((status) =>
        [true, false].map((assigned) => [`${status}${assigned ? '+' : ''}`, taskButtons(allowedTaskActions({ status, assigned }))]),
      ),
    );
    expect(shown).toEqual({
      'pending+': ['start', 'cancel'],
      pending: ['start', 'cancel'],
      'assigned+': ['start', 'cancel'],
      assigned: ['start', 'cancel'],
      'in_progress+': ['complete', 'cancel'],
      in_progress: ['complete', 'cancel'],
      'completed+': [],
      completed: [],
      'cancelled+': [],
      cancelled: [],
    });
  });
});

describe('workflowButtons', () => {
  it('offers each status its transitions, the forward step as the call to action', () => {
    const shown = Object.fromEntries(WORKFLOW_STATUSES.map((s) => [s, workflowButtons(allowedWorkflowActions(s)).map((b) => (b.primary ? `*${b.action}` : b.action))]));
    expect(shown).toEqual({
      draft: ['*activate', 'cancel'],
      active: ['*complete', 'pause', 'cancel'],
      paused: ['*resume', 'cancel'],
      completed: [],
      cancelled: [],
    });
  });
});

describe('dueDay', () => {
  it('keeps a stored date as that date and reads other instants in the local day', () => {
    expect(dueDay(null)).toBe('');
    expect(dueDay('2025-02-20T00:00:00.000Z')).toBe('2025-02-20');
    expect(dueDay('2025-02-20T00:00:00Z')).toBe('2025-02-20');
    const instant = '2025-02-20T15:30:00.000Z';
    const local = new Date(instant);
    expect(dueDay(instant)).toBe(`${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`);
  });
});

describe('taskChanges', () => {
  /** The PATCH body as the client sends it must pass the contract. */
  const valid = (body: object) => expect(taskUpdateSchema.safeParse({ ...body, expectedUpdatedAt: 'x' }).success).toBe(true);

  it('sends nothing when nothing was changed', () => {
    const t = task({ estimatedHours: 4, actualHours: 1.5 });
    expect(taskForm(t)).toEqual({ assistantId: '1', dueDate: '2025-02-20', estimatedHours: '4', actualHours: '1.5' });
    expect(taskChanges({ ...taskForm(t), estimatedHours: ' 4.0 ' }, t)).toEqual({ changes: { fields: null, assignee: null } });
  });

  it('sends only the changed fields, blanks as null', () => {
    const t = task({ estimatedHours: 4 });
    const result = taskChanges({ assistantId: '1', dueDate: '2025-03-01', estimatedHours: '', actualHours: '2.25' }, t);
    expect(result).toEqual({ changes: { fields: { dueDate: '2025-03-01', estimatedHours: null, actualHours: 2.25 }, assignee: null } });
    if (!('changes' in result)) throw new Error('expected changes');
    valid(result.changes.fields!);
    expect(taskChanges({ ...taskForm(t), dueDate: '' }, t)).toEqual({ changes: { fields: { dueDate: null }, assignee: null } });
  });

  it('maps the assignee select to assign and unassign', () => {
    const t = task();
    expect(taskChanges({ ...taskForm(t), assistantId: '3' }, t)).toEqual({ changes: { fields: null, assignee: { assistantId: 3 } } });
    expect(taskChanges({ ...taskForm(t), assistantId: '' }, t)).toEqual({ changes: { fields: null, assignee: { assistantId: null } } });
    const pending = task({ status: 'pending', assignedAssistantId: null });
    expect(taskChanges({ ...taskForm(pending), assistantId: '1' }, pending)).toEqual({ changes: { fields: null, assignee: { assistantId: 1 } } });
  });

  it('names the hours that are not numbers and sends nothing', () => {
    const t = task();
    expect(taskChanges({ ...taskForm(t), estimatedHours: '三時間', actualHours: '1,5', dueDate: '2025-04-01' }, t)).toEqual({ invalid: ['estimatedHours', 'actualHours'] });
  });

  it('leaves range and precision to the daemon, whose contract refuses them by name', () => {
    const t = task();
    const result = taskChanges({ ...taskForm(t), estimatedHours: '1.234' }, t);
    expect(result).toEqual({ changes: { fields: { estimatedHours: 1.234 }, assignee: null } });
    const refused = taskUpdateSchema.safeParse({ estimatedHours: 1.234 });
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['estimatedHours', 'estimatedHours must have at most two decimals']]);
  });
});

describe('assigneeChoices', () => {
  const choices = (t: TaskView) => assigneeChoices(t, people).map((c) => c.name ?? '(none)');

  it('lists the active assistants, "none" only where the task may be unassigned', () => {
    expect(choices(task({ status: 'pending', assignedAssistantId: null }))).toEqual(['(none)', '計画係', '調査係']);
    expect(choices(task({ status: 'assigned' }))).toEqual(['(none)', '計画係', '調査係']);
    expect(choices(task({ status: 'in_progress', assignedAssistantId: null }))).toEqual(['(none)', '計画係', '調査係']);
  });

  it('keeps an inactive current assignee visible, and offers nothing on a closed task', () => {
    expect(choices(task({ assignedAssistantId: 2 }))).toEqual(['(none)', '計画係', '休止中', '調査係']);
    expect(choices(task({ status: 'completed' }))).toEqual([]);
    expect(choices(task({ status: 'cancelled', assignedAssistantId: null }))).toEqual([]);
  });
});

describe('dependencies', () => {
  const tasks = [task({ id: 1, name: 'ベータ版' }), task({ id: 2, name: 'Launch', dependencies: [1] }), task({ id: 3, name: '振り返り' })];

  it('offers the workflow’s other tasks not yet depended on; cycles are left to the daemon', () => {
    expect(dependencyCandidates(tasks[1]!, tasks).map((t) => t.id)).toEqual([3]);
    // Task 1 may be offered task 2 although that closes a cycle: the daemon refuses it and names the cycle.
    expect(dependencyCandidates(tasks[0]!, tasks).map((t) => t.id)).toEqual([2, 3]);
  });

  it('tells the cycle the daemon names by task names, a deleted task by its id', () => {
    expect(describeCycle([1, 2, 1], tasks)).toBe('ベータ版 → Launch → ベータ版');
    expect(describeCycle([3, 9, 3], tasks)).toBe('振り返り → #9 → 振り返り');
  });
});

describe('historyLines', () => {
  const tasks = [task({ id: 1, name: 'ベータ版' }), task({ id: 2, name: 'Launch' })];
  let n = 0;
  const entry = (action: TaskHistoryView['action'], oldValue: string | null, newValue: string | null, reason: string | null = null): TaskHistoryView => ({
    id: ++n,
    action,
    oldValue,
    newValue,
    reason,
    createdAt: '2025-02-01T09:30:00.000Z',
  });
  const entries = [
    entry('created', null, '{"name":"Launch","status":"assigned"}', 'created from plan 4'),
    entry('status_changed', 'assigned', 'in_progress'),
    entry('assigned', '1', '3', '調査係に交代'),
    entry('unassigned', '3', null),
    entry('dependency_added', null, '1'),
    entry('dependency_removed', '1', null),
    entry('due_date_changed', '2025-02-20T00:00:00.000Z', null),
    entry('estimated_hours_changed', null, '4.5'),
    entry('priority_changed', 'medium', 'urgent'),
    entry('name_changed', 'Launch', 'Launch day'),
    entry('deleted', 'cancelled', null),
  ];

  it('reads each change in the words of its field, old → new', () => {
    const lines = historyLines(entries, { tasks, assistants: people }, en.t, 'en');
    expect(lines.map((l) => [l.label, l.change, l.reason])).toEqual([
      ['Created', null, 'created from plan 4'],
      ['Status', 'Assigned → In progress', null],
      ['Assigned', '計画係 → 調査係', '調査係に交代'],
      ['Unassigned', '調査係 → —', null],
      ['Dependency added', 'ベータ版', null],
      ['Dependency removed', 'ベータ版', null],
      ['Due date', '2025-02-20 → —', null],
      ['Estimated hours', '— → 4.5', null],
      ['Priority', 'Medium priority → Urgent', null],
      ['Name', 'Launch → Launch day', null],
      ['Deleted', 'Cancelled', null],
    ]);
    expect(lines[0]!.when).toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2025-02-01T09:30:00.000Z')));
  });

  it('speaks Japanese, and names an assistant it does not know by id', () => {
    const lines = historyLines([entries[1]!, entries[2]!], { tasks, assistants: [] }, ja.t, 'ja');
    expect(lines.map((l) => [l.label, l.change])).toEqual([
      [MESSAGES.ja['workflows.history.status_changed'], `${MESSAGES.ja['workflows.status.assigned']} → ${MESSAGES.ja['workflows.status.in_progress']}`],
      [MESSAGES.ja['workflows.history.assigned'], '#1 → #3'],
    ]);
  });
});

describe('the approve form’s workflow question', () => {
  it('is on by default when the plan has milestones, and sends createWorkflow', () => {
    const form = emptyDecision('approve', true);
    expect(form.createWorkflow).toBe(true);
    const { request } = decisionRequest({ ...form, conditions: ['毎週報告'] });
    expect(request).toEqual({ action: 'approve', body: { conditions: ['毎週報告'], createWorkflow: true } });
    expect(planApproveSchema.safeParse({ ...request.body, expectedVersion: 1 }).success).toBe(true);
  });

  it('sends nothing about a workflow when unticked, when the plan has no milestones, or for other decisions', () => {
    expect(decisionRequest({ ...emptyDecision('approve', true), createWorkflow: false }).request.body).toEqual({ conditions: [] });
    expect(emptyDecision('approve', false).createWorkflow).toBe(false);
    expect(decisionRequest(emptyDecision('approve')).request.body).toEqual({ conditions: [] });
    expect(emptyDecision('request_revision', true).createWorkflow).toBe(false);
    expect(decisionRequest({ ...emptyDecision('reject', true), reason: '高すぎる' }).request.body).toEqual({ reason: '高すぎる' });
  });
});
