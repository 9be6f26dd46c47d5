import type { TaskAction, TaskHistoryAction, TaskStatus, TaskTransition, TaskUpdate, WorkflowAction } from '../../../../shared/contracts/workflows';
import type { TaskHistoryView, TaskView } from '../../daemon/workflows-schemas';
import { TASK_STATUS_VALUES } from '../../daemon/workflows-schemas';
import type { Translate } from '../../i18n';
import { formatDateTime, localToday } from '../plans/format';

/**
 * The workflow view's logic without Preact: which buttons the daemon's `allowedActions` give, the
 * task editor as typed and the changes it sends, the names a dependency cycle is told in, and a
 * task's history as lines to read. The daemon decides every rule; this only maps.
 */

export type TaskStatusAction = TaskTransition['action'];

const TASK_BUTTONS: readonly TaskStatusAction[] = ['start', 'complete', 'cancel'];

/** The status changes (start, complete, cancel) the daemon allows now, in that order; assignment is the editor's. */
export function taskButtons(allowed: readonly TaskAction[]): TaskStatusAction[] {
  return TASK_BUTTONS.filter((a) => allowed.includes(a));
}

/** Forward steps first (one of them the call to action), then pausing, then cancelling. */
const WORKFLOW_BUTTONS: readonly WorkflowAction[] = ['activate', 'resume', 'complete', 'pause', 'cancel'];
const WORKFLOW_FORWARD: ReadonlySet<WorkflowAction> = new Set(['activate', 'resume', 'complete']);

export function workflowButtons(allowed: readonly WorkflowAction[]): { action: WorkflowAction; primary: boolean }[] {
  const present = WORKFLOW_BUTTONS.filter((a) => allowed.includes(a));
  const primary = present.find((a) => WORKFLOW_FORWARD.has(a));
  return present.map((action) => ({ action, primary: action === primary }));
}

/** A task's due day, YYYY-MM-DD: a date the daemon stored as midnight UTC stays that date; any other instant is the local day. */
export function dueDay(iso: string | null): string {
  if (iso === null) return '';
  if (/T00:00:00(\.0+)?Z$/.test(iso)) return iso.slice(0, 10);
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : localToday(date);
}

/** The task editor as typed: '' is "none" (no assignee, no due date, hours not set). */
export interface TaskForm {
  assistantId: string;
  dueDate: string;
  estimatedHours: string;
  actualHours: string;
}

const hoursText = (hours: number | null) => (hours === null ? '' : String(hours));

export function taskForm(task: TaskView): TaskForm {
  return {
    assistantId: task.assignedAssistantId === null ? '' : String(task.assignedAssistantId),
    dueDate: dueDay(task.dueDate),
    estimatedHours: hoursText(task.estimatedHours),
    actualHours: hoursText(task.actualHours),
  };
}

export type HoursField = 'estimatedHours' | 'actualHours';
export type TaskFieldsBody = Omit<TaskUpdate, 'expectedUpdatedAt' | 'reason'>;

/** What saving the editor sends: the changed fields (PATCH) and the new assignee (PUT), each null when unchanged. */
export interface TaskChanges {
  fields: TaskFieldsBody | null;
  assignee: { assistantId: number | null } | null;
}

/**
 * The changes typed since `task`, or the hours inputs that are not numbers (nothing is sent then).
 * Ranges and decimals are the daemon's to check: it names the field in its answer.
 */
export function taskChanges(form: TaskForm, task: TaskView): { changes: TaskChanges } | { invalid: HoursField[] } {
  const before = taskForm(task);
  const fields: TaskFieldsBody = {};
  const invalid: HoursField[] = [];
  if (form.dueDate.trim() !== before.dueDate) fields.dueDate = form.dueDate.trim() === '' ? null : form.dueDate.trim();
  for (const key of ['estimatedHours', 'actualHours'] as const) {
    const text = form[key].trim();
    const hours = text === '' ? null : Number(text);
    if (hours !== null && Number.isNaN(hours)) invalid.push(key);
    else if (hours !== task[key]) fields[key] = hours;
  }
  if (invalid.length > 0) return { invalid };
  const assistantId = form.assistantId === '' ? null : Number(form.assistantId);
  return {
    changes: {
      fields: Object.keys(fields).length > 0 ? fields : null,
      assignee: assistantId === task.assignedAssistantId ? null : { assistantId },
    },
  };
}

