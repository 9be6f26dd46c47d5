import { useState } from 'preact/hooks';
import type { CategorizationView, LinkSuggestionsView, SummaryView, TagSuggestionsView } from '../daemon/librarian-schemas';
import type { Translate } from '../i18n';
import { failureSentence } from '../views/librarian/error-text';
import { TextActions } from '../views/text-actions';
import { tagKey } from './tags';

/** The librarian's suggested tags, each with its reason, to tick and add; nothing is written before the person confirms. */
export function TagChoice({ result, t, apply }: { result: TagSuggestionsView; t: Translate; apply: (tags: string[]) => Promise<void> }) {
  const current = new Set(result.currentTags.map(tagKey));
  const suggestions = result.suggestions.filter((s) => !current.has(tagKey(s.tag)));
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(suggestions.map((s) => s.tag)));
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const toggle = (tag: string, on: boolean) =>
    setChosen((set) => {
      const next = new Set(set);
      if (on) next.add(tag);
      else next.delete(tag);
      return next;
    });
  const confirm = async () => {
    setSaving(true);
    try {
      await apply(suggestions.filter((s) => chosen.has(s.tag)).map((s) => s.tag));
    } catch (e) {
      setFailure(failureSentence(e, t));
      setSaving(false);
    }
  };

  return (
    <div class="hisho-tags-choice">
      {result.currentTags.length > 0 && <p class="hisho-tool-note">{t('tool.tags.now', { tags: result.currentTags.map((tag) => `#${tag}`).join(' ') })}</p>}
      {suggestions.length === 0 && <p class="hisho-tool-note">{t('tool.tags.none')}</p>}
      <ul class="hisho-tool-list">
        {suggestions.map((s) => (
          <li key={s.tag} class="hisho-tag-suggestion" data-tag={s.tag}>
            <label>
              <input type="checkbox" checked={chosen.has(s.tag)} onChange={(evt) => toggle(s.tag, evt.currentTarget.checked)} />
              <span class="hisho-tag">#{s.tag}</span>
              {s.isNew && <span class="hisho-tag-new">{t('tool.tags.new')}</span>}
            </label>
            <div class="hisho-tool-reason">{s.reason}</div>
          </li>
        ))}
      </ul>
      {failure && (
        <p class="hisho-error" role="alert">
          {failure}
        </p>
      )}
      <div class="modal-button-container">
        <button type="button" class="hisho-tags-apply mod-cta" disabled={chosen.size === 0 || saving} onClick={() => void confirm()}>
          {t('tool.tags.add')}
        </button>
      </div>
    </div>
  );
}

/** The summary as Markdown: the text, then its key points as a list. */
export function summaryMarkdown(result: SummaryView): string {
  const points = result.keyPoints.map((p) => `- ${p}`).join('\n');
  return points ? `${result.summary}\n\n${points}\n` : `${result.summary}\n`;
}

export function SummaryResult({ result, t, insert }: { result: SummaryView; t: Translate; insert: (text: string) => void }) {
  return (
    <div class="hisho-summary">
      <p class="hisho-summary-text">{result.summary}</p>
      {result.keyPoints.length > 0 && (
        <ul class="hisho-summary-points">
          {result.keyPoints.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      <TextActions text={summaryMarkdown(result)} t={t} insert={insert} cls="modal-button-container" />
    </div>
  );
}

export function CategoryResult({ result, t }: { result: CategorizationView; t: Translate }) {
  return (
    <div class="hisho-category" data-category={result.category ?? ''}>
      <p class="hisho-category-name">{result.category ?? t('tool.category.none')}</p>
      <p class="hisho-tool-reason">{result.reason}</p>
      <p class="hisho-tool-note">{t('tool.category.from', { categories: result.categories.join(', ') })}</p>
    </div>
  );
}

export function LinksResult({ result, t, open, insertLink }: { result: LinkSuggestionsView; t: Translate; open: (path: string) => void; insertLink: (path: string) => void }) {
  if (result.suggestions.length === 0) return <p class="hisho-tool-note">{t('tool.links.none')}</p>;
  return (
    <ul class="hisho-tool-list">
      {result.suggestions.map((s) => (
        <li key={s.path} class="hisho-link-suggestion" data-path={s.path}>
          <a
            href="#"
            class="hisho-link-open"
            onClick={(evt) => {
              evt.preventDefault();
              open(s.path);
            }}
          >
            {s.title}
          </a>{' '}
          <button type="button" class="hisho-link-insert" onClick={() => insertLink(s.path)}>
            {t('tool.links.insert')}
          </button>
          <div class="hisho-tool-reason">{s.reason}</div>
        </li>
      ))}
    </ul>
  );
}
