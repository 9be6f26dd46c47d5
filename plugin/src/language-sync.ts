import { Component } from 'obsidian';
import type { ConnectionMonitor, DisplayStatus } from './connection';
import { DaemonClient } from './daemon/client';
import type { I18n } from './i18n';

/**
 * Keeps the daemon's language preference the same as the plugin's UI language, so that AI answers,
 * failure sentences and generated notes speak the language the person reads the panes in. Runs at
 * each connection to a (new) daemon and whenever the UI language changes.
 */
export class LanguageSync extends Component {
  private syncedWith: string | null = null;

  constructor(
    private readonly monitor: ConnectionMonitor,
    private readonly i18n: I18n,
  ) {
    super();
  }

  override onload(): void {
    const onStatus = (status: DisplayStatus) => {
      if (status.state === 'connected' && status.url !== this.syncedWith) void this.sync(status.url);
    };
    this.register(this.monitor.subscribe(onStatus));
    this.register(this.i18n.onChange(() => void this.sync(this.syncedWith)));
    onStatus(this.monitor.status);
  }

  private async sync(url: string | null): Promise<void> {
    if (url === null) return;
    this.syncedWith = url;
    try {
      const client = await this.monitor.client();
      if (!(client instanceof DaemonClient)) return;
      const wanted = this.i18n.language;
      if ((await client.language()) !== wanted) await client.setLanguage(wanted);
    } catch (e) {
      // Tried again at the next connection; until then the daemon answers in its stored language.
      this.syncedWith = null;
      console.warn('[Hisho] could not set the daemon language', e);
    }
  }
}
