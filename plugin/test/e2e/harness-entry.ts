/**
 * The page script of the browser harness: builds the Obsidian stand-in, loads the real plugin
 * into it, and exposes a few handles for the test (window.hishoHarness).
 */
import HishoPlugin from '../../src/main';
import { App, type Plugin } from './obsidian-standin';

declare global {
  interface Window {
    __HISHO_APP__: App;
    hishoHarness: {
      app: App;
      plugin: HishoPlugin;
      ready: Promise<void>;
      openView(type: string): Promise<void>;
      runCommand(id: string): Promise<void>;
    };
  }
}

const root = document.getElementById('app');
if (!root) throw new Error('the harness page has no #app');
const app = new App(root);
window.__HISHO_APP__ = app;
const plugin = new HishoPlugin(app as never, { id: 'hisho', name: 'Hisho', version: '0.1.0' } as never);
const standin = plugin as unknown as Plugin;

const ready = (async () => {
  standin.load();
  await standin.loadResult;
  app.workspace.triggerLayoutReady();
})();

window.hishoHarness = {
  app,
  plugin,
  ready,
  async openView(type: string) {
    await ready;
    const key = (['librarian', 'discussions', 'plans'] as const).find((k) => `hisho-${k}` === type || k === type);
    if (!key) throw new Error(`unknown view ${type}`);
    await plugin.openView(key);
  },
  async runCommand(id: string) {
    await ready;
    const command = standin.commands.get(id.includes(':') ? id : `hisho:${id}`);
    if (command?.checkCallback) {
      // As Obsidian does: asks whether the command applies now, then runs it.
      if (!command.checkCallback(true)) throw new Error(`command ${id} is not available now`);
      command.checkCallback(false);
      return;
    }
    if (!command?.callback) throw new Error(`unknown command ${id}`);
    await command.callback();
  },
};
