import { Notice, TFile, type App, type Plugin } from 'obsidian';
import { renderTemplate, type TemplateContext } from '../../../shared/templates/render';
import type { ConnectionMonitor } from '../connection';
import { LibrarianApi } from '../daemon/librarian-client';
import type { I18n, MessageKey } from '../i18n';
import { daemonClient } from '../views/librarian/daemon';
import { insertAtCursor } from './editor';
import { baseName, newNotePath } from './note-name';
import { mergeTags } from './tags';
import { TemplateForm } from './template-modal';
import { openToolModal, type ToolModalOptions } from './tool-modal';
import { CategoryResult, LinksResult, SummaryResult, TagChoice } from './tool-results';

export interface NoteCommandDeps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  /** The registered vault's id for the daemon's `vault` parameter, once known. */
  vault: () => string | undefined;
  /** Opens the Librarian's chat about the note at `path`. */
  askAbout: (path: string) => Promise<void>;
  openSettings: () => void;
}

/**
 * The librarian's commands on the active note (ask about it, tags, summary, category, links) and
 * "New note from template". The daemon reads and answers; what is written to the vault (tags, the
 * new note, inserted text) is written here, through Obsidian's API.
 */
export function registerNoteCommands(plugin: Plugin, deps: NoteCommandDeps): void {
  const { app } = plugin;
  const { i18n, vault } = deps;
  const { t } = i18n;
  const api = async () => new LibrarianApi(await daemonClient(deps.monitor));
  const insert = (close: () => void) => (text: string) => insertAtCursor(app, text, t) && close();

  /** A command shown only while a Markdown note is active. */
  const onNote = (id: string, nameKey: MessageKey, run: (file: TFile) => unknown) =>
    plugin.addCommand({
      id,
      name: t(nameKey),
      checkCallback: (checking) => {
        const file = app.workspace.getActiveFile();
        if (!file || file.extension !== 'md') return false;
        if (!checking) void run(file);
        return true;
      },
    });

  const tool = <T,>(file: TFile, titleKey: MessageKey, cls: string, load: (api: LibrarianApi, signal: AbortSignal) => Promise<T>, result: ToolModalOptions<T>['result']) =>
    openToolModal(app, {
      title: t(titleKey, { title: file.basename }),
      waiting: t('tool.reading', { title: file.basename }),
      load: async (signal) => load(await api(), signal),
      result,
      t,
      openSettings: deps.openSettings,
      cls,
    });

  onNote('ask-about-note', 'command.ask-about-note', (file) => deps.askAbout(file.path));

  onNote('suggest-tags', 'command.suggest-tags', (file) =>
    tool(
      file,
      'tool.tags',
      'hisho-tags-modal',
      (a: LibrarianApi, signal: AbortSignal) => a.suggestTags(file.path, vault(), signal),
      (result, close) => (
        <TagChoice
          result={result}
          t={t}
          apply={async (tags) => {
            let added: string[] = [];
            await app.fileManager.processFrontMatter(file, (frontmatter: Record<string, unknown>) => {
              added = mergeTags(frontmatter, tags);
            });
            new Notice(t('tool.tags.added', { title: file.basename, tags: added.map((tag) => `#${tag}`).join(' ') }));
            close();
          }}
        />
      ),
    ),
  );

  onNote('summarize-note', 'command.summarize', (file) =>
    tool(file, 'tool.summary', 'hisho-summary-modal', (a: LibrarianApi, signal: AbortSignal) => a.summarize(file.path, vault(), signal), (result, close) => (
      <SummaryResult result={result} t={t} insert={insert(close)} />
    )),
  );

  onNote('categorize-note', 'command.categorize', (file) =>
    tool(file, 'tool.category', 'hisho-category-modal', (a: LibrarianApi, signal: AbortSignal) => a.categorize(file.path, vault(), signal), (result) => <CategoryResult result={result} t={t} />),
  );

  onNote('suggest-links', 'command.suggest-links', (file) =>
    tool(file, 'tool.links', 'hisho-links-modal', (a: LibrarianApi, signal: AbortSignal) => a.suggestLinks(file.path, vault(), signal), (result, close) => (
      <LinksResult
        result={result}
        t={t}
        open={(path) => {
          close();
          void app.workspace.openLinkText(path, file.path, false);
        }}
        insertLink={(path) => {
          const target = app.vault.getFileByPath(path);
          insert(close)(target ? app.fileManager.generateMarkdownLink(target, file.path) : `[[${baseName(path)}]]`);
        }}
      />
    )),
  );

  plugin.addCommand({
    id: 'new-note-from-template',
    name: t('command.new-from-template'),
    callback: () =>
      openToolModal(app, {
        title: t('command.new-from-template'),
        waiting: t('librarian.loading'),
        load: async () => Promise.all([(await api()).templates(vault(), app.vault.configDir), coreTemplateSettings(app)]),
        result: ([list, core], close) => {
          const vaultId = vault();
          return (
            <TemplateForm
              list={list}
              t={t}
              suggestedFolder={core.folder ?? ''}
              setFolder={
                vaultId === undefined
                  ? null
                  : async (folder) => {
                      const daemon = await api();
                      await daemon.setTemplateFolder(vaultId, folder);
                      return daemon.templates(vaultId, app.vault.configDir);
                    }
              }
              create={async (template, title) => {
                await createFromTemplate(app, template.content, title, { ...core, locale: i18n.language, untitled: t('template.untitled') });
                close();
              }}
            />
          );
        },
        t,
        openSettings: deps.openSettings,
        cls: 'hisho-template-modal',
      }),
  });
}

/** What the new note's placeholders are filled with, beside its title. */
type TemplateFormats = Pick<TemplateContext, 'locale' | 'dateFormat' | 'timeFormat'>;

/**
 * Creates a note from a template in the active note's folder (the vault's root without one),
 * named after `title` (numbered when taken), and opens it.
 */
async function createFromTemplate(app: App, template: string, title: string, options: TemplateFormats & { untitled: string }): Promise<TFile> {
  const folder = app.workspace.getActiveFile()?.parent?.path ?? '';
  const taken = new Set(app.vault.getFiles().map((f) => f.path.toLowerCase()));
  const path = newNotePath(folder, title, (p) => taken.has(p.toLowerCase()), options.untitled);
  const { locale, dateFormat, timeFormat } = options;
  const content = renderTemplate(template, { title: baseName(path), now: new Date(), locale, dateFormat, timeFormat });
  const file = await app.vault.create(path, content);
  await app.workspace.openLinkText(file.path, '', false);
  return file;
}

/** The folder and formats of Obsidian's Templates core plugin (`<config>/templates.json`), where set. */
async function coreTemplateSettings(app: App): Promise<{ folder?: string; dateFormat?: string; timeFormat?: string }> {
  const settings: { folder?: string; dateFormat?: string; timeFormat?: string } = {};
  try {
    const saved = JSON.parse(await app.vault.adapter.read(`${app.vault.configDir}/templates.json`)) as Record<string, unknown>;
    for (const key of ['folder', 'dateFormat', 'timeFormat'] as const) {
      const value = saved[key];
      if (typeof value === 'string' && value.trim()) settings[key] = value;
    }
  } catch {
    // The core plugin was never set up: Obsidian's defaults.
  }
  return settings;
}
