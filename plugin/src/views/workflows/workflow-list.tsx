import { useEffect, useState } from 'preact/hooks';
import type { WorkflowSummaryApi } from '../../../../shared/contracts/workflows';
import type { WorkflowsApi } from '../../daemon/workflows-client';
import type { Translate } from '../../i18n';
import { errorSentence } from '../librarian/error-text';
import { Badge } from './badge';

export interface WorkflowListProps {
  api: () => Promise<WorkflowsApi>;
  /** Read again when this changes (the list's Refresh). */
  round: number;
  t: Translate;
  language: string;
  onOpen: (id: number) => void;
}

/** The workflows under the plans, each with its task counts (workflow_summary); nothing while there are none. */
export function WorkflowList({ api, round, t, language, onOpen }: WorkflowListProps) {
  const [items, setItems] = useState<WorkflowSummaryApi[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api()
      .then((a) => a.summaries())
      .then((list) => {
        if (!live) return;
        setItems(list);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, round]);

  if (error !== null) return <p class="hisho-error">{errorSentence(error, t)}</p>;
  if (!items || items.length === 0) return null;
  const hours = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  return (
    <section class="hisho-workflow-list">
      <h4 class="hisho-plan-section-title">
        {t('workflows.title')}
        <span class="hisho-plan-group-count">{items.length}</span>
      </h4>
      <ul class="hisho-plan-items">
        {items.map((w) => (
          <li key={w.workflowId}>
            <button type="button" class="hisho-plan-item" data-workflow={w.workflowId} onClick={() => onOpen(w.workflowId)}>
              <span class="hisho-plan-item-title">{w.name}</span>
              <span class="hisho-plan-item-meta">
                <Badge status={w.status} label={t(`workflows.status.${w.status}`)} />{' '}
                <span class="hisho-workflow-progress">{t('workflows.progress', { done: w.completedTasks, total: w.totalTasks })}</span>
                {w.avgTaskHours !== null && ` · ${t('workflows.avg-hours', { hours: hours.format(w.avgTaskHours) })}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
