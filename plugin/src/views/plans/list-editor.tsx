import type { ComponentChildren } from 'preact';
import type { Translate } from '../../i18n';
import { FieldErrors } from './parts';

export interface ListEditorProps<T> {
  /** The list's key in the form's errors (`conditions`, `milestones`…); row errors are `<key>.<row>[.<field>]`. */
  name: string;
  label: string;
  rows: readonly T[];
  onChange: (rows: T[]) => void;
  empty: () => T;
  /** The inputs of one row; `set` replaces the row. */
  renderRow: (row: T, set: (row: T) => void, index: number) => ComponentChildren;
  errors: Readonly<Record<string, string[]>>;
  addLabel: string;
  t: Translate;
}

/**
 * A list the person edits row by row: add a row, remove any row, and the daemon's complaints next
 * to the row (and the input) they are about. Used for milestones, people, costs, dependencies,
 * success criteria and approval conditions.
 */
export function ListEditor<T>({ name, label, rows, onChange, empty, renderRow, errors, addLabel, t }: ListEditorProps<T>) {
  const rowErrors = (i: number) => Object.entries(errors).filter(([key]) => key === `${name}.${i}` || key.startsWith(`${name}.${i}.`));
  return (
    <fieldset class="hisho-list-editor" data-list={name}>
      <legend>{label}</legend>
      <FieldErrors messages={errors[name]} />
      {rows.map((row, i) => (
        <div class="hisho-list-row" key={i} data-row={i}>
          <div class="hisho-list-row-inputs">
            {renderRow(row, (next) => onChange(rows.map((r, j) => (j === i ? next : r))), i)}
          </div>
          <button
            type="button"
            class="hisho-list-remove"
            aria-label={t('plans.pane.list.remove')}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
          <FieldErrors messages={rowErrors(i).flatMap(([, messages]) => messages)} />
        </div>
      ))}
      <button type="button" class="hisho-list-add" onClick={() => onChange([...rows, empty()])}>
        {addLabel}
      </button>
    </fieldset>
  );
}

/** A list of plain lines (conditions, success criteria, dependencies). */
export function TextListEditor(props: Omit<ListEditorProps<string>, 'empty' | 'renderRow'> & { placeholder?: string }) {
  return (
    <ListEditor
      {...props}
      empty={() => ''}
      renderRow={(text, set) => (
        <input type="text" class="hisho-list-text" value={text} placeholder={props.placeholder} aria-label={props.label} onInput={(e) => set(e.currentTarget.value)} />
      )}
    />
  );
}
