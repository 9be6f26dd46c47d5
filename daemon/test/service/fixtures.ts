import type { CommandResult, CommandRunner } from '../../src/service/executor';
import type { ServiceContext } from '../../src/service/types';

export const NOW = '2025-01-02T03:04:05.000Z';

/** A Windows user whose name has a space and Japanese characters, Node in Program Files. */
export function windowsContext(overrides: Partial<ServiceContext> = {}): ServiceContext {
  const home = 'C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho';
  return {
    platform: 'win32',
    paths: {
      node: 'C:\\Program Files\\nodejs\\node.exe',
      entry: 'C:\\Users\\山田 太郎\\AppData\\Roaming\\npm\\node_modules\\hisho\\bin\\hisho.mjs',
      home,
      logs: `${home}\\logs`,
      userHome: 'C:\\Users\\山田 太郎',
      winsw: 'C:\\Users\\山田 太郎\\AppData\\Roaming\\npm\\node_modules\\hisho\\node_modules\\node-windows\\bin\\winsw\\winsw.exe',
    },
    env: { HISHO_HOME: home, HISHO_PORT: '48766', DATABASE_URL: 'postgres://hisho:p&ss<w>@127.0.0.1:5432/hisho', HISHO_LOG_DIR: 'D:\\ログ "main"' },
    user: { name: '山田 太郎', isAdmin: true },
    systemRoot: 'C:\\Windows',
    version: '0.1.0',
    now: NOW,
    ...overrides,
  };
}

export function macContext(overrides: Partial<ServiceContext> = {}): ServiceContext {
  const home = '/Users/山田 太郎/Library/Application Support/Hisho';
  return {
    platform: 'darwin',
    paths: { node: '/opt/homebrew/bin/node', entry: '/Users/山田 太郎/hisho & co/bin/hisho.mjs', home, logs: `${home}/logs`, userHome: '/Users/山田 太郎' },
    env: { HISHO_HOME: home, HISHO_LOG_LEVEL: 'debug' },
    user: { name: 'yamada', uid: 501 },
    version: '0.1.0',
    now: NOW,
    ...overrides,
  };
}

export function linuxContext(overrides: Partial<ServiceContext> = {}): ServiceContext {
  const home = '/home/山田 太郎/.config/hisho';
  return {
    platform: 'linux',
    paths: { node: '/usr/bin/node', entry: '/home/山田 太郎/src/hisho 100% "$HOME"/bin/hisho.mjs', home, logs: `${home}/logs`, userHome: '/home/山田 太郎' },
    env: { HISHO_HOME: home, REDIS_URL: 'redis://:pa$$%w0rd@127.0.0.1:6379' },
    user: { name: 'yamada', uid: 1000 },
    version: '0.1.0',
    now: NOW,
    ...overrides,
  };
}

/**
 * A runner that expects exactly these commands, in this order, and answers as scripted. Any
 * other command throws, so an unexpected call fails the test.
 */
export function scriptedRunner(script: Array<{ argv: string[]; result?: Partial<CommandResult> }>): CommandRunner & { calls: string[][]; left(): number } {
  const queue = [...script];
  const calls: string[][] = [];
  return {
    calls,
    left: () => queue.length,
    async run(argv) {
      calls.push(argv);
      const next = queue.shift();
      if (!next || JSON.stringify(next.argv) !== JSON.stringify(argv)) {
        throw new Error(`unexpected command: ${JSON.stringify(argv)}; expected ${next ? JSON.stringify(next.argv) : 'none'}`);
      }
      return { code: 0, stdout: '', stderr: '', ...next.result };
    },
  };
}
