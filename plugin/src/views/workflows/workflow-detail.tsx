import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WorkflowAction } from '../../../../shared/contracts/workflows';
import { dependencyCycleOf, workflowConflictOf, type WorkflowsApi } from '../../daemon/workflows-client';
import type { TaskView, WorkflowView } from '../../daemon/workflows-schemas';
import type { Translate } from '../../i18n';
import { errorSentence } from '../librarian/error-text';
import { BackButton } from '../plans/parts';
import { Badge } from './badge';
import { ConfirmButton } from './confirm-button';
import { describeCycle, workflowButtons, type Assignee } from './model';
import { TaskItem, type Act, type Message } from './task-item';

export interface WorkflowDetailProps {
  id: number;
  api: () => Promise<WorkflowsApi>;
  assignees: () => Promise<Assignee[]>;
  t: Translate;
  language: string;
  onBack: () => void;
  onOpenPlan: (id: number) => void;
}

/** One workflow: its status and the transitions allowed now, and its tasks with theirs. */
export function WorkflowDetail({ id, api, assignees, t, language, onBack, onOpenPlan }: WorkflowDetailProps) {
  const [workflow, setWorkflow] = useState<WorkflowView | null>(null);
  const [tasks, setTasks] = useState<TaskView[]>([]);
  const [people, setPeople] = useState<Assignee[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const a = await api();
      const [fresh, list] = await Promise.all([a.get(id), a.tasks(id)]);
      setWorkflow(fresh);
      setTasks(list);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [api, id]);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    let live = true;
    // Without them tasks show assistant ids and cannot be reassigned; the rest works.
    assignees()
      .then((list) => live && setPeople(list))
      .catch((e: unknown) => console.warn('[Hisho] could not read the assistants', e));
    return () => {
      live = false;
    };
  }, [assignees]);

  /** Every change reloads the workflow and its tasks (cancelling a workflow cancels its tasks). A 409 that makes the shown state wrong reloads too and says why. */
  const act: Act = async (change) => {
    setBusy(true);
    try {
      await change(await api());
      await load();
      return null;
    } catch (e) {
      const conflict = workflowConflictOf(e);
      if (conflict) {
        await load();
        return { kind: 'info', text: conflict === 'stale_update' ? t('workflows.stale') : t('workflows.illegal', { message: e instanceof Error ? e.message : '' }) };
      }
      const cycle = dependencyCycleOf(e);
      if (cycle) return { kind: 'error', text: t('workflows.cycle', { cycle: describeCycle(cycle, tasks) }) };
      return { kind: 'error', text: errorSentence(e, t) };
    } finally {
      setBusy(false);
    }
  };

  const back = <BackButton onClick={onBack} t={t} />;
  if (!workflow) {
    return (
      <div class="hisho-plan-detail">
        {back}
        {loadError !== null ? <p class="hisho-error">{errorSentence(loadError, t)}</p> : <p class="hisho-plan-loading">{t('plans.pane.loading')}</p>}
      </div>
    );
  }

  const planId = workflow.planId;
  const transition = (action: WorkflowAction) => {
    setMessage(null);
    void act((a) => a.transition(workflow, action)).then(setMessage);
  };
  const closed = workflow.status === 'completed' || workflow.status === 'cancelled';
  const done = tasks.filter((task) => task.status === 'completed').length;
  return (
    <div class="hisho-plan-detail hisho-workflow" data-workflow={workflow.id} data-status={workflow.status}>
      {back}
      <div class="hisho-plan-header">
        <h3 class="hisho-plan-title">{workflow.name}</h3>
        <div class="hisho-plan-meta">
          <Badge status={workflow.status} label={t(`workflows.status.${workflow.status}`)} />
          <span class="hisho-workflow-progress">{t('workflows.progress', { done, total: tasks.length })}</span>
          <span>{t(`workflows.priority.${workflow.priority}`)}</span>
        </div>
      </div>
      {message && (
        <p class={`hisho-plan-message is-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {loadError !== null && <p class="hisho-error">{errorSentence(loadError, t)}</p>}
      <div class="hisho-plan-actions">
        {workflowButtons(workflow.allowedActions).map(({ action, primary }) =>
          action === 'cancel' ? (
            <ConfirmButton
              key={action}
              class="hisho-workflow-action"
              action={action}
              label={t('workflows.action.cancel')}
              confirm={t('workflows.confirm', { action: t('workflows.action.cancel') })}
              disabled={busy}
              onConfirm={() => transition(action)}
            />
          ) : (
            <button
              key={action}
              type="button"
              class={primary ? 'hisho-workflow-action mod-cta' : 'hisho-workflow-action'}
              data-action={action}
              disabled={busy}
              onClick={() => transition(action)}
            >
              {t(`workflows.action.${action}`)}
            </button>
          ),
        )}
        {planId !== null && (
          <button type="button" class="hisho-workflow-plan" onClick={() => onOpenPlan(planId)}>
            {t('workflows.open-plan')}
          </button>
        )}
      </div>
      {workflow.description && <p class="hisho-plan-prose">{workflow.description}</p>}
      <section class="hisho-plan-section">
        <h4 class="hisho-plan-section-title">{t('workflows.tasks')}</h4>
        {tasks.length === 0 ? (
          <p class="hisho-plan-unset">{t('workflows.tasks.none')}</p>
        ) : (
          <ol class="hisho-tasks">
            {tasks.map((task) => (
              <TaskItem key={task.id} task={task} tasks={tasks} people={people} closed={closed} busy={busy} act={act} api={api} t={t} language={language} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
