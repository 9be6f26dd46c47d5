import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TagsResponse } from '../../../../shared/contracts/search';
import type { IndexProgress } from '../../../../shared/contracts/vaults';
import type { ConnectionMonitor } from '../../connection';
import type { DaemonStarter } from '../../daemon-starter';
import type { I18n } from '../../i18n';
import { windowSchedule } from '../../schedule';
import { VIEWS } from '../constants';
import { ConnectionLine, EmptyState, useConnection, useLanguage } from '../empty-state';
import { LibrarianChat, type NoteQuestion } from './chat/chat';
import { daemonClient } from './daemon';
import { errorSentence } from './error-text';
import { useFolders } from './folder-list';
import type { NoteHost } from './host';
import { IndexProgressLine } from './index-progress';
import type { IndexWatch } from './index-watch';
import { keyIntent, navigate } from './nav';
import { EMPTY_QUERY, hasQuery, normalizeTag, searchParams, type LibrarianQuery } from './query';
import { RelatedNotes } from './related';
import { optionId, ResultList, RESULTS_ID } from './results';
import { IDLE, SearchRunner, type SearchState } from './search-runner';
import { TagBrowser } from './tag-browser';

/** The Search tab before a query: what to type there (the view's own empty state speaks of asking, which is the Ask tab). */
const SEARCH_EMPTY = { ...VIEWS.librarian, emptyTitleKey: 'librarian.search.empty.title', emptyBodyKey: 'librarian.search.empty.body' } as const;

export interface LibrarianProps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  host: NoteHost;
  /** The registered vault's id for the daemon's `vault` parameter, once known. */
  vault: () => string | undefined;
  /** The vault's index run, followed for the whole plugin (main.ts). */
  index: IndexWatch;
  starter?: DaemonStarter;
  /** A note to ask about (switches to the chat). */
  about: NoteQuestion | null;
}

type Mode = 'search' | 'chat';

const TAG_LIST_ID = 'hisho-librarian-tag-list';
const FOLDER_LIST_ID = 'hisho-librarian-folder-list';
const FILTERS_ID = 'hisho-librarian-filters';

/**
 * The Librarian pane: search as you type with filters, the active note's related notes and the tag
 * browser, and beside them the chat. Both stay mounted, so switching keeps a search and an answer
 * being streamed.
 */
