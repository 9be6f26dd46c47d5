import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PlanDetail } from '../../../../shared/contracts/plans';
import { PlanNoteError } from '../../../../shared/plans/note';
import type { MessageKey, Translate } from '../../i18n';
import { planConflictOf, type PlansApi } from '../../daemon/plans-client';
import { errorSentence } from '../librarian/error-text';
import { decisionInputKey, decisionRequest, type DecisionForm } from './decision';
import { DecisionFormView } from './decision-form';
import { complaints, formFromPlan, inputKey, NO_ERRORS, updateBody, type FormErrors, type PlanForm } from './form';
import type { PlanNoteHost } from './host';
import { actionButtons, isDecision, type DecisionAction, type PaneAction } from './model';
import { PlanFields } from './plan-fields';
import { BackButton } from './parts';
import { PlanFormView } from './plan-form';
import { StatusBadge } from './status-badge';
import { Versions } from './versions';

const ACTION_LABELS: Record<PaneAction, MessageKey> = {
  edit: 'plans.pane.action.edit',
  submit: 'plans.pane.action.submit',
  start_review: 'plans.pane.action.start_review',
  approve: 'plans.pane.action.approve',
  reject: 'plans.pane.action.reject',
  request_revision: 'plans.pane.action.request_revision',
  copy: 'plans.pane.action.copy',
};
const DECIDED: Record<DecisionAction, MessageKey> = {
  approve: 'plans.pane.decided.approve',
  reject: 'plans.pane.decided.reject',
  request_revision: 'plans.pane.decided.request_revision',
};

type Mode = { kind: 'view' } | { kind: 'edit'; base: PlanDetail } | { kind: 'decide'; action: DecisionAction };
type Message = { kind: 'info' | 'error'; text: string };
/** How a change ended: done, refused with a 409 (the plan was reloaded and the person told), or failed. */
type Outcome = { kind: 'done' } | { kind: 'conflict' } | { kind: 'failed'; error: unknown };

export interface PlanDetailProps {
  id: number;
  api: () => Promise<PlansApi>;
  host: PlanNoteHost;
  t: Translate;
  language: string;
  onBack: () => void;
  onOpenPlan: (id: number) => void;
  onOpenWorkflow: (id: number) => void;
}

