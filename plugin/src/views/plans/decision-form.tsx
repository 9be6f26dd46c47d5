import { useState } from 'preact/hooks';
import type { MessageKey, Translate } from '../../i18n';
import { emptyDecision, takesConditions, type DecisionForm } from './decision';
import { NO_ERRORS, withoutRowErrors, type FormErrors } from './form';
import { TextListEditor } from './list-editor';
import type { DecisionAction } from './model';
import { FieldErrors } from './parts';

/** The heading and the button both name the decision. */
const LABELS: Record<DecisionAction, MessageKey> = {
  approve: 'plans.pane.action.approve',
  reject: 'plans.pane.action.reject',
  request_revision: 'plans.pane.action.request_revision',
};

export interface DecisionFormProps {
  action: DecisionAction;
  /** The plan has milestones: approving may create its workflow with a task per milestone. */
  hasMilestones: boolean;
  /** Sends the decision; resolves to the daemon's complaints (the form stays, as typed), or null when it was recorded. */
  onSubmit: (form: DecisionForm) => Promise<FormErrors | null>;
  onCancel: () => void;
  t: Translate;
}

/** Approve, reject or request a revision: comments, the reason of a rejection, and conditions (a list). */
export function DecisionFormView({ action, hasMilestones, onSubmit, onCancel, t }: DecisionFormProps) {
  const [form, setForm] = useState<DecisionForm>(() => emptyDecision(action, hasMilestones));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [sending, setSending] = useState(false);

  const submit = async (evt: Event) => {
    evt.preventDefault();
    setSending(true);
    try {
      setErrors((await onSubmit(form)) ?? NO_ERRORS);
    } finally {
      setSending(false);
    }
  };

  return (
    <form class="hisho-decision-form" data-action={action} onSubmit={(e) => void submit(e)} noValidate>
      <h4 class="hisho-plan-section-title">{t(LABELS[action])}</h4>
      {errors.other.length > 0 && (
        <ul class="hisho-form-errors" role="alert">
          {errors.other.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {action === 'reject' && (
        <label class="hisho-form-field hisho-form-reason">
          <span class="hisho-form-label">
            {t('plans.pane.decide.reason')}
            <span class="hisho-form-required"> *</span>
          </span>
          <textarea name="reason" rows={3} value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
          <FieldErrors messages={errors.fields.reason} />
        </label>
      )}
      <label class="hisho-form-field hisho-form-comments">
        <span class="hisho-form-label">
          {t('plans.pane.decide.comments')}
          {action === 'request_revision' && <span class="hisho-form-required"> *</span>}
        </span>
        <textarea
          name="comments"
          rows={3}
          value={form.comments}
          placeholder={action === 'request_revision' ? t('plans.pane.decide.comments.revision') : undefined}
          onInput={(e) => setForm({ ...form, comments: e.currentTarget.value })}
        />
        <FieldErrors messages={errors.fields.comments} />
      </label>
      {takesConditions(action) && (
        <TextListEditor
          name="conditions"
          label={t('plans.pane.decide.conditions')}
          placeholder={t('plans.pane.decide.condition.placeholder')}
          rows={form.conditions}
          onChange={(conditions) => {
            if (conditions.length < form.conditions.length) setErrors((e) => withoutRowErrors(e, 'conditions'));
            setForm({ ...form, conditions });
          }}
          errors={errors.fields}
          addLabel={t('plans.pane.decide.add-condition')}
          t={t}
        />
      )}
      {action === 'approve' && hasMilestones && (
        <label class="hisho-form-check">
          <input type="checkbox" name="createWorkflow" checked={form.createWorkflow} onChange={(e) => setForm({ ...form, createWorkflow: e.currentTarget.checked })} />
          {t('workflows.create-with-plan')}
        </label>
      )}
      <div class="hisho-form-buttons">
        <button type="submit" class={action === 'reject' ? 'mod-warning hisho-decision-submit' : 'mod-cta hisho-decision-submit'} disabled={sending}>
          {sending ? t('plans.pane.saving') : t(LABELS[action])}
        </button>
        <button type="button" class="hisho-form-cancel" onClick={onCancel}>
          {t('plans.pane.cancel')}
        </button>
      </div>
    </form>
  );
}

