import { useEffect, useRef } from 'preact/hooks';
import type { SearchResult } from '../../../../shared/contracts/search';
import type { Translate } from '../../i18n';
import { folderOf } from './query';
import { SnippetView } from './snippet-view';

export const RESULTS_ID = 'hisho-librarian-results';
export const optionId = (index: number): string => `${RESULTS_ID}-${index}`;

interface ResultListProps {
  results: SearchResult[];
  selected: number;
  t: Translate;
  onOpen: (index: number, evt: MouseEvent) => void;
}

export function ResultList({ results, selected, t, onOpen }: ResultListProps) {
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (selected < 0) return;
    listRef.current?.children[selected]?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  return (
    <ul class="hisho-results" id={RESULTS_ID} role="listbox" aria-label={t('librarian.results.label')} ref={listRef}>
      {results.map((result, i) => {
        const folder = folderOf(result.path);
        return (
          <li
            key={result.path}
            id={optionId(i)}
            role="option"
            aria-selected={i === selected}
            class={i === selected ? 'hisho-result is-selected' : 'hisho-result'}
            data-path={result.path}
            onClick={(evt) => onOpen(i, evt)}
          >
            <div class="hisho-result-title">{result.title}</div>
            {folder && <div class="hisho-result-folder">{folder}</div>}
            {result.snippet.text && <SnippetView snippet={result.snippet} />}
            {result.tags.length > 0 && (
              <div class="hisho-result-tags">
                {result.tags.map((tag) => (
                  <span key={tag} class="hisho-tag">
                    #{tag}
                  </span>
                ))}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
