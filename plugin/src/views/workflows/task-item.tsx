import { useState } from 'preact/hooks';
import type { TaskView } from '../../daemon/workflows-schemas';
import type { WorkflowsApi } from '../../daemon/workflows-client';
import type { Translate } from '../../i18n';
import { FieldErrors } from '../plans/parts';
import { Badge } from './badge';
import { ConfirmButton } from './confirm-button';
import { TaskHistory } from './task-history';
import {
  assigneeChoices,
  dependencyCandidates,
  dueDay,
  taskButtons,
  taskChanges,
  taskForm,
  taskName,
  type Assignee,
  type HoursField,
  type TaskForm,
} from './model';

export type Message = { kind: 'info' | 'error'; text: string };
/** Runs one change and reloads the workflow; resolves to what to tell the person, or null when it was done. */
export type Act = (change: (api: WorkflowsApi) => Promise<unknown>) => Promise<Message | null>;

export interface TaskItemProps {
  task: TaskView;
  /** The workflow's tasks, for the names of dependencies. */
  tasks: readonly TaskView[];
  people: readonly Assignee[];
  /** A completed or cancelled workflow: its tasks can no longer change. */
  closed: boolean;
  busy: boolean;
  act: Act;
  api: () => Promise<WorkflowsApi>;
  t: Translate;
  language: string;
}

