import type { ComponentChild } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Translate } from '../../i18n';
import type { PlansApi } from '../../daemon/plans-client';
import type { WorkflowsApi } from '../../daemon/workflows-client';
import type { PlanSummary } from '../../daemon/plans-schemas';
import { errorSentence } from '../librarian/error-text';
import { formatDateTime } from './format';
import { isDecided, groupByStatus } from './model';
import type { NotificationFeed } from './notification-feed';
import { Notifications } from './notifications';
import { StatusBadge } from './status-badge';
import { WorkflowList } from '../workflows/workflow-list';

export interface PlanListProps {
  api: () => Promise<PlansApi>;
  feed: NotificationFeed;
  t: Translate;
  language: string;
  onOpen: (id: number) => void;
  workflows: () => Promise<WorkflowsApi>;
  onOpenWorkflow: (id: number) => void;
  onCreate: () => void;
  /** Shown while there are no plans: what will appear here, and the connection. */
  empty: ComponentChild;
}

/** Every plan, grouped by status with counts (decided ones folded), the unread notifications above them and the workflows below. */
export function PlanList({ api, feed, t, language, onOpen, workflows, onOpenWorkflow, onCreate, empty }: PlanListProps) {
  const [plans, setPlans] = useState<PlanSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** Counts the Refresh clicks, so the workflows are read again with the plans. */
  const [round, setRound] = useState(0);

  const load = useCallback(() => {
    api()
      .then((a) => a.list())
      .then((page) => {
        setPlans(page.items);
        setError(null);
      })
      .catch(setError);
  }, [api]);
  useEffect(load, [load]);
  // A notification means a plan arrived (an assistant drafted it): show it.
  useEffect(() => feed.subscribe(load), [feed, load]);

  const groups = plans ? groupByStatus(plans) : [];
  return (
    <div class="hisho-plan-list">
      <div class="hisho-plan-toolbar">
        <button type="button" class="mod-cta hisho-plan-new" onClick={onCreate}>
          {t('plans.pane.new')}
        </button>
        <button
          type="button"
          class="hisho-plan-refresh"
          onClick={() => {
            setRound((r) => r + 1);
            load();
          }}
        >
          {t('plans.pane.refresh')}
        </button>
      </div>
      <Notifications feed={feed} t={t} language={language} onOpenPlan={onOpen} />
      {error !== null && <p class="hisho-error">{errorSentence(error, t)}</p>}
      {plans === null && error === null && <p class="hisho-plan-loading">{t('plans.pane.loading')}</p>}
      {plans !== null && plans.length === 0 && empty}
      {groups.map((group) => (
        <details key={group.status} class="hisho-plan-group" data-status={group.status} open={!isDecided(group.status)}>
          <summary>
            <StatusBadge status={group.status} t={t} />
            <span class="hisho-plan-group-count">{group.plans.length}</span>
          </summary>
          <ul class="hisho-plan-items">
            {group.plans.map((plan) => (
              <li key={plan.id}>
                <button type="button" class="hisho-plan-item" data-plan={plan.id} onClick={() => onOpen(plan.id)}>
                  <span class="hisho-plan-item-title">{plan.title}</span>
                  <span class="hisho-plan-item-meta">
                    {t('plans.pane.version', { version: plan.version })} · {plan.timeline.startDate} → {plan.timeline.endDate} ·{' '}
                    {formatDateTime(plan.updatedAt, language)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </details>
      ))}
      <WorkflowList api={workflows} round={round} t={t} language={language} onOpen={onOpenWorkflow} />
    </div>
  );
}
