import { Platform, TFile, type WorkspaceLeaf } from 'obsidian';
import type { ComponentChild } from 'preact';
import { VIEWS } from './constants';
import type { NoteHost } from './librarian/host';
import { Librarian } from './librarian/librarian';
import { PreactView, type ViewDeps } from './preact-view';

export class LibrarianView extends PreactView {
  private readonly activeListeners = new Set<(path: string | null) => void>();

  constructor(
    leaf: WorkspaceLeaf,
    deps: ViewDeps,
    /** The registered vault's id for the daemon's `vault` parameter, once known (vault-registration.ts). */
    private readonly vault: () => string | undefined,
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
  };

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
    return <Librarian monitor={this.deps.monitor} i18n={this.deps.i18n} host={this.host} vault={this.vault} starter={this.deps.starter} />;
  }
}

function markdownPath(file: TFile | null): string | null {
  return file && file.extension === 'md' ? file.path : null;
}