export function Librarian({ monitor, i18n, host, vault, index, starter, about }: LibrarianProps) {
  const t = useLanguage(i18n);
  const status = useConnection(monitor);
  const connected = status.state === 'connected';
  const [query, setQuery] = useState<LibrarianQuery>(EMPTY_QUERY);
  const [search, setSearch] = useState<SearchState>(IDLE);
  const [selected, setSelected] = useState(-1);
  const [tagNames, setTagNames] = useState<string[]>([]);
  const [showFilters, setShowFilters] = useState(false);
  const [indexing, setIndexing] = useState<IndexProgress | null>(index.progress);
  /** Counts the index runs seen to their end: the sections that show counts read them again. */
  const [indexRuns, setIndexRuns] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const [mode, setMode] = useState<Mode>('search');
  // Switched while rendering, not in an effect: the chat must be visible when it takes the focus.
  const [shownAbout, setShownAbout] = useState(about);
  if (about !== shownAbout) {
    setShownAbout(about);
    if (about) setMode('chat');
  }

  const runner = useMemo(
    () =>
      new SearchRunner(async (q, offset, signal) => {
        const client = await daemonClient(monitor);
        const page = await client.search(searchParams(q, offset, vault()), signal);
        return { results: page.results, total: page.total, totalExact: page.totalExact !== false };
      }, setSearch, windowSchedule),
    [monitor, vault],
  );
  useEffect(() => () => runner.dispose(), [runner]);
  // While the vault is being indexed: its progress, then, when the run ends, the search again
  // (what it found during the run was incomplete). Opening the pane looks at the vault at once.
  useEffect(() => {
    setIndexing(index.progress);
    const unsubscribe = index.subscribe(setIndexing);
    index.checkNow();
    return unsubscribe;
  }, [index]);
  useEffect(
    () =>
      index.onFinished(() => {
        runner.retry();
        setIndexRuns((n) => n + 1);
      }),
    [index, runner],
  );
  const folders = useFolders(monitor, vault, connected && showFilters, indexRuns);
  useEffect(() => runner.update(query), [runner, query]);
  // New results, new selection: nothing selected until ↓.
  useEffect(() => setSelected(-1), [search.query, search.results.length === 0]);
  // A search that failed because the daemon was away runs again once it is back.
  useEffect(() => {
    if (connected && runner.current.error) runner.retry();
  }, [connected, runner]);

  const patch = (change: Partial<LibrarianQuery>) => setQuery((q) => ({ ...q, ...change }));
  const open = (index: number, newPane: boolean) => {
    const result = search.results[index];
    if (result) host.openNote(result.path, newPane);
  };
  const onTags = useCallback((tags: TagsResponse['tags']) => setTagNames(tags.map((tag) => tag.tag)), []);

  const onKeyDown = (evt: KeyboardEvent) => {
    const intent = keyIntent(evt.key, host.isMod(evt), evt.isComposing);
    if (!intent) return;
    const count = search.results.length;
    switch (intent) {
      case 'down':
      case 'up':
        setSelected((s) => navigate(s, { type: intent, count }));
        break;
      case 'open':
      case 'open-new-pane':
        open(selected >= 0 ? selected : 0, intent === 'open-new-pane');
        break;
      case 'clear':
        setQuery((q) => ({ ...q, text: '' }));
        setSelected(-1);
        break;
    }
    evt.preventDefault();
  };

  const filterCount = [query.tag, query.folder, query.since].filter((v) => v.trim() !== '').length;
  const active = hasQuery(query);
  const { results, total } = search;

  const tab = (key: Mode, label: string) => (
    <button type="button" role="tab" class="hisho-tab" data-tab={key} aria-selected={mode === key} onClick={() => setMode(key)}>
      {label}
    </button>
  );

  return (
    <div class="hisho-librarian" data-mode={mode}>
      <div class="hisho-tabs" role="tablist">
        {tab('search', t('tab.search'))}
        {tab('chat', t('tab.chat'))}
      </div>
      <div class="hisho-librarian-chat" role="tabpanel" hidden={mode !== 'chat'}>
        {!connected && <ConnectionLine monitor={monitor} i18n={i18n} starter={starter} />}
        <LibrarianChat monitor={monitor} i18n={i18n} host={host} vault={vault} about={about} />
      </div>
      <div class="hisho-librarian-search" role="tabpanel" hidden={mode !== 'search'}>
        <div class="hisho-search">
          <input
            ref={inputRef}
            class="hisho-search-input"
            type="search"
            enterKeyHint="search"
            spellcheck={false}
            placeholder={t('librarian.search.placeholder')}
            aria-label={t('librarian.search.label')}
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls={RESULTS_ID}
            aria-autocomplete="list"
            aria-activedescendant={selected >= 0 ? optionId(selected) : undefined}
            value={query.text}
            onInput={(evt) => patch({ text: evt.currentTarget.value })}
            onKeyDown={onKeyDown}
          />
          <button
            type="button"
            class={filterCount > 0 ? 'hisho-filters-toggle is-active' : 'hisho-filters-toggle'}
            aria-expanded={showFilters}
            aria-controls={FILTERS_ID}
            onClick={() => setShowFilters((v) => !v)}
          >
            {filterCount > 0 ? t('librarian.filters.active', { count: filterCount }) : t('librarian.filters')}
          </button>
        </div>

        <div class="hisho-filters" id={FILTERS_ID} hidden={!showFilters}>
          <label class="hisho-filter">
            <span class="hisho-filter-label">{t('librarian.filter.tag')}</span>
            <input
              class="hisho-filter-tag"
              type="text"
              list={TAG_LIST_ID}
              placeholder={t('librarian.filter.tag.placeholder')}
              value={query.tag}
              onInput={(evt) => patch({ tag: evt.currentTarget.value })}
            />
          </label>
          <datalist id={TAG_LIST_ID}>
            {tagNames.map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
          <label class="hisho-filter">
            <span class="hisho-filter-label">{t('librarian.filter.folder')}</span>
            <input
              class="hisho-filter-folder"
              type="text"
              list={FOLDER_LIST_ID}
              placeholder={t('librarian.filter.folder.placeholder')}
              value={query.folder}
              onInput={(evt) => patch({ folder: evt.currentTarget.value })}
            />
          </label>
          <datalist id={FOLDER_LIST_ID}>
            {folders.map(({ folder, total: notes }) => (
              <option key={folder} value={folder} label={`${folder} (${notes})`} />
            ))}
          </datalist>
          <label class="hisho-filter">
            <span class="hisho-filter-label">{t('librarian.filter.since')}</span>
            <input class="hisho-filter-since" type="date" value={query.since} onInput={(evt) => patch({ since: evt.currentTarget.value })} />
          </label>
          {filterCount > 0 && (
            <button type="button" class="hisho-filter-clear" onClick={() => patch({ tag: '', folder: '', since: '' })}>
              {t('librarian.filter.clear')}
            </button>
          )}
        </div>

        {indexing && <IndexProgressLine progress={indexing} t={t} />}

        {active && (
          <div
            class="hisho-search-status"
            aria-live="polite"
            data-state={search.error ? 'error' : search.loading ? 'loading' : 'done'}
            data-query={search.query?.text ?? ''}
          >
            {search.error ? (
              <span class="hisho-error">
                {errorSentence(search.error, t)}{' '}
                <button type="button" class="hisho-retry" onClick={() => runner.retry()}>
                  {t('librarian.retry')}
                </button>
              </span>
            ) : search.loading && total === null ? (
              t('librarian.searching')
            ) : total === 0 ? (
              <span class="hisho-no-results">{t('librarian.results.none')}</span>
            ) : total !== null ? (
              <span class="hisho-result-count">
                {!search.totalExact
                  ? t('librarian.results.count.more', { count: total })
                  : total === 1
                    ? t('librarian.results.count.one')
                    : t('librarian.results.count', { count: total })}
              </span>
            ) : null}
          </div>
        )}

        {active && results.length > 0 && (
          <ResultList
            results={results}
            selected={selected}
            t={t}
            onOpen={(index, evt) => {
              setSelected(index);
              open(index, host.isMod(evt));
            }}
          />
        )}
        {active && total !== null && results.length < total && !search.error && (
          <button type="button" class="hisho-load-more" disabled={search.loadingMore} onClick={() => runner.loadMore()}>
            {search.loadingMore ? t('librarian.loading') : t('librarian.load-more', { shown: results.length, total })}
          </button>
        )}
        {!active && <EmptyState definition={SEARCH_EMPTY} monitor={monitor} i18n={i18n} starter={starter} />}
        {active && results.length > 0 && <p class="hisho-keyboard-hint">{t('librarian.keyboard-hint')}</p>}

        <RelatedNotes host={host} monitor={monitor} vault={vault} t={t} connected={connected} refresh={indexRuns} />
        <TagBrowser
          monitor={monitor}
          vault={vault}
          t={t}
          connected={connected}
          refresh={indexRuns}
          activeTag={normalizeTag(query.tag)}
          onPick={(tag) => {
            patch({ tag: normalizeTag(query.tag) === tag ? '' : tag });
            setShowFilters(true);
            inputRef.current?.focus();
          }}
          onTags={onTags}
        />
      </div>
    </div>
  );
}
