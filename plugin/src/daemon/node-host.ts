import { readFile } from 'fs/promises';
import { homedir } from 'os';
import { join } from 'path';
import { resolveHishoHome } from '../../../shared/paths';
import type { DiscoveryHost } from './discovery';

/**
 * Discovery on the desktop app, through Obsidian's Node integration (the plugin is desktop-only).
 * The folder is resolved on each call so a changed HISHO_HOME is picked up without a reload.
 */
export function nodeDiscoveryHost(): DiscoveryHost {
  return {
    hishoHome: () => resolveHishoHome({ platform: process.platform, env: process.env, homedir: homedir() }),
    join: (...parts) => join(...parts),
    readFile: (path) => readFile(path, 'utf8'),
  };
}
