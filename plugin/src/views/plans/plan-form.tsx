import { useState } from 'preact/hooks';
import type { Translate } from '../../i18n';
import { emptyCost, emptyMilestone, emptyPerson, NO_ERRORS, withoutRowErrors, type FormErrors, type PlanForm } from './form';
import { ListEditor, TextListEditor } from './list-editor';
import { FieldErrors } from './parts';

export interface PlanFormProps {
  initial: PlanForm;
  /** Sends the form; resolves to the daemon's complaints (the form stays, as typed), or null when it was accepted. */
  onSubmit: (form: PlanForm) => Promise<FormErrors | null>;
  onCancel: () => void;
  submitLabel: string;
  /** A revised plan records a change summary with its new version. */
  askChangeSummary: boolean;
  t: Translate;
}

type TextField = 'title' | 'description' | 'objective' | 'scope' | 'riskAssessment' | 'startDate' | 'endDate' | 'currency' | 'changeSummary';
type ListField = 'milestones' | 'people' | 'costItems' | 'dependencies' | 'successCriteria';

/** The create and edit form: every field of a plan, the daemon's complaints next to the inputs they name. */
export function PlanFormView({ initial, onSubmit, onCancel, submitLabel, askChangeSummary, t }: PlanFormProps) {
  const [form, setForm] = useState<PlanForm>(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);

  const setText = (field: TextField, value: string) => setForm((f) => ({ ...f, [field]: value }));
  function setList<K extends ListField>(field: K, rows: PlanForm[K]) {
    if (rows.length < form[field].length) setErrors((e) => withoutRowErrors(e, field));
    setForm((f) => ({ ...f, [field]: rows }));
  }

  const submit = async (evt: Event) => {
    evt.preventDefault();
    setSaving(true);
    try {
      setErrors((await onSubmit(form)) ?? NO_ERRORS);
    } finally {
      setSaving(false);
    }
  };

  const text = (field: TextField, label: string, options: { multiline?: boolean; type?: string; placeholder?: string; required?: boolean } = {}) => (
    <label class={`hisho-form-field hisho-form-${field}`}>
      <span class="hisho-form-label">
        {label}
        {options.required && <span class="hisho-form-required"> *</span>}
      </span>
      {options.multiline ? (
        <textarea name={field} rows={3} value={form[field]} placeholder={options.placeholder} onInput={(e) => setText(field, e.currentTarget.value)} />
      ) : (
        <input name={field} type={options.type ?? 'text'} value={form[field]} placeholder={options.placeholder} onInput={(e) => setText(field, e.currentTarget.value)} />
      )}
      <FieldErrors messages={errors.fields[field]} />
    </label>
  );
  const listProps = { errors: errors.fields, t };

  return (
    <form class="hisho-plan-form" onSubmit={(e) => void submit(e)} noValidate>
      {(errors.other.length > 0 || Object.keys(errors.fields).length > 0) && (
        <div class="hisho-form-errors" role="alert">
          <p>{t('plans.pane.form.invalid')}</p>
          {errors.other.length > 0 && (
            <ul>
              {errors.other.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {text('title', t('plans.pane.field.title'), { required: true })}
      {text('description', t('plans.pane.field.description'), { multiline: true })}
      {text('objective', t('plans.pane.field.objective'), { multiline: true, required: true })}
      {text('scope', t('plans.pane.field.scope'), { multiline: true })}
      <div class="hisho-form-dates">
        {text('startDate', t('plans.pane.field.start'), { type: 'date', required: true })}
        {text('endDate', t('plans.pane.field.end'), { type: 'date', required: true })}
      </div>
      <ListEditor
        {...listProps}
        name="milestones"
        label={t('plans.pane.field.milestones')}
        rows={form.milestones}
        onChange={(rows) => setList('milestones', rows)}
        empty={emptyMilestone}
        addLabel={t('plans.pane.form.add-milestone')}
        renderRow={(m, set) => (
          <>
            <input type="text" class="hisho-milestone-name" value={m.name} placeholder={t('plans.pane.field.name')} aria-label={t('plans.pane.field.name')} onInput={(e) => set({ ...m, name: e.currentTarget.value })} />
            <input type="date" class="hisho-milestone-date" value={m.date} aria-label={t('plans.pane.field.date')} onInput={(e) => set({ ...m, date: e.currentTarget.value })} />
            <input type="text" class="hisho-milestone-description" value={m.description} placeholder={t('plans.pane.field.details')} aria-label={t('plans.pane.field.details')} onInput={(e) => set({ ...m, description: e.currentTarget.value })} />
          </>
        )}
      />
      <ListEditor
        {...listProps}
        name="people"
        label={t('plans.pane.field.people')}
        rows={form.people}
        onChange={(rows) => setList('people', rows)}
        empty={emptyPerson}
        addLabel={t('plans.pane.form.add-person')}
        renderRow={(p, set) => (
          <>
            <input type="text" class="hisho-person-name" value={p.name} placeholder={t('plans.pane.field.name')} aria-label={t('plans.pane.field.name')} onInput={(e) => set({ ...p, name: e.currentTarget.value })} />
            <input type="text" class="hisho-person-role" value={p.role} placeholder={t('plans.pane.field.role')} aria-label={t('plans.pane.field.role')} onInput={(e) => set({ ...p, role: e.currentTarget.value })} />
            <input type="number" class="hisho-person-allocation" min={0} max={100} value={p.allocation} placeholder="%" aria-label={t('plans.pane.field.allocation')} onInput={(e) => set({ ...p, allocation: e.currentTarget.value })} />
          </>
        )}
      />
      {text('currency', t('plans.pane.field.currency'), { placeholder: 'JPY' })}
      <ListEditor
        {...listProps}
        name="costItems"
        label={t('plans.pane.field.cost')}
        rows={form.costItems}
        onChange={(rows) => setList('costItems', rows)}
        empty={emptyCost}
        addLabel={t('plans.pane.form.add-cost')}
        renderRow={(c, set) => (
          <>
            <input type="text" class="hisho-cost-name" value={c.name} placeholder={t('plans.pane.field.item')} aria-label={t('plans.pane.field.item')} onInput={(e) => set({ ...c, name: e.currentTarget.value })} />
            <input type="number" class="hisho-cost-amount" min={0} value={c.amount} aria-label={t('plans.pane.field.amount')} onInput={(e) => set({ ...c, amount: e.currentTarget.value })} />
          </>
        )}
      />
      <TextListEditor
        {...listProps}
        name="dependencies"
        label={t('plans.pane.field.dependencies')}
        rows={form.dependencies}
        onChange={(rows) => setList('dependencies', rows)}
        addLabel={t('plans.pane.form.add-dependency')}
      />
      {text('riskAssessment', t('plans.pane.field.risks'), { multiline: true })}
      <TextListEditor
        {...listProps}
        name="successCriteria"
        label={t('plans.pane.field.success-criteria')}
        rows={form.successCriteria}
        onChange={(rows) => setList('successCriteria', rows)}
        addLabel={t('plans.pane.form.add-criterion')}
      />
      {askChangeSummary && text('changeSummary', t('plans.pane.field.change-summary'), { placeholder: t('plans.pane.field.change-summary.placeholder') })}
      <div class="hisho-form-buttons">
        <button type="submit" class="mod-cta hisho-form-submit" disabled={saving}>
          {saving ? t('plans.pane.saving') : submitLabel}
        </button>
        <button type="button" class="hisho-form-cancel" onClick={onCancel}>
          {t('plans.pane.cancel')}
        </button>
      </div>
    </form>
  );
}
