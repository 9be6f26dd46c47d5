import { normalizePath, setIcon, type App, type WorkspaceLeaf } from 'obsidian';
import type { ComponentChild } from 'preact';
import { VIEWS } from './constants';
import { Discussions } from './discussions/discussions';
import type { TopicSource } from './discussions/form';
import type { DiscussionHost, PaneRequests } from './discussions/host';
import { DISCUSSION_FOLDER, notePath } from './discussions/note-path';
import { PreactView, type ViewDeps } from './preact-view';

/** Where a new discussion's topic comes from: the editor's selection, else the active note. */
export function topicSourceOf(app: App): TopicSource {
  const file = app.workspace.getActiveFile();
  return {
    selection: app.workspace.activeEditor?.editor?.getSelection() ?? '',
    noteTitle: file && file.extension === 'md' ? file.basename : null,
  };
}

export class DiscussionsView extends PreactView {
  constructor(
    leaf: WorkspaceLeaf,
    deps: ViewDeps,
    private readonly requests: PaneRequests,
    /** The registered vault's id (vault-registration.ts), once known. */
    private readonly vault: () => string | undefined,
    /** Shows a plan in the Plans pane. */
    private readonly showPlan: (planId: number) => Promise<void>,
  ) {
    super(leaf, VIEWS.discussions, deps);
  }

  /** Obsidian, as the Discussions pane needs it. */
  private readonly host: DiscussionHost = {
    topicSource: () => topicSourceOf(this.app),
    openNote: (linktext) => void this.app.workspace.openLinkText(linktext, '', false),
    saveNote: async (fileName, markdown) => {
      const { vault } = this.app;
      // Written by the plugin through the vault API (the daemon never writes the vault).
      if (!vault.getAbstractFileByPath(DISCUSSION_FOLDER)) await vault.createFolder(DISCUSSION_FOLDER);
      const path = notePath(fileName, (p) => vault.getAbstractFileByPath(normalizePath(p)) !== null);
      await vault.create(normalizePath(path), markdown);
      await this.app.workspace.openLinkText(path, '', false);
      return path;
    },
    setIcon: (el, name) => setIcon(el, name),
    vaultId: () => {
      const id = Number(this.vault());
      return Number.isInteger(id) && id > 0 ? id : null;
    },
    openPlan: (planId) => this.showPlan(planId),
  };

  protected content(): ComponentChild {
    return <Discussions monitor={this.deps.monitor} i18n={this.deps.i18n} host={this.host} requests={this.requests} starter={this.deps.starter} />;
  }
}
