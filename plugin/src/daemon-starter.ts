import { Notice } from 'obsidian';
import type { ConnectionMonitor } from './connection';
import { installServiceCommand, readLaunchInfo, startDaemonProcess, type LaunchHost } from './daemon/launcher';
import type { I18n } from './i18n';

/** How long to wait for a daemon that was just started to answer. */
const START_WAIT_MS = 20_000;
const START_POLL_MS = 1_000;

/**
 * "Start the daemon" and "install the service" for the status bar, the panes and the command
 * palette, used when the plugin cannot reach the daemon. Desktop only (needs a launch host).
 */
export class DaemonStarter {
  private starting: Promise<boolean> | null = null;

  constructor(
    private readonly host: LaunchHost | null,
    private readonly monitor: ConnectionMonitor,
    private readonly i18n: I18n,
    private readonly env: () => Record<string, string | undefined>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms)),
  ) {}

  get available(): boolean {
    return this.host !== null;
  }

  get isStarting(): boolean {
    return this.starting !== null;
  }

  /** Starts the daemon and waits for it to answer; says what happened in a notice. */
  start(): Promise<boolean> {
    this.starting ??= this.run().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** The command to type in a terminal to install the startup service. */
  async installCommand(): Promise<string> {
    if (!this.host) return 'hisho service install';
    const found = await readLaunchInfo(this.host);
    return installServiceCommand(found.ok ? found.info : undefined, this.host.platform);
  }

  private async run(): Promise<boolean> {
    const { t } = this.i18n;
    if (!this.host) return false;
    const result = await startDaemonProcess(this.host, this.env());
    if (!result.ok) {
      new Notice(
        result.reason === 'launch-missing'
          ? t('notice.daemon-start-failed', { reason: t('reason.launch-missing', { path: result.path }) })
          : t('notice.daemon-start-failed', { reason: result.detail }),
      );
      return false;
    }
    new Notice(t('notice.daemon-starting'));
    for (let waited = 0; waited < START_WAIT_MS; waited += START_POLL_MS) {
      await this.sleep(START_POLL_MS);
      const status = await this.monitor.check();
      if (status.state === 'connected') {
        new Notice(t('notice.connected', { version: status.version }));
        return true;
      }
    }
    new Notice(t('notice.daemon-start-failed', { reason: t('reason.start-timeout', { seconds: START_WAIT_MS / 1000 }) }));
    return false;
  }
}
