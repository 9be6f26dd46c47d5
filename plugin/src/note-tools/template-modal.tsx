import { useState } from 'preact/hooks';
import type { TemplateListView } from '../daemon/librarian-schemas';
import type { Translate } from '../i18n';
import { failureSentence } from '../views/librarian/error-text';

type Template = TemplateListView['templates'][number];

interface TemplateFormProps {
  list: TemplateListView;
  t: Translate;
  /** Creates and opens the note; rejects with what went wrong. */
  create: (template: Template, title: string) => Promise<void>;
  /** Sets the vault's template folder and lists it; null when this vault cannot be changed from here. */
  setFolder: ((folder: string) => Promise<TemplateListView>) | null;
  /** Obsidian's own template folder (the Templates core plugin's), offered first when the vault's has no templates. */
  suggestedFolder: string;
}

/** Picks one of the vault's templates and the new note's title; without templates, where to find them. */
export function TemplateForm({ list: initial, t, create, setFolder, suggestedFolder }: TemplateFormProps) {
  const [list, setList] = useState(initial);
  const [index, setIndex] = useState(0);
  const [title, setTitle] = useState('');
  const [folder, setFolderText] = useState(suggestedFolder || (initial.folder ?? ''));
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Runs an action, showing what went wrong beside the buttons. */
  const act = async (evt: Event, action: () => Promise<void>) => {
    evt.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await action();
    } catch (e) {
      setFailure(failureSentence(e, t));
    }
    setBusy(false);
  };
  const error = failure && (
    <p class="hisho-error" role="alert">
      {failure}
    </p>
  );

  if (list.templates.length === 0) {
    const problem =
      list.folder === null ? t('template.no-folder') : list.folderExists ? t('template.empty', { folder: list.folder }) : t('template.missing', { folder: list.folder });
    return (
      <form
        class="hisho-template-folder"
        onSubmit={(evt) =>
          void act(evt, async () => {
            if (setFolder) setList(await setFolder(folder.trim()));
          })
        }
      >
        <p class="hisho-tool-note">{problem}</p>
        {setFolder && (
          <>
            <label class="hisho-field">
              <span class="setting-item-name">{t('template.folder')}</span>
              <input class="hisho-template-folder-input" type="text" value={folder} onInput={(evt) => setFolderText(evt.currentTarget.value)} />
            </label>
            {error}
            <div class="modal-button-container">
              <button type="submit" class="hisho-template-use-folder mod-cta" disabled={busy || folder.trim() === ''}>
                {t('template.use-folder')}
              </button>
            </div>
          </>
        )}
      </form>
    );
  }

  const submit = (evt: Event) =>
    act(evt, async () => {
      const template = list.templates[index];
      if (template) await create(template, title);
    });

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
      {error}
      <div class="modal-button-container">
        <button type="submit" class="hisho-template-create mod-cta" disabled={busy}>
          {t('template.create')}
        </button>
      </div>
    </form>
  );
}
