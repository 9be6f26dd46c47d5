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

/** One input of a list row, named by its field (`hisho-row-name`…); its label is its placeholder too. */
function cell<R extends object>(row: R, field: keyof R & string, set: (row: R) => void, label: string, type = 'text') {
  return (
    <input
      type={type}
      class={`hisho-row-${field}`}
      value={String(row[field])}
      placeholder={type === 'text' ? label : undefined}
      aria-label={label}
      onInput={(e) => set({ ...row, [field]: e.currentTarget.value })}
    />
  );
}

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
      {text('description', t('plans.note.column.description'), { multiline: true })}
      {text('objective', t('plans.note.heading.objective'), { multiline: true, required: true })}
      {text('scope', t('plans.note.heading.scope'), { multiline: true })}
      <div class="hisho-form-dates">
        {text('startDate', t('plans.pane.field.start'), { type: 'date', required: true })}
        {text('endDate', t('plans.pane.field.end'), { type: 'date', required: true })}
      </div>
      <ListEditor
        {...listProps}
        name="milestones"
        label={t('plans.note.gantt.milestones')}
        rows={form.milestones}
        onChange={(rows) => setList('milestones', rows)}
        empty={emptyMilestone}
        addLabel={t('plans.pane.form.add-milestone')}
        renderRow={(m, set) => (
          <>
            {cell(m, 'name', set, t('plans.pane.field.name'))}
            {cell(m, 'date', set, t('plans.note.column.date'), 'date')}
            {cell(m, 'description', set, t('plans.note.column.description'))}
          </>
        )}
      />
      <ListEditor
        {...listProps}
        name="people"
        label={t('plans.note.heading.people')}
        rows={form.people}
        onChange={(rows) => setList('people', rows)}
        empty={emptyPerson}
        addLabel={t('plans.pane.form.add-person')}
        renderRow={(p, set) => (
          <>
            {cell(p, 'name', set, t('plans.pane.field.name'))}
            {cell(p, 'role', set, t('plans.pane.field.role'))}
            {cell(p, 'allocation', set, t('plans.pane.field.allocation'), 'number')}
          </>
        )}
      />
      {text('currency', t('plans.pane.field.currency'), { placeholder: 'JPY' })}
      <ListEditor
        {...listProps}
        name="costItems"
        label={t('plans.note.heading.cost')}
        rows={form.costItems}
        onChange={(rows) => setList('costItems', rows)}
        empty={emptyCost}
        addLabel={t('plans.pane.form.add-cost')}
        renderRow={(c, set) => (
          <>
            {cell(c, 'name', set, t('plans.note.column.item'))}
            {cell(c, 'amount', set, t('plans.note.column.amount'), 'number')}
          </>
        )}
      />
      <TextListEditor
        {...listProps}
        name="dependencies"
        label={t('plans.note.heading.dependencies')}
        rows={form.dependencies}
        onChange={(rows) => setList('dependencies', rows)}
        addLabel={t('plans.pane.form.add-dependency')}
      />
      {text('riskAssessment', t('plans.note.heading.risks'), { multiline: true })}
      <TextListEditor
        {...listProps}
        name="successCriteria"
        label={t('plans.note.heading.success-criteria')}
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
