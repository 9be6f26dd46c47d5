import type { PlanDetail } from '../../../../shared/contracts/plans';
import type { Translate } from '../../i18n';
import { describePerson } from './diff-model';
import { formatAmount, formatDateTime } from './format';
import { Section } from './parts';

/** Text the person wrote, line breaks kept (CSS), or a faint "not set". */
function Prose({ text, t }: { text: string | null; t: Translate }) {
  return text && text.trim() ? <p class="hisho-plan-prose">{text}</p> : <p class="hisho-plan-unset">{t('plans.note.empty')}</p>;
}

/** A plan's content, its conditions and its approval history, read-only. */
export function PlanFields({ plan, t, language }: { plan: PlanDetail; t: Translate; language: string }) {
  const { timeline, resources } = plan;
  const cost = resources.cost;
  const total = (cost?.items ?? []).reduce((sum, item) => sum + item.amount, 0);
  return (
    <div class="hisho-plan-fields">
      {plan.description && <p class="hisho-plan-description hisho-plan-prose">{plan.description}</p>}
      {plan.status === 'rejected' && plan.rejectionReason && (
        <Section kind="rejection" title={t('plans.note.label.rejection-reason')}>
          <p class="hisho-plan-prose">{plan.rejectionReason}</p>
        </Section>
      )}
      {plan.conditions.length > 0 && (
        <Section kind="conditions" title={t('plans.note.heading.conditions')}>
          <ul class="hisho-plan-conditions">
            {plan.conditions.map((c, i) => (
              <li key={i} data-action={c.action}>
                {c.text}
                <span class="hisho-plan-condition-source"> · {t(`plans.approval.${c.action}`)}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section kind="objective" title={t('plans.note.heading.objective')}>
        <Prose text={plan.objective} t={t} />
      </Section>
      <Section kind="scope" title={t('plans.note.heading.scope')}>
        <Prose text={plan.scope} t={t} />
      </Section>
      <Section kind="timeline" title={t('plans.note.heading.timeline')}>
        <p class="hisho-plan-period">
          {timeline.startDate} → {timeline.endDate}
        </p>
        {timeline.milestones.length > 0 && (
          <ol class="hisho-plan-milestones">
            {timeline.milestones.map((m, i) => (
              <li key={i}>
                <span class="hisho-plan-milestone-date">{m.date}</span> <span class="hisho-plan-milestone-name">{m.name}</span>
                {m.description && <div class="hisho-plan-milestone-description">{m.description}</div>}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <Section kind="resources" title={t('plans.note.heading.resources')}>
        {resources.people.length === 0 && !cost && resources.dependencies.length === 0 && <p class="hisho-plan-unset">{t('plans.note.empty')}</p>}
        {resources.people.length > 0 && (
          <ul class="hisho-plan-people">
            {resources.people.map((p, i) => (
              <li key={i}>{describePerson(p)}</li>
            ))}
          </ul>
        )}
        {cost && (
          <table class="hisho-plan-cost">
            <tbody>
              {cost.items.map((c, i) => (
                <tr key={i}>
                  <td>{c.name}</td>
                  <td class="hisho-plan-amount">{formatAmount(c.amount, cost.currency, language)}</td>
                </tr>
              ))}
              <tr class="hisho-plan-cost-total">
                <td>{t('plans.note.total')}</td>
                <td class="hisho-plan-amount">{formatAmount(total, cost.currency, language)}</td>
              </tr>
            </tbody>
          </table>
        )}
        {resources.dependencies.length > 0 && (
          <>
            <div class="hisho-plan-subtitle">{t('plans.note.heading.dependencies')}</div>
            <ul class="hisho-plan-dependencies">
              {resources.dependencies.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          </>
        )}
      </Section>
      <Section kind="risks" title={t('plans.note.heading.risks')}>
        <Prose text={plan.riskAssessment} t={t} />
      </Section>
      <Section kind="success" title={t('plans.note.heading.success-criteria')}>
        {plan.successCriteria.length === 0 ? (
          <p class="hisho-plan-unset">{t('plans.note.empty')}</p>
        ) : (
          <ul class="hisho-plan-criteria">
            {plan.successCriteria.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
        )}
      </Section>
      <Section kind="approvals" title={t('plans.note.heading.approvals')}>
        {plan.approvals.length === 0 ? (
          <p class="hisho-plan-unset">{t('plans.note.none')}</p>
        ) : (
          <ol class="hisho-plan-approvals">
            {plan.approvals.map((a) => (
              <li key={a.id} class="hisho-plan-approval" data-action={a.action}>
                <div class="hisho-plan-approval-head">
                  <span class={`hisho-plan-approval-action is-${a.action}`}>{t(`plans.approval.${a.action}`)}</span>
                  <span class="hisho-plan-approval-meta">
                    {' '}
                    · {formatDateTime(a.approvalDate, language)} · {t(`plans.approver.${a.approverType}`)}
                  </span>
                </div>
                {a.comments && <p class="hisho-plan-prose hisho-plan-approval-comments">{a.comments}</p>}
                {a.conditions.length > 0 && (
                  <ul class="hisho-plan-approval-conditions">
                    {a.conditions.map((c, i) => (
                      <li key={i}>{c}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
        )}
      </Section>
    </div>
  );
}
