import { Component, setIcon } from 'obsidian';
import type { ConnectionMonitor, DisplayStatus } from './connection';
import { daemonIsDown } from './daemon/launcher';
import type { DaemonStarter } from './daemon-starter';
import type { I18n } from './i18n';
import { indexStatusText, statusText, statusTooltip, type StatusText } from './status-text';
import type { IndexWatch } from './views/librarian/index-watch';

export const HEALTH_POLL_MS = 15_000;

const ICONS: Record<StatusText['kind'], string> = {
  checking: 'loader',
  connected: 'plug-zap',
  degraded: 'alert-triangle',
  unreachable: 'unplug',
  unauthorized: 'lock',
  indexing: 'refresh-cw',
};

export interface StatusBarDeps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  /** The vault's index run (main.ts's one watch, shared with the Librarian pane). */
  index: Pick<IndexWatch, 'progress' | 'subscribe'>;
  whenLayoutReady: (callback: () => void) => void;
  /** Opens the Librarian pane (a click while the vault is indexed: its progress and search are there). */
  openLibrarian: () => void;
  starter?: DaemonStarter;
}

/**
 * The status bar item: while the vault is being indexed, the run's progress (files done of files
 * found); otherwise the daemon's state, checked every 15 s and at once when clicked. The first check
 * waits for the workspace layout so loading stays fast.
 */
export class StatusBar extends Component {
  private readonly iconEl: HTMLElement;
  private readonly labelEl: HTMLElement;

  constructor(
    private readonly el: HTMLElement,
    private readonly deps: StatusBarDeps,
  ) {
    super();
    el.addClass('hisho-status');
    this.iconEl = el.createSpan({ cls: 'hisho-status-icon' });
    this.labelEl = el.createSpan({ cls: 'hisho-status-label' });
  }

  override onload(): void {
    const { monitor, i18n, index, starter } = this.deps;
    this.render();
    this.register(monitor.subscribe(() => this.render()));
    this.register(index.subscribe(() => this.render()));
    this.register(i18n.onChange(() => this.render()));
    // Click: the Librarian while indexing; start the daemon when it is simply not running and this
    // computer can; else check again.
    this.registerDomEvent(this.el, 'click', () => {
      if (index.progress) this.deps.openLibrarian();
      else void (this.startable(monitor.status) ? starter?.start() : monitor.check());
    });
    this.deps.whenLayoutReady(() => {
      void monitor.check();
      this.registerInterval(window.setInterval(() => void monitor.check(), HEALTH_POLL_MS));
    });
  }

  override onunload(): void {
    this.el.remove();
  }

  private startable(status: DisplayStatus): boolean {
    return this.deps.starter?.available === true && status.state === 'unreachable' && daemonIsDown(status.reason);
  }

  private render(): void {
    const { monitor, i18n, index } = this.deps;
    const status = monitor.status;
    const progress = index.progress;
    const text = progress ? indexStatusText(progress, i18n.t, i18n.language) : statusText(status, i18n.t);
    this.el.dataset.state = text.kind;
    setIcon(this.iconEl, ICONS[text.kind]);
    this.labelEl.setText(text.label);
    this.el.setAttribute('aria-label', progress ? text.detail : statusTooltip(status, i18n.t, this.startable(status)));
    this.el.setAttribute('data-tooltip-position', 'top');
  }
}