/** One plan: its content, the actions its status allows, its note, its versions and their differences. */
export function PlanDetailView({ id, api, host, t, language, onBack, onOpenPlan, onOpenWorkflow }: PlanDetailProps) {
  const [plan, setPlan] = useState<PlanDetail | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [notePath, setNotePath] = useState<string | null>(() => host.notePath(id));

  useEffect(() => {
    setNotePath(host.notePath(id));
    return host.onNotesChange(() => setNotePath(host.notePath(id)));
  }, [host, id]);

  const load = useCallback(async (): Promise<PlanDetail | null> => {
    try {
      const fresh = await (await api()).get(id);
      setPlan(fresh);
      setLoadError(null);
      return fresh;
    } catch (e) {
      setLoadError(e);
      return null;
    }
  }, [api, id]);

  useEffect(() => {
    setPlan(null);
    setMode({ kind: 'view' });
    setMessage(null);
    void load();
  }, [load]);

  /** Runs a change; the plan the daemon answers with replaces the shown one. A 409 reloads the plan and says why. */
  const change = async (run: (a: PlansApi, current: PlanDetail) => Promise<PlanDetail>): Promise<Outcome> => {
    if (!plan) return { kind: 'failed', error: new Error('no plan') };
    setBusy(true);
    try {
      setPlan(await run(await api(), plan));
      setMessage(null);
      return { kind: 'done' };
    } catch (e) {
      const conflict = planConflictOf(e);
      if (!conflict) return { kind: 'failed', error: e };
      const fresh = await load();
      const daemonSays = e instanceof Error ? e.message : '';
      setMessage({
        kind: 'info',
        text: conflict === 'stale_version' ? t('plans.pane.stale', { version: fresh?.version ?? '?' }) : t('plans.pane.illegal', { message: daemonSays }),
      });
      return { kind: 'conflict' };
    } finally {
      setBusy(false);
    }
  };

  const transition = async (action: 'submit' | 'start_review') => {
    const outcome = await change((a, p) => (action === 'submit' ? a.submit(p.id, p.version) : a.startReview(p.id, p.version)));
    if (outcome.kind === 'failed') setMessage({ kind: 'error', text: errorSentence(outcome.error, t) });
  };

  const saveEdit = async (base: PlanDetail, form: PlanForm): Promise<FormErrors | null> => {
    if (!plan) return NO_ERRORS;
    const update = updateBody(form, base, plan.version);
    if (!update) return { fields: {}, other: [t('plans.pane.form.unchanged')] };
    const outcome = await change((a, p) => a.update(p.id, { ...update.body, expectedVersion: p.version }));
    if (outcome.kind === 'done') {
      setMode({ kind: 'view' });
      setMessage({ kind: 'info', text: t('plans.pane.saved') });
      return null;
    }
    // After a conflict the form stays as typed, on top of the reloaded plan; the message says what happened.
    return outcome.kind === 'conflict' ? NO_ERRORS : complaints(outcome.error, (path) => inputKey(path, update.rows), t);
  };

  const decide = async (form: DecisionForm): Promise<FormErrors | null> => {
    const { request, rows } = decisionRequest(form);
    const outcome = await change((a, p) => {
      switch (request.action) {
        case 'approve':
          return a.approve(p.id, p.version, request.body);
        case 'reject':
          return a.reject(p.id, p.version, request.body);
        case 'request_revision':
          return a.requestRevision(p.id, p.version, request.body);
      }
    });
    if (outcome.kind === 'done') {
      setMode({ kind: 'view' });
      const withWorkflow = request.action === 'approve' && request.body.createWorkflow === true;
      setMessage({ kind: 'info', text: withWorkflow ? t('workflows.created-with-plan') : t(DECIDED[request.action]) });
      return null;
    }
    return outcome.kind === 'conflict' ? NO_ERRORS : complaints(outcome.error, (path) => decisionInputKey(path, rows), t);
  };

  const copy = async (current: PlanDetail) => {
    setBusy(true);
    try {
      onOpenPlan((await (await api()).copy(current.id)).id);
    } catch (e) {
      setMessage({ kind: 'error', text: errorSentence(e, t) });
    } finally {
      setBusy(false);
    }
  };

  const writeNote = async (current: PlanDetail) => {
    const creating = notePath === null;
    setBusy(true);
    try {
      const path = await host.writeNote(current.id);
      setNotePath(path);
      setMessage({ kind: 'info', text: t(creating ? 'plans.pane.note.created' : 'plans.pane.note.updated', { path }) });
      if (creating) host.openNote(path);
    } catch (e) {
      // The renderer's own sentence says what to fix in the note (markers gone, another plan's note…).
      setMessage({ kind: 'error', text: e instanceof PlanNoteError ? e.message : errorSentence(e, t) });
    } finally {
      setBusy(false);
    }
  };

  const onAction = (action: PaneAction, current: PlanDetail) => {
    setMessage(null);
    if (action === 'edit') setMode({ kind: 'edit', base: current });
    else if (isDecision(action)) setMode({ kind: 'decide', action });
    else if (action === 'submit' || action === 'start_review') void transition(action);
    else if (action === 'copy') void copy(current);
  };

  const back = <BackButton onClick={onBack} t={t} />;
  if (!plan) {
    return (
      <div class="hisho-plan-detail">
        {back}
        {loadError ? (
          <p class="hisho-error">
            {errorSentence(loadError, t)}{' '}
            <button type="button" class="hisho-retry" onClick={() => void load()}>
              {t('librarian.retry')}
            </button>
          </p>
        ) : (
          <p class="hisho-plan-loading">{t('plans.pane.loading')}</p>
        )}
      </div>
    );
  }

  const workflowId = plan.workflowId;
  return (
    <div class="hisho-plan-detail" data-plan={plan.id} data-status={plan.status} data-version={plan.version}>
      {back}
      <div class="hisho-plan-header">
        <h3 class="hisho-plan-title">{plan.title}</h3>
        <div class="hisho-plan-meta">
          <StatusBadge status={plan.status} t={t} />
          <span class="hisho-plan-version">{t('plans.pane.version', { version: plan.version })}</span>
          {plan.assistantName && <span class="hisho-plan-assistant">{plan.assistantName}</span>}
        </div>
      </div>
      {message && (
        <p class={`hisho-plan-message is-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}

      {mode.kind === 'edit' ? (
        <PlanFormView
          initial={formFromPlan(mode.base)}
          onSubmit={(form) => saveEdit(mode.base, form)}
          onCancel={() => setMode({ kind: 'view' })}
          submitLabel={t('plans.pane.form.save')}
          askChangeSummary={plan.submittedAt !== null}
          t={t}
        />
      ) : (
        <>
          <div class="hisho-plan-actions">
            {actionButtons(plan.allowedActions).map(({ action, primary }) => (
              <button
                key={action}
                type="button"
                class={primary ? 'hisho-plan-action mod-cta' : 'hisho-plan-action'}
                data-action={action}
                disabled={busy}
                onClick={() => onAction(action, plan)}
              >
                {t(ACTION_LABELS[action])}
              </button>
            ))}
          </div>
          <div class="hisho-plan-note-actions">
            <button type="button" class="hisho-plan-write-note" disabled={busy} onClick={() => void writeNote(plan)}>
              {notePath === null ? t('plans.pane.note.create') : t('plans.pane.note.update')}
            </button>
            {notePath !== null && (
              <button type="button" class="hisho-plan-open-note" onClick={() => host.openNote(notePath)}>
                {t('plans.pane.note.open')}
              </button>
            )}
            {workflowId !== null && (
              <button type="button" class="hisho-plan-open-workflow" onClick={() => onOpenWorkflow(workflowId)}>
                {t('workflows.open')}
              </button>
            )}
          </div>
          {mode.kind === 'decide' && (
            <DecisionFormView
              key={mode.action}
              action={mode.action}
              hasMilestones={plan.timeline.milestones.length > 0}
              onSubmit={decide}
              onCancel={() => setMode({ kind: 'view' })}
              t={t}
            />
          )}
          <PlanFields plan={plan} t={t} language={language} />
          <details class="hisho-plan-section hisho-plan-section-versions">
            <summary class="hisho-plan-section-title">{t('plans.pane.versions.title')}</summary>
            <Versions api={api} planId={plan.id} planVersion={plan.version} t={t} language={language} />
          </details>
        </>
      )}
    </div>
  );
}
