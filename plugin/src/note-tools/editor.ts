import { MarkdownView, Notice, type App } from 'obsidian';
import type { Translate } from '../i18n';

/**
 * Inserts `text` at the cursor (replacing the selection) of the note the person is editing: the
 * active Markdown view, else the one most recently active in the main area — a side pane has the
 * focus while its buttons are pressed. Says so in a notice when no note is open.
 */
export function insertAtCursor(app: App, text: string, t: Translate): boolean {
  const view = app.workspace.getActiveViewOfType(MarkdownView) ?? app.workspace.getMostRecentLeaf()?.view;
  if (!(view instanceof MarkdownView)) {
    new Notice(t('chat.no-note'));
    return false;
  }
  view.editor.replaceSelection(text);
  return true;
}

/** The private part of Obsidian's App that opens its settings at a plugin's tab (used by many plugins). */
interface SettingsWindow {
  open(): void;
  openTabById(id: string): void;
}

/** Opens Obsidian's settings at this plugin's tab. */
export function openPluginSettings(app: App, pluginId: string): void {
  const setting = (app as unknown as { setting?: SettingsWindow }).setting;
  setting?.open();
  setting?.openTabById(pluginId);
}