/** One task: its status and details, the actions allowed now, its editor and its history. */
export function TaskItem({ task, tasks, people, closed, busy, act, api, t, language }: TaskItemProps) {
  const [panel, setPanel] = useState<'edit' | 'history' | null>(null);
  const [message, setMessage] = useState<Message | null>(null);

  /** True when the change was made; otherwise the card says why. */
  const run = async (change: (a: WorkflowsApi) => Promise<unknown>): Promise<boolean> => {
    setMessage(null);
    const outcome = await act(change);
    setMessage(outcome);
    return outcome === null;
  };
  const toggle = (which: 'edit' | 'history') => setPanel(panel === which ? null : which);

  const hours = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  // Spent of estimated when both are known, else the one that is.
  const hoursText =
    task.actualHours !== null && task.estimatedHours !== null
      ? t('workflows.task.hours', { actual: hours.format(task.actualHours), estimated: hours.format(task.estimatedHours) })
      : task.actualHours !== null
        ? t('workflows.task.hours-spent', { actual: hours.format(task.actualHours) })
        : task.estimatedHours !== null
          ? t('workflows.task.hours-estimated', { estimated: hours.format(task.estimatedHours) })
          : null;
  const assignee = task.assignedAssistantId === null ? null : (people.find((p) => p.id === task.assignedAssistantId)?.name ?? `#${task.assignedAssistantId}`);

  return (
    <li class="hisho-task" data-task={task.id} data-status={task.status}>
      <div class="hisho-task-head">
        <span class="hisho-task-name">{task.name}</span>
        <Badge status={task.status} label={t(`workflows.status.${task.status}`)} />
      </div>
      {task.description && <div class="hisho-task-description">{task.description}</div>}
      <div class="hisho-task-meta">
        <span class={`hisho-task-priority is-${task.priority}`}>{t(`workflows.priority.${task.priority}`)}</span>
        <span class="hisho-task-assignee">{assignee ?? t('workflows.task.unassigned')}</span>
        {task.dueDate !== null && <span class="hisho-task-due">{t('workflows.task.due', { date: dueDay(task.dueDate) })}</span>}
        {hoursText !== null && <span class="hisho-task-hours">{hoursText}</span>}
      </div>
      {task.dependencies.length > 0 && (
        <div class="hisho-task-after">
          {t('workflows.task.after')}: {task.dependencies.map((id) => taskName(id, tasks)).join(', ')}
        </div>
      )}
      <div class="hisho-plan-actions">
        {taskButtons(task.allowedActions).map((action) =>
          action === 'cancel' ? (
            <ConfirmButton
              key={action}
              class="hisho-task-action"
              action={action}
              label={t('workflows.task.action.cancel')}
              confirm={t('workflows.confirm', { action: t('workflows.task.action.cancel') })}
              disabled={busy}
              onConfirm={() => void run((a) => a.transitionTask(task, action))}
            />
          ) : (
            <button key={action} type="button" class="hisho-task-action mod-cta" data-action={action} disabled={busy} onClick={() => void run((a) => a.transitionTask(task, action))}>
              {t(`workflows.task.action.${action}`)}
            </button>
          ),
        )}
        {!closed && (
          <button type="button" class="hisho-task-edit" aria-pressed={panel === 'edit'} onClick={() => toggle('edit')}>
            {t('plans.pane.action.edit')}
          </button>
        )}
        <button type="button" class="hisho-task-history-toggle" aria-pressed={panel === 'history'} onClick={() => toggle('history')}>
          {t('workflows.task.history')}
        </button>
      </div>
      {message && (
        <p class={`hisho-plan-message is-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {panel === 'edit' && !closed && (
        <TaskEditor task={task} tasks={tasks} people={people} busy={busy} run={run} onDone={() => setPanel(null)} onUnchanged={() => setMessage({ kind: 'info', text: t('plans.pane.form.unchanged') })} t={t} />
      )}
      {panel === 'history' && <TaskHistory api={api} task={task} names={{ tasks, assistants: people }} t={t} language={language} />}
    </li>
  );
}

interface TaskEditorProps {
  task: TaskView;
  tasks: readonly TaskView[];
  people: readonly Assignee[];
  busy: boolean;
  run: (change: (a: WorkflowsApi) => Promise<unknown>) => Promise<boolean>;
  onDone: () => void;
  onUnchanged: () => void;
  t: Translate;
}

/**
 * The assignee, due date and hours, saved together (the fields, then the assignee, each with the
 * task's latest updatedAt); dependencies are added and removed at once, each its own change.
 */
function TaskEditor({ task, tasks, people, busy, run, onDone, onUnchanged, t }: TaskEditorProps) {
  const [form, setForm] = useState<TaskForm>(() => taskForm(task));
  const [invalid, setInvalid] = useState<HoursField[]>([]);
  const [adding, setAdding] = useState('');
  const choices = assigneeChoices(task, people);
  const candidates = dependencyCandidates(task, tasks);

  const save = async (evt: Event) => {
    evt.preventDefault();
    const result = taskChanges(form, task);
    if ('invalid' in result) {
      setInvalid(result.invalid);
      return;
    }
    setInvalid([]);
    const { fields, assignee } = result.changes;
    if (!fields && !assignee) return onUnchanged();
    const done = await run(async (a) => {
      const updated = fields ? await a.updateTask(task, fields) : task;
      if (assignee) await a.assign(updated, assignee.assistantId);
    });
    if (done) onDone();
  };

  const input = (key: keyof TaskForm, label: string, type: 'date' | 'hours') => (
    <label class={`hisho-form-field hisho-form-${key}`}>
      <span class="hisho-form-label">{label}</span>
      <input
        type={type === 'date' ? 'date' : 'text'}
        inputMode={type === 'hours' ? 'decimal' : undefined}
        name={key}
        value={form[key]}
        onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
      />
      <FieldErrors messages={invalid.includes(key as HoursField) ? [t('workflows.task.hours-invalid')] : undefined} />
    </label>
  );

  return (
    <div class="hisho-task-editor">
      <form class="hisho-task-form" onSubmit={(e) => void save(e)} noValidate>
        {choices.length > 0 && (
          <label class="hisho-form-field hisho-form-assignee">
            <span class="hisho-form-label">{t('workflows.task.field.assignee')}</span>
            <select name="assistantId" value={form.assistantId} onChange={(e) => setForm({ ...form, assistantId: e.currentTarget.value })}>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.name ?? t('workflows.task.unassigned')}
                </option>
              ))}
            </select>
          </label>
        )}
        {input('dueDate', t('workflows.task.field.due'), 'date')}
        <div class="hisho-form-dates">
          {input('estimatedHours', t('workflows.task.field.estimated'), 'hours')}
          {input('actualHours', t('workflows.task.field.actual'), 'hours')}
        </div>
        <div class="hisho-form-buttons">
          <button type="submit" class="mod-cta hisho-task-save" disabled={busy}>
            {t('plans.pane.form.save')}
          </button>
          <button type="button" class="hisho-form-cancel" onClick={onDone}>
            {t('plans.pane.cancel')}
          </button>
        </div>
      </form>
      <fieldset class="hisho-list-editor" data-list="dependencies">
        <legend>{t('workflows.task.after')}</legend>
        {task.dependencies.map((id) => (
          <div key={id} class="hisho-list-row" data-dependency={id}>
            <span class="hisho-task-dependency">{taskName(id, tasks)}</span>
            <button type="button" class="hisho-list-remove" aria-label={t('plans.pane.list.remove')} disabled={busy} onClick={() => void run((a) => a.removeDependency(task.id, id))}>
              ×
            </button>
          </div>
        ))}
        {candidates.length > 0 && (
          <div class="hisho-list-row">
            <select class="hisho-dependency-pick" value={adding} aria-label={t('workflows.task.dependency.pick')} onChange={(e) => setAdding(e.currentTarget.value)}>
              <option value="">{t('workflows.task.dependency.pick')}</option>
              {candidates.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              class="hisho-list-add hisho-dependency-add"
              disabled={busy || adding === ''}
              onClick={() => void run((a) => a.addDependency(task, Number(adding))).then((done) => done && setAdding(''))}
            >
              {t('plans.pane.form.add-dependency')}
            </button>
          </div>
        )}
      </fieldset>
    </div>
  );
}
