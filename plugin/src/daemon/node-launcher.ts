import { spawn } from 'child_process';
import type { LaunchHost } from './launcher';
import { nodeDiscoveryHost } from './node-host';

/** The desktop launch host: Node's child_process through Obsidian's Node integration. */
export function nodeLaunchHost(): LaunchHost {
  return {
    ...nodeDiscoveryHost(),
    get platform() {
      return process.platform;
    },
    spawnDetached: (command, args, options) =>
      new Promise<void>((resolve, reject) => {
        // Detached and unreferenced: the daemon outlives Obsidian; windowsHide: no console window.
        const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, windowsHide: true, stdio: 'ignore', shell: false });
        child.once('error', reject);
        child.once('spawn', () => {
          child.unref();
          resolve();
        });
      }),
  };
}
