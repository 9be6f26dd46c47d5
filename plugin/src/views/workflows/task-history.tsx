import { useEffect, useState } from 'preact/hooks';
import type { TaskHistoryView, TaskView } from '../../daemon/workflows-schemas';
import type { WorkflowsApi } from '../../daemon/workflows-client';
import type { Translate } from '../../i18n';
import { errorSentence } from '../librarian/error-text';
import { historyLines, type HistoryNames } from './model';

export interface TaskHistoryProps {
  api: () => Promise<WorkflowsApi>;
  /** Read again whenever the task changes (its updatedAt). */
  task: Pick<TaskView, 'id' | 'updatedAt'>;
  names: HistoryNames;
  t: Translate;
  language: string;
}

/** A task's history, oldest first: what changed, old → new, the reason given, and when. */
export function TaskHistory({ api, task, names, t, language }: TaskHistoryProps) {
  const [entries, setEntries] = useState<TaskHistoryView[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api()
      .then((a) => a.history(task.id))
      .then((list) => {
        if (!live) return;
        setEntries(list);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, task.id, task.updatedAt]);

  if (error !== null) return <p class="hisho-error">{errorSentence(error, t)}</p>;
  if (!entries) return <p class="hisho-plan-loading">{t('plans.pane.loading')}</p>;
  return (
    <ol class="hisho-task-history">
      {historyLines(entries, names, t, language).map((line) => (
        <li key={line.id} class="hisho-task-history-entry" data-action={line.action}>
          <span class="hisho-task-history-action">{line.label}</span>
          {line.change !== null && <span class="hisho-task-history-change"> {line.change}</span>}
          <span class="hisho-task-history-when"> · {line.when}</span>
          {line.reason && <div class="hisho-task-history-reason">{line.reason}</div>}
        </li>
      ))}
    </ol>
  );
}
