/**
 * The file watcher behind a small interface, so the indexer is tested with a fake that replays
 * events and the real one (chokidar 5) is tested against a real directory.
 *
 * Paths in events are absolute. The real watcher does not report the files already there
 * (ignoreInitial: the indexer reconciles with its own scan) and does not follow symbolic links
 * (a symlink loop cannot make it walk forever).
 */
import type { Stats } from 'node:fs';
import { watch as chokidarWatch } from 'chokidar';

export type WatchEventType = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir' | 'error' | 'ready';

export interface WatchEvent {
  type: WatchEventType;
  /** Absolute path (absent for 'ready' and for some 'error's). */
  path?: string;
  error?: Error;
}

export interface WatchOptions {
  /** Whether an absolute path is left out; `isDirectory` is undefined when not known yet. */
  ignored: (absolutePath: string, isDirectory: boolean | undefined) => boolean;
}

/** Starts watching `root`; the returned function stops it. */
export type Watch = (root: string, options: WatchOptions, onEvent: (event: WatchEvent) => void) => () => Promise<void>;

export const watchWithChokidar: Watch = (root, options, onEvent) => {
  const watcher = chokidarWatch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    // Bounds the walk even if something odd (a bind mount loop) slips through.
    depth: 64,
    persistent: true,
    ignored: (p: string, stats?: Stats) => p !== root && options.ignored(p, stats ? stats.isDirectory() : undefined),
  });
  watcher.on('add', (p) => onEvent({ type: 'add', path: p }));
  watcher.on('change', (p) => onEvent({ type: 'change', path: p }));
  watcher.on('unlink', (p) => onEvent({ type: 'unlink', path: p }));
  watcher.on('addDir', (p) => onEvent({ type: 'addDir', path: p }));
  watcher.on('unlinkDir', (p) => onEvent({ type: 'unlinkDir', path: p }));
  watcher.on('error', (e) => onEvent({ type: 'error', error: e instanceof Error ? e : new Error(String(e)) }));
  watcher.on('ready', () => onEvent({ type: 'ready' }));
  let closed: Promise<void> | undefined;
  return () => (closed ??= watcher.close());
};

/** A watcher for tests: the test emits events by hand. */
export class FakeWatcher {
  private listeners = new Map<string, (e: WatchEvent) => void>();
  readonly watch: Watch = (root, _options, onEvent) => {
    this.listeners.set(root, onEvent);
    queueMicrotask(() => onEvent({ type: 'ready' }));
    return async () => {
      this.listeners.delete(root);
    };
  };
  emit(root: string, event: WatchEvent): void {
    this.listeners.get(root)?.(event);
  }
  isWatching(root: string): boolean {
    return this.listeners.has(root);
  }
}
