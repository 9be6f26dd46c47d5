/** The selected result: an index into the list, or -1 for none. */
export type NavAction =
  | { type: 'down' | 'up'; count: number }
  | { type: 'select'; index: number }
  | { type: 'clear' };

/**
 * Keyboard movement through the results. It wraps at both ends, as Obsidian's own suggestion
 * lists do; from no selection, ↓ selects the first result and ↑ the last.
 */
export function navigate(selected: number, action: NavAction): number {
  switch (action.type) {
    case 'down':
      if (action.count <= 0) return -1;
      return selected < 0 || selected >= action.count - 1 ? 0 : selected + 1;
    case 'up':
      if (action.count <= 0) return -1;
      return selected <= 0 || selected >= action.count ? action.count - 1 : selected - 1;
    case 'select':
      return action.index;
    case 'clear':
      return -1;
  }
}

export type KeyIntent = 'down' | 'up' | 'open' | 'open-new-pane' | 'clear' | null;

/** What a key press in the search box means; Mod is Cmd on macOS and Ctrl elsewhere. */
export function keyIntent(key: string, mod: boolean, composing: boolean): KeyIntent {
  // Keys that confirm a Japanese IME conversion must not open a note.
  if (composing) return null;
  switch (key) {
    case 'ArrowDown':
      return 'down';
    case 'ArrowUp':
      return 'up';
    case 'Enter':
      return mod ? 'open-new-pane' : 'open';
    case 'Escape':
      return 'clear';
    default:
      return null;
  }
}
