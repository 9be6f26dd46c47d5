import type { TopicSource } from './form';

/** What the Discussions pane needs from Obsidian, given by its view (so the components know nothing of Obsidian). */
export interface DiscussionHost {
  /** The editor's selection and the active note, where a new discussion's topic comes from. */
  topicSource(): TopicSource;
  /** Opens a note by its link text or vault path. */
  openNote(linktext: string): void;
  /** Writes a new note into the vault (never over an existing one), opens it, and returns its path. */
  saveNote(fileName: string, markdown: string): Promise<string>;
  /** Draws one of Obsidian's icons into `el`; leaves it empty for an unknown name. */
  setIcon(el: HTMLElement, name: string): void;
  /** The registered vault's id, for the discussion to consult; null when not known yet. */
  vaultId(): number | null;
  /** Shows the plan in the Plans pane (opening the pane if needed). */
  openPlan(planId: number): Promise<void>;
}

/**
 * Requests that reach the pane from outside it (the "start a discussion about the selection"
 * command): the latest waits until the pane is listening, so a pane that is still opening gets it.
 */
export class PaneRequests {
  private pending: TopicSource | null = null;
  private listener: ((source: TopicSource) => void) | null = null;

  newDiscussion(source: TopicSource): void {
    if (this.listener) this.listener(source);
    else this.pending = source;
  }

  /** Returns the unsubscribe function. */
  listen(listener: (source: TopicSource) => void): () => void {
    this.listener = listener;
    const pending = this.pending;
    this.pending = null;
    if (pending) listener(pending);
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }
}
