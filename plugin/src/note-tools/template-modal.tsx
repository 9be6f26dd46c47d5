import { useState } from 'preact/hooks';
import type { TemplateListView } from '../daemon/librarian-schemas';
import type { Translate } from '../i18n';

type Template = TemplateListView['templates'][number];

interface TemplateFormProps {
  list: TemplateListView;
  t: Translate;
  /** Creates and opens the note; rejects with what went wrong. */
  create: (template: Template, title: string) => Promise<void>;
}

/** Picks one of the vault's templates and the new note's title. */
export function TemplateForm({ list, t, create }: TemplateFormProps) {
  const [index, setIndex] = useState(0);
  const [title, setTitle] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  if (list.folder === null) return <p class="hisho-tool-note">{t('template.no-folder')}</p>;
  if (!list.folderExists) return <p class="hisho-tool-note">{t('template.missing', { folder: list.folder })}</p>;
  if (list.templates.length === 0) return <p class="hisho-tool-note">{t('template.empty', { folder: list.folder })}</p>;

  const submit = async (evt: Event) => {
    evt.preventDefault();
    const template = list.templates[index];
    if (!template) return;
    setCreating(true);
    try {
      await create(template, title);
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
      setCreating(false);
    }
  };

  return (
    <form class="hisho-template-form" onSubmit={(evt) => void submit(evt)}>
      <label class="hisho-field">
        <span class="setting-item-name">{t('template.template')}</span>
        <select class="dropdown hisho-template-select" value={String(index)} onChange={(evt) => setIndex(Number(evt.currentTarget.value))}>
          {list.templates.map((template, i) => (
            <option key={template.path} value={String(i)}>
              {template.name}
            </option>
          ))}
        </select>
      </label>
      <label class="hisho-field">
        <span class="setting-item-name">{t('template.title')}</span>
        <input class="hisho-template-title" type="text" autofocus placeholder={t('template.untitled')} value={title} onInput={(evt) => setTitle(evt.currentTarget.value)} />
      </label>
      {failure && (
        <p class="hisho-error" role="alert">
          {failure}
        </p>
      )}
      <div class="modal-button-container">
        <button type="submit" class="hisho-template-create mod-cta" disabled={creating}>
          {t('template.create')}
        </button>
      </div>
    </form>
  );
}