/** A person (assistant) a task can be given to. */
export interface Assignee {
  id: number;
  name: string;
  isActive: boolean;
}

/**
 * The assignee choices: the active assistants and the current one (even when inactive, so the
 * select shows it), "no one" while the task is unassigned or may be unassigned. Empty when the
 * task takes no assignment now (completed or cancelled).
 */
export function assigneeChoices(task: TaskView, assistants: readonly Assignee[]): { value: string; name: string | null }[] {
  if (!task.allowedActions.includes('assign')) return [];
  const choices: { value: string; name: string | null }[] = [];
  if (task.assignedAssistantId === null || task.allowedActions.includes('unassign')) choices.push({ value: '', name: null });
  for (const a of assistants) if (a.isActive || a.id === task.assignedAssistantId) choices.push({ value: String(a.id), name: a.name });
  return choices;
}

/** A task by its name, or `#id` for one the pane does not hold (deleted). */
export function taskName(id: number, tasks: readonly Pick<TaskView, 'id' | 'name'>[]): string {
  return tasks.find((t) => t.id === id)?.name ?? `#${id}`;
}

/** The tasks `task` may be made to depend on: the workflow's others it does not yet depend on. A cycle is the daemon's to find: it names it. */
export function dependencyCandidates(task: TaskView, tasks: readonly TaskView[]): TaskView[] {
  return tasks.filter((t) => t.id !== task.id && !task.dependencies.includes(t.id));
}

/** The cycle the daemon named (task ids, first = last), told by task names: "ベータ版 → Launch → ベータ版". */
export function describeCycle(cycle: readonly number[], tasks: readonly Pick<TaskView, 'id' | 'name'>[]): string {
  return cycle.map((id) => taskName(id, tasks)).join(' → ');
}

/** One history entry as read: what changed, from what to what, why, when. */
export interface HistoryLine {
  id: number;
  action: TaskHistoryAction;
  label: string;
  change: string | null;
  reason: string | null;
  when: string;
}

export interface HistoryNames {
  tasks: readonly Pick<TaskView, 'id' | 'name'>[];
  assistants: readonly Pick<Assignee, 'id' | 'name'>[];
}

const NONE = '—';
const isTaskStatus = (v: string): v is TaskStatus => (TASK_STATUS_VALUES as readonly string[]).includes(v);

/** A stored value (always text in task_history) in the words of its field. */
function valueText(action: TaskHistoryAction, value: string | null, names: HistoryNames, t: Translate): string {
  if (value === null) return NONE;
  switch (action) {
    case 'status_changed':
    case 'deleted':
      return isTaskStatus(value) ? t(`workflows.status.${value}`) : value;
    case 'assigned':
    case 'unassigned':
      return names.assistants.find((a) => String(a.id) === value)?.name ?? `#${value}`;
    case 'dependency_added':
    case 'dependency_removed':
      return taskName(Number(value), names.tasks);
    case 'priority_changed':
      return value === 'low' || value === 'medium' || value === 'high' || value === 'urgent' ? t(`workflows.priority.${value}`) : value;
    case 'due_date_changed':
      return dueDay(value);
    default:
      return value;
  }
}

/**
 * The history entries as lines. "created" shows no values (its JSON is the fields the task shows);
 * an added dependency shows the task added, a removed one the task removed, a deletion the status
 * the task had; every other change reads "old → new".
 */
export function historyLines(entries: readonly TaskHistoryView[], names: HistoryNames, t: Translate, language: string): HistoryLine[] {
  return entries.map((e) => {
    const value = (v: string | null) => valueText(e.action, v, names, t);
    const change =
      e.action === 'created'
        ? null
        : e.action === 'dependency_added'
          ? value(e.newValue)
          : e.action === 'dependency_removed' || e.action === 'deleted'
            ? value(e.oldValue)
            : `${value(e.oldValue)} → ${value(e.newValue)}`;
    return { id: e.id, action: e.action, label: t(`workflows.history.${e.action}`), change, reason: e.reason, when: formatDateTime(e.createdAt, language) };
  });
}
