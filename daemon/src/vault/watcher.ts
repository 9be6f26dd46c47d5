/**
 * The file watcher behind a small interface, so the indexer is tested with a fake that replays
 * events and the real one is tested against a real directory.
 *
 * The real one watches folders, never files: Linux's inotify reports the changes of a folder's
 * files to the folder's own watch, so one `fs.watch` per folder sees everything; macOS and Windows
 * watch a whole tree natively, so there it is one recursive `fs.watch` for the vault. (chokidar, used
 * before, keeps one watch per file: on the 13,415-note vault that was 13,445 inotify watches and
 * about 60 MB of the daemon's memory, and a vault larger than the system's inotify limit — 8,192 on
 * many Linux systems — could not be watched at all.)
 *
 * Every change is checked against the disk (lstat) before it is reported, so the events mean:
 *  - `add`: a name now points to a file (created, renamed or moved in, replaced); `change`: its
 *    content changed. The indexer treats both as "look at this file again".
 *  - `unlink`: a name that is not a known folder no longer exists.
 *  - `addDir`: a folder appeared (also each folder inside it); its files are NOT reported one by one:
 *    the consumer scans it. It is reported only once the folder is watched, so a scan started on
 *    the event misses nothing. `unlinkDir`: a watched folder is gone, or replaced by another one;
 *    its files are not reported one by one either. The vault folder itself gone → `unlinkDir` of it.
 *  - `ready` once the vault's folders are watched; the files already there are never reported
 *    (the indexer reconciles with its own scan).
 * Events are handled one at a time in arrival order, so the set of watched folders follows the
 * disk's order of events. Symbolic links to folders are not followed (a loop cannot make the walk
 * endless); depth is bounded.
 *
 * Paths in events are absolute, with names as the file system gives them (an NFD name stays NFD).
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

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

/** Where `fs.watch({ recursive: true })` is the operating system's own (Linux's, in Node 20, watches every file). */
const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';

/** Bounds the walk even if something odd (a bind mount loop) slips through. */
const MAX_DEPTH = 64;

interface Folder {
  /** The folder's own watch (null in recursive mode: the vault's watch covers it). */
  watcher: FSWatcher | null;
  /** Its inode: a folder deleted and created again under the same name is another folder. */
  ino: number;
  /**
   * Its own watch said it was deleted or moved: that watch is dead, even if a folder of the same
   * name (possibly with the same inode number, reused) is there again.
   */
  dead: boolean;
}

/**
 * `recursive`: one native recursive watch for the vault (macOS, Windows) instead of one watch per
 * folder. Tests run both modes.
 */
