/** What the Plans pane needs from Obsidian, given by its view (so the components know nothing of Obsidian). */
export interface PlanNoteHost {
  /** The vault path of the plan's note, or null when it has none. */
  notePath(planId: number): string | null;
  /** Creates the plan's note, or brings the existing one up to date; resolves to its path. */
  writeNote(planId: number): Promise<string>;
  openNote(path: string): void;
  /** Calls `listener` when notes change (one may have become or stopped being a plan note); returns the unsubscribe function. */
  onNotesChange(listener: () => void): () => void;
  /** Today, YYYY-MM-DD in the person's time zone (a new plan starts today). */
  today(): string;
}
