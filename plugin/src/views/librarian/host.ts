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
  /** Inserts text at the cursor of the note last edited; says so in a notice when no note is open. */
  insertText(text: string): void;
  /** Opens Hisho's tab of Obsidian's settings (where the librarian's assistant is chosen). */
  openSettings(): void;
}
