import type { SearchResult } from '../../../../shared/contracts/search';
import { isAbort } from '../../daemon/client';
import type { Schedule } from '../../schedule';
import { hasQuery, queryKey, type LibrarianQuery } from './query';

export interface SearchPage {
  results: SearchResult[];
  total: number;
  totalExact: boolean;
}

export interface SearchState {
  /** The query the results belong to (or are being fetched for). */
  query: LibrarianQuery | null;
  results: SearchResult[];
  /** Every match, null until the first page arrives. */
  total: number | null;
  /** False when the daemon stopped counting (a very common term): `total` is then a lower bound. */
  totalExact: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
}

export const IDLE: SearchState = Object.freeze({ query: null, results: [], total: null, totalExact: true, loading: false, loadingMore: false, error: null });

export type FetchPage = (query: LibrarianQuery, offset: number, signal: AbortSignal) => Promise<SearchPage>;

/**
 * Search as you type, without Preact or Obsidian: waits `debounceMs` after the last change (one
 * request per pause, not per key), aborts the request a newer one replaces, and drops any answer
 * that arrives for a query that is no longer current, so results never jump back.
 */
export class SearchRunner {
  private state: SearchState = IDLE;
  private cancelTimer: (() => void) | null = null;
  private controller: AbortController | null = null;
  private generation = 0;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly onChange: (state: SearchState) => void,
    private readonly schedule: Schedule,
    private readonly debounceMs = 200,
  ) {}

  get current(): SearchState {
    return this.state;
  }

  /** The query changed (a key typed, a filter picked). */
  update(query: LibrarianQuery): void {
    if (this.state.query && queryKey(this.state.query) === queryKey(query) && !this.state.error) return;
    this.cancel();
    if (!hasQuery(query)) {
      this.set(IDLE);
      return;
    }
    // Earlier results stay on screen, marked as loading, until the new ones arrive.
    this.set({ ...this.state, query, loading: true, loadingMore: false, error: null });
    const generation = this.generation;
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = null;
      void this.run(generation, query, 0);
    }, this.debounceMs);
  }

  /** Runs the current query again now (after an error, or when the index changed). */
  retry(): void {
    const { query } = this.state;
    if (!query) return;
    this.cancel();
    this.set({ ...this.state, loading: true, error: null });
    void this.run(this.generation, query, 0);
  }

  /** The next page of the current query, appended. */
  loadMore(): void {
    const { query, results, total, loading, loadingMore } = this.state;
    if (!query || loading || loadingMore || total === null || results.length >= total) return;
    this.set({ ...this.state, loadingMore: true, error: null });
    void this.run(this.generation, query, results.length);
  }

  dispose(): void {
    this.cancel();
  }

  private cancel(): void {
    this.generation++;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.controller?.abort();
    this.controller = null;
  }

  private async run(generation: number, query: LibrarianQuery, offset: number): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const page = await this.fetchPage(query, offset, controller.signal);
      if (generation !== this.generation) return;
      const results = offset === 0 ? page.results : [...this.state.results, ...page.results];
      this.set({ query, results, total: page.total, totalExact: page.totalExact, loading: false, loadingMore: false, error: null });
    } catch (e) {
      if (generation !== this.generation || isAbort(e)) return;
      this.set({ ...this.state, query, loading: false, loadingMore: false, error: e });
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  private set(state: SearchState): void {
    this.state = state;
    this.onChange(state);
  }
}
