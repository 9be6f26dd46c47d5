import { Platform, TFile, type WorkspaceLeaf } from 'obsidian';
import { render, type ComponentChild } from 'preact';
import { insertAtCursor } from '../note-tools/editor';
import { VIEWS } from './constants';
import type { NoteQuestion } from './librarian/chat/chat';
import type { NoteHost } from './librarian/host';
import type { IndexWatch } from './librarian/index-watch';
import { Librarian } from './librarian/librarian';
import { PreactView, type ViewDeps } from './preact-view';

/** What the Librarian pane needs from the plugin beyond every view's dependencies. */
export interface LibrarianDeps {
  /** The registered vault's id for the daemon's `vault` parameter, once known (vault-registration.ts). */
  vault: () => string | undefined;
  /** Opens Hisho's settings tab. */
  openSettings: () => void;
  /** The vault's index run, followed once for the plugin (the status bar shows it too). */
  index: IndexWatch;
}

export class LibrarianView extends PreactView {
  private readonly activeListeners = new Set<(path: string | null) => void>();
  private about: NoteQuestion | null = null;

  constructor(
    leaf: WorkspaceLeaf,
    deps: ViewDeps,
    private readonly librarian: LibrarianDeps,
  ) {
    super(leaf, VIEWS.librarian, deps);
  }

  /** Obsidian, as the Librarian's components need it. */
  private readonly host: NoteHost = {
    openNote: (path, newPane) => void this.app.workspace.openLinkText(path, '', newPane),
    activePath: () => markdownPath(this.app.workspace.getActiveFile()),
    onActiveChange: (listener) => {
      this.activeListeners.add(listener);
      return () => this.activeListeners.delete(listener);
    },
    isMod: (evt) => (Platform.isMacOS ? evt.metaKey : evt.ctrlKey),
    insertText: (text) => void insertAtCursor(this.app, text, this.deps.i18n.t),
    openSettings: () => this.librarian.openSettings(),
  };

  /** Shows the chat, its next questions about the note at `path`. */
  askAbout(path: string): void {
    this.about = { path, seq: (this.about?.seq ?? 0) + 1 };
    render(this.content(), this.contentEl);
  }

  override async onOpen(): Promise<void> {
    // Registered on the view, so Obsidian removes the handler when the view closes.
    this.registerEvent(
      this.app.workspace.on('file-open', (file) => {
        // Another file type (a canvas, a PDF) leaves the related notes as they were.
        if (file && !(file instanceof TFile && file.extension === 'md')) return;
        const path = markdownPath(file);
        for (const listener of this.activeListeners) listener(path);
      }),
    );
    await super.onOpen();
  }

  protected content(): ComponentChild {
    const { monitor, i18n, starter } = this.deps;
    return <Librarian monitor={monitor} i18n={i18n} host={this.host} vault={this.librarian.vault} index={this.librarian.index} starter={starter} about={this.about} />;
  }
}

function markdownPath(file: TFile | null): string | null {
  return file && file.extension === 'md' ? file.path : null;
}
