/** What the Librarian pane needs from Obsidian, given by its view (so the components know nothing of Obsidian). */
export interface NoteHost {
  /** Opens a note by its vault-relative path; `newPane` for Mod+Enter / Mod+click. */
  openNote(path: string, newPane: boolean): void;
  /** The active Markdown note's path, or null. */
  activePath(): string | null;
  /** Calls `listener` when another note becomes active; returns the unsubscribe function. */
  onActiveChange(listener: (path: string | null) => void): () => void;
  /** Whether a mouse or key event held Mod (Cmd on macOS, Ctrl elsewhere). */
  isMod(evt: MouseEvent | KeyboardEvent): boolean;
}
