import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConnectionMonitor } from '../../connection';
import type { DaemonStarter } from '../../daemon-starter';
import type { I18n } from '../../i18n';
import { VIEWS } from '../constants';
import { EmptyState, useConnection, useLanguage } from '../empty-state';
import { plansApi } from './api';
import { complaints, createBody, emptyPlanForm, inputKey, type FormErrors, type PlanForm } from './form';
import type { PlanNoteHost } from './host';
import type { PlansNavigator, PlansRoute } from './navigator';
import type { NotificationFeed } from './notification-feed';
import { PlanDetailView } from './plan-detail';
import { BackButton } from './parts';
import { PlanFormView } from './plan-form';
import { PlanList } from './plan-list';
import { assignees, workflowsApi } from '../workflows/api';
import { WorkflowDetail } from '../workflows/workflow-detail';

export interface PlansPaneProps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  host: PlanNoteHost;
  feed: NotificationFeed;
  navigator: PlansNavigator;
  starter?: DaemonStarter;
}

function useRoute(navigator: PlansNavigator): PlansRoute {
  const [route, setRoute] = useState(navigator.route);
  useEffect(() => {
    // A move made between the first render and this effect (opening the pane on a plan) is not lost.
    setRoute(navigator.route);
    return navigator.subscribe(setRoute);
  }, [navigator]);
  return route;
}

/** The Plans pane (プラン承認): the list by status, one plan with its review, the form for a new plan, a plan's workflow. */
export function PlansPane({ monitor, i18n, host, feed, navigator, starter }: PlansPaneProps) {
  const t = useLanguage(i18n);
  const status = useConnection(monitor);
  const route = useRoute(navigator);
  const api = useCallback(() => plansApi(monitor), [monitor]);
  const workflows = useCallback(() => workflowsApi(monitor), [monitor]);
  const people = useCallback(() => assignees(monitor), [monitor]);
  const connected = status.state === 'connected';
  const language = i18n.language;

  useEffect(() => {
    if (connected) feed.refresh().catch((e: unknown) => console.warn('[Hisho] could not read notifications', e));
  }, [connected, feed]);

  if (!connected) return <EmptyState definition={VIEWS.plans} monitor={monitor} i18n={i18n} starter={starter} />;

  const openPlan = (id: number) => navigator.go({ kind: 'plan', id });
  const toList = () => navigator.go({ kind: 'list' });
  const openWorkflow = (id: number) => navigator.go({ kind: 'workflow', id });

  switch (route.kind) {
    case 'list':
      return (
        <PlanList
          api={api}
          feed={feed}
          t={t}
          language={language}
          onOpen={openPlan}
          workflows={workflows}
          onOpenWorkflow={openWorkflow}
          onCreate={() => navigator.go({ kind: 'create' })}
          empty={<EmptyState definition={VIEWS.plans} monitor={monitor} i18n={i18n} starter={starter} />}
        />
      );
    case 'plan':
      return (
        <PlanDetailView key={route.id} id={route.id} api={api} host={host} t={t} language={language} onBack={toList} onOpenPlan={openPlan} onOpenWorkflow={openWorkflow} />
      );
    case 'workflow':
      return <WorkflowDetail key={route.id} id={route.id} api={workflows} assignees={people} t={t} language={language} onBack={toList} onOpenPlan={openPlan} />;
    case 'create': {
      const create = async (form: PlanForm): Promise<FormErrors | null> => {
        const { body, rows } = createBody(form);
        try {
          openPlan((await (await api()).create(body)).id);
          return null;
        } catch (e) {
          return complaints(e, (path) => inputKey(path, rows), t);
        }
      };
      return (
        <div class="hisho-plan-create">
          <BackButton onClick={toList} t={t} />
          <h3 class="hisho-plan-title">{t('plans.pane.new.title')}</h3>
          <PlanFormView initial={emptyPlanForm(host.today())} onSubmit={create} onCancel={toList} submitLabel={t('plans.pane.form.create')} askChangeSummary={false} t={t} />
        </div>
      );
    }
  }
}