export function folderWatcher(recursive = NATIVE_RECURSIVE): Watch {
  return (root, options, onEvent) => {
    const folders = new Map<string, Folder>();
    let closed = false;
    let queue: Promise<void> = Promise.resolve();

    const emit = (e: WatchEvent) => {
      if (!closed) onEvent(e);
    };
    const fail = (e: unknown) => emit({ type: 'error', error: e instanceof Error ? e : new Error(String(e)) });
    const enqueue = (task: () => Promise<void> | void) => {
      queue = queue.then(task).catch(fail);
    };
    const isIgnored = (abs: string, isDir: boolean | undefined) => abs !== root && options.ignored(abs, isDir);
    const depthOf = (abs: string) => (abs === root ? 0 : path.relative(root, abs).split(path.sep).length);

    /** An event from the watch of `folder` naming `name` (relative to that folder). */
    const onFsEvent = (folder: string, type: string, name: string | Buffer | null) => {
      if (closed) return;
      if (name === null) {
        // Neither inotify nor FSEvents do this for a folder's children; a Windows buffer overflow can.
        fail(new Error(`The file system reported a change in ${folder} without saying which file`));
        return;
      }
      const abs = path.join(folder, name.toString());
      // A folder's own deletion or move is reported on its watch under the folder's own name.
      if (path.basename(folder) === name.toString()) {
        const own = folders.get(folder);
        if (own && type === 'rename' && !recursive) own.dead = true;
        enqueue(() => check(folder));
      }
      if (isIgnored(abs, undefined)) return;
      if (type === 'change') {
        enqueue(() => {
          if (!folders.has(abs) && !isIgnored(abs, false)) emit({ type: 'change', path: abs });
        });
      } else {
        enqueue(() => check(abs));
      }
    };

    const watchOne = (abs: string): FSWatcher => {
      const w = fsWatch(abs, { persistent: true, recursive }, (type, name) => onFsEvent(abs, type, name));
      // The watch is dead after an error: watch the folder again (the consumer rescans it).
      w.on('error', (e) => {
        fail(e);
        enqueue(async () => {
          if (folders.has(abs)) removeFolder(abs);
          await check(abs);
        });
      });
      return w;
    };

    /** Watches a folder and the folders under it; `report`: emit addDir for each (not for the initial walk). */
    const addFolder = async (abs: string, ino: number, report: boolean): Promise<void> => {
      if (closed || folders.has(abs)) return;
      let watcher: FSWatcher | null = null;
      if (!recursive || abs === root) {
        try {
          watcher = watchOne(abs);
        } catch (e) {
          if (abs === root || (e as NodeJS.ErrnoException).code !== 'ENOENT') fail(e);
          return;
        }
      }
      folders.set(abs, { watcher, ino, dead: false });
      if (report) emit({ type: 'addDir', path: abs });
      if (depthOf(abs) >= MAX_DEPTH) return;
      let entries;
      try {
        entries = await readdir(abs, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(e);
        return;
      }
      for (const entry of entries) {
        // A Dirent is not followed: a symbolic link to a folder is not a folder here.
        if (!entry.isDirectory()) continue;
        const child = path.join(abs, entry.name);
        if (isIgnored(child, true)) continue;
        const s = await lstat(child).catch(() => null);
        if (s?.isDirectory()) await addFolder(child, s.ino, report);
      }
    };

    const removeFolder = (abs: string) => {
      const prefix = abs + path.sep;
      for (const [p, f] of folders) {
        if (p !== abs && !p.startsWith(prefix)) continue;
        f.watcher?.close();
        folders.delete(p);
      }
      emit({ type: 'unlinkDir', path: abs });
    };

    /** Looks at what a path is now and reports how it changed. */
    const check = async (abs: string): Promise<void> => {
      if (closed) return;
      const s = await lstat(abs).catch(() => null);
      const known = folders.get(abs);
      const isDir = s?.isDirectory() === true;
      if (known && (!isDir || s.ino !== known.ino || known.dead)) removeFolder(abs);
      if (closed) return;
      if (isDir) {
        if (!folders.has(abs) && !isIgnored(abs, true)) await addFolder(abs, s.ino, true);
      } else if (s) {
        if (!isIgnored(abs, false)) emit({ type: 'add', path: abs });
      } else if (!known) {
        // A path gone from inside a folder that is gone too: the folder's own event can be late or
        // missing (a recursive watch reports the files of a removed tree, not always the tree), so
        // the highest known folder that no longer exists is reported removed here.
        const gone = await highestMissingFolder(abs);
        if (gone) removeFolder(gone);
        if (!isIgnored(abs, false)) emit({ type: 'unlink', path: abs });
      }
    };

    /** The highest folder above `abs` (below the root) that is watched but no longer on disk. */
    const highestMissingFolder = async (abs: string): Promise<string | null> => {
      let gone: string | null = null;
      for (let dir = path.dirname(abs); dir !== root && dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
        if (folders.has(dir) && !(await lstat(dir).catch(() => null))) gone = dir;
      }
      return gone;
    };

    enqueue(async () => {
      try {
        await addFolder(root, (await lstat(root)).ino, false);
      } catch (e) {
        fail(e);
      }
      emit({ type: 'ready' });
    });

    let closing: Promise<void> | undefined;
    return () =>
      (closing ??= (async () => {
        closed = true;
        for (const f of folders.values()) f.watcher?.close();
        folders.clear();
        await queue;
      })());
  };
}

/** The real watcher for this platform. */
export const watchFolders: Watch = folderWatcher();

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
