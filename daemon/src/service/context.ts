import { userInfo } from 'node:os';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config';
import { packageRoot } from '../package-root';
import { VERSION } from '../version';
import type { CommandRunner } from './executor';
import type { ServiceContext, ServicePlatform } from './types';
import { adminCheckCommand, findWinsw } from './windows';

/** The user's Hisho settings that the service gets in its environment (besides HISHO_HOME). */
export const CARRIED_ENV = ['HISHO_PORT', 'DATABASE_URL', 'REDIS_URL', 'HISHO_LOG_LEVEL', 'HISHO_LOG_DIR', 'HISHO_LOG_FILE_MB', 'HISHO_LOG_FILES'] as const;

export function serviceEnv(home: string, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = { HISHO_HOME: home };
  for (const name of CARRIED_ENV) {
    const value = env[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

export function asServicePlatform(platform: string): ServicePlatform {
  if (platform === 'win32' || platform === 'darwin' || platform === 'linux') return platform;
  throw new Error(`Hisho's startup service supports Windows, macOS and Linux, not ${platform}`);
}

/** The context of this process: the installed Node, bin/hisho.mjs, the config's folders, this user. */
export async function processContext(config: Config, runner: CommandRunner, options: { platform?: string; env?: Record<string, string | undefined> } = {}): Promise<ServiceContext> {
  const env = options.env ?? process.env;
  const platform = asServicePlatform(options.platform ?? process.platform);
  const me = userInfo();
  let isAdmin: boolean | undefined;
  if (platform === 'win32' && process.platform === 'win32') isAdmin = (await runner.run(adminCheckCommand({ systemRoot: env.SystemRoot }))).code === 0;
  const home = resolve(config.home);
  return {
    platform,
    paths: {
      node: process.execPath,
      entry: join(packageRoot(), 'bin', 'hisho.mjs'),
      home,
      logs: resolve(config.paths.logs),
      userHome: homedir(),
      winsw: await findWinsw(platform),
    },
    env: serviceEnv(home, env),
    user: { name: me.username, uid: me.uid >= 0 ? me.uid : undefined, isAdmin },
    xdgConfigHome: env.XDG_CONFIG_HOME,
    systemRoot: env.SystemRoot,
    version: VERSION,
    now: new Date().toISOString(),
  };
}
