import { useState } from 'preact/hooks';
import type { Discussion } from '../../../../shared/contracts/discussions';
import type { PlansApi } from '../../daemon/plans-client';
import type { Translate } from '../../i18n';
import type { DiscussionHost } from './host';
import { canDraftPlan, draftErrorSentence, draftingAssistants } from './plan-draft';

interface DraftPlanProps {
  discussion: Discussion;
  plans: () => Promise<PlansApi>;
  host: DiscussionHost;
  t: Translate;
}

type Outcome = { drafted: { id: number; title: string } } | { error: string };

/** "Draft a plan from the consensus": the chosen assistant drafts it, then the Plans pane shows it. */
export function DraftPlan({ discussion, plans, host, t }: DraftPlanProps) {
  const assistants = draftingAssistants(discussion);
  const [assistantId, setAssistantId] = useState(assistants[0]?.assistantId ?? null);
  const [drafting, setDrafting] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  if (!canDraftPlan(discussion) || assistantId === null) return null;

  const draft = () => {
    setDrafting(true);
    setOutcome(null);
    plans()
      .then((client) => client.draft({ discussionId: discussion.id, assistantId }))
      .then(
        (plan) => {
          setOutcome({ drafted: { id: plan.id, title: plan.title } });
          return host.openPlan(plan.id);
        },
        (e: unknown) => setOutcome({ error: draftErrorSentence(e, t) }),
      )
      .finally(() => setDrafting(false));
  };
  return (
    <div class="hisho-draft-plan">
      <label class="hisho-draft-plan-assistant">
        <span class="hisho-field-label">{t('discussions.plan.assistant')}</span>{' '}
        <select value={String(assistantId)} disabled={drafting} onChange={(e) => setAssistantId(Number((e.target as HTMLSelectElement).value))}>
          {assistants.map((a) => (
            <option key={a.assistantId} value={String(a.assistantId)}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="hisho-draft-plan-button" disabled={drafting} onClick={draft}>
        {drafting ? t('discussions.plan.drafting') : t('discussions.plan.draft')}
      </button>
      {outcome && 'drafted' in outcome && (
        <span class="hisho-draft-plan-result" data-plan={outcome.drafted.id}>
          {t('discussions.plan.drafted', { title: outcome.drafted.title })}{' '}
          <button type="button" class="hisho-draft-plan-open" onClick={() => void host.openPlan(outcome.drafted.id)}>
            {t('discussions.plan.open')}
          </button>
        </span>
      )}
      {outcome && 'error' in outcome && (
        <span class="hisho-error" role="alert">
          {outcome.error}
        </span>
      )}
    </div>
  );
}
