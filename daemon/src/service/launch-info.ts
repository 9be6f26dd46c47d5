import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { launchInfoSchema, type LaunchInfo } from '../../../shared/launch';
import { HOME_FILES } from '../../../shared/paths';
import { packageRoot } from '../package-root';
import { VERSION } from '../version';
import { DAEMON_NODE_FLAGS } from './node-flags';

/**
 * How this very process was started, as `node ...args` (without the command): the absolute path
 * of bin/hisho.mjs when that is what runs, else the script with the loader flags it needs (tsx).
 */
export function currentLaunch(
  proc: { execPath: string; execArgv: string[]; argv: string[] } = process,
  root: string = packageRoot(),
): { node: string; args: string[]; cwd: string } {
  const script = proc.argv[1] ? (isAbsolute(proc.argv[1]) ? proc.argv[1] : resolve(proc.argv[1])) : join(root, 'bin', 'hisho.mjs');
  const bin = join(root, 'bin', 'hisho.mjs');
  const fromBundle = /(?:[\\/]bin[\\/]hisho\.mjs|[\\/]dist[\\/]hisho\.mjs)$/.test(script) || /[\\/]\.bin[\\/]hisho$/.test(script);
  if (fromBundle && existsSync(bin)) return { node: proc.execPath, args: [...DAEMON_NODE_FLAGS, bin], cwd: root };
  // Running from source (tsx) or a test: keep the loader flags, drop inspector/eval flags.
  const flags = proc.execArgv.filter((a, i, all) => !/^--(inspect|eval|print|test)/.test(a) && !/^-[ep]$/.test(a) && !(i > 0 && /^-[ep]$/.test(all[i - 1] ?? '')));
  return { node: proc.execPath, args: [...flags, script], cwd: root };
}

export async function writeLaunchInfo(home: string, info: Omit<LaunchInfo, 'version' | 'writtenAt'>): Promise<string> {
  const file = join(home, HOME_FILES.launch);
  const full: LaunchInfo = { ...info, version: VERSION, writtenAt: new Date().toISOString() };
  await writeFile(file, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export async function readLaunchInfo(home: string): Promise<LaunchInfo | undefined> {
  try {
    const parsed = launchInfoSchema.safeParse(JSON.parse(await readFile(join(home, HOME_FILES.launch), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
