import type { ComponentChildren } from 'preact';
import type { Translate } from '../../i18n';
import type { DiffPart } from './diff-model';

/** Runs of a diff as text: insertions in <ins>, deletions in <del>, styled by class (never as HTML). */
export function DiffParts({ parts }: { parts: readonly DiffPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.op === 'insert' ? (
          <ins key={i} class="hisho-diff-insert">
            {part.text}
          </ins>
        ) : part.op === 'delete' ? (
          <del key={i} class="hisho-diff-delete">
            {part.text}
          </del>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}

/** The daemon's complaints about one input, under it. */
export function FieldErrors({ messages }: { messages: readonly string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul class="hisho-field-errors" role="alert">
      {messages.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  );
}

/** A labelled block of the plan, left out when it has nothing to show. */
export function Section({ title, children, kind }: { title: string; kind: string; children: ComponentChildren }) {
  return (
    <section class={`hisho-plan-section hisho-plan-section-${kind}`}>
      <h4 class="hisho-plan-section-title">{title}</h4>
      {children}
    </section>
  );
}

/** "← Plans": back to the pane's list, at the top of every page below it. */
export function BackButton({ onClick, t }: { onClick: () => void; t: Translate }) {
  return (
    <button type="button" class="hisho-plan-back" onClick={onClick}>
      ← {t('plans.pane.back')}
    </button>
  );
}
