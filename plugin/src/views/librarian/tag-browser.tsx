import { useCallback, useEffect, useState } from 'preact/hooks';
import type { TagsResponse } from '../../../../shared/contracts/search';
import type { ConnectionMonitor } from '../../connection';
import type { Translate } from '../../i18n';
import { daemonClient } from './daemon';
import { errorSentence } from './error-text';
import { tagRows } from './query';

interface TagBrowserProps {
  monitor: ConnectionMonitor;
  vault: () => string | undefined;
  t: Translate;
  connected: boolean;
  /** Changes when an index run ends: the counts are read again. */
  refresh: number;
  /** The tag filter in use, highlighted in the list. */
  activeTag: string;
  onPick: (tag: string) => void;
  /** Called with the tags once loaded, for the tag filter's suggestions. */
  onTags: (tags: TagsResponse['tags']) => void;
}

/** The vault's tags with their note counts, nested tags indented under their parents; a click filters. */
export function TagBrowser({ monitor, vault, t, connected, refresh, activeTag, onPick, onTags }: TagBrowserProps) {
  const [tags, setTags] = useState<TagsResponse['tags'] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const response = await (await daemonClient(monitor)).tags(vault());
      setTags(response.tags);
      setError(null);
      onTags(response.tags);
    } catch (e) {
      setError(e);
    }
  }, [monitor, vault, onTags]);

  useEffect(() => {
    if (connected) void load();
  }, [connected, load, refresh]);

  return (
    <details
      class="hisho-section hisho-tags"
      // The counts change as the vault is indexed: opening the section reads them again.
      onToggle={(evt) => evt.currentTarget.open && connected && void load()}
    >
      <summary class="hisho-section-title">
        {t('librarian.tags.title')}
        {tags && <span class="hisho-section-count">{tags.length}</span>}
      </summary>
      {error !== null && <p class="hisho-section-note hisho-error">{errorSentence(error, t)}</p>}
      {tags && tags.length === 0 && <p class="hisho-section-note">{t('librarian.tags.empty')}</p>}
      {tags && tags.length > 0 && (
        <ul class="hisho-tag-tree">
          {tagRows(tags).map((row) => (
            <li key={row.tag} class="hisho-tag-row" data-tag={row.tag} data-depth={row.depth}>
              <button
                type="button"
                class={row.tag === activeTag ? 'hisho-tag-button is-active' : 'hisho-tag-button'}
                // Indentation by depth: a CSS variable, not an inline style (Obsidian's guidelines).
                data-indent={Math.min(row.depth, 6)}
                aria-pressed={row.tag === activeTag}
                title={t('librarian.tags.filter', { tag: row.tag })}
                onClick={() => onPick(row.tag)}
              >
                <span class="hisho-tag-name">#{row.label}</span>
                <span class="hisho-tag-count">{row.total}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
