/**
 * How the daemon is started again by the plugin (launch info) and by `npm start`: always with the
 * Node flags of service/node-flags.ts, which V8 only reads at start.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root';
import { currentLaunch, readLaunchInfo, writeLaunchInfo } from '../../src/service/launch-info';
import { DAEMON_NODE_FLAGS } from '../../src/service/node-flags';

describe('the daemon’s launch', () => {
  const root = packageRoot();
  const bin = join(root, 'bin', 'hisho.mjs');

  it('started from the bundle, is started again with the daemon’s Node flags', () => {
    const launch = currentLaunch({ execPath: '/usr/bin/node', execArgv: [], argv: ['/usr/bin/node', bin, 'serve'] }, root);
    expect(launch).toEqual({ node: '/usr/bin/node', args: [...DAEMON_NODE_FLAGS, bin], cwd: root });
  });

  it('started from source, keeps its loader flags and drops the inspector', () => {
    const script = join(root, 'daemon', 'src', 'cli', 'main.ts');
    const launch = currentLaunch({ execPath: '/usr/bin/node', execArgv: ['--import', 'tsx', '--inspect=9229'], argv: ['/usr/bin/node', script, 'serve'] }, root);
    expect(launch.args).toEqual(['--import', 'tsx', script]);
  });

  it('writes and reads the launch info the plugin uses', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hisho-launch-'));
    try {
      await writeLaunchInfo(home, { ...currentLaunch({ execPath: '/usr/bin/node', execArgv: [], argv: ['/usr/bin/node', bin] }, root), writtenBy: 'serve' });
      expect(await readLaunchInfo(home)).toMatchObject({ node: '/usr/bin/node', args: [...DAEMON_NODE_FLAGS, bin], writtenBy: 'serve' });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('`npm start` runs the daemon with the same flags', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`npm run build && node ${DAEMON_NODE_FLAGS.join(' ')} bin/hisho.mjs serve`);
  });
});
