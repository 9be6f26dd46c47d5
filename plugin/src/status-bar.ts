import { Component, setIcon } from 'obsidian';
import type { ConnectionMonitor, DisplayStatus } from './connection';
import { daemonIsDown } from './daemon/launcher';
import type { DaemonStarter } from './daemon-starter';
import type { I18n } from './i18n';
import { statusText, statusTooltip } from './status-text';

export const HEALTH_POLL_MS = 15_000;

const ICONS: Record<ReturnType<typeof statusText>['kind'], string> = {
  checking: 'loader',
  connected: 'plug-zap',
  degraded: 'alert-triangle',
  unreachable: 'unplug',
  unauthorized: 'lock',
};

/**
 * The status bar item: shows the daemon's state, checks it every 15 s, and checks it at once
 * when clicked. The first check waits for the workspace layout so loading stays fast.
 */
export class StatusBar extends Component {
  private readonly iconEl: HTMLElement;
  private readonly labelEl: HTMLElement;

  constructor(
    private readonly el: HTMLElement,
    private readonly monitor: ConnectionMonitor,
    private readonly i18n: I18n,
    private readonly whenLayoutReady: (callback: () => void) => void,
    private readonly starter?: DaemonStarter,
  ) {
    super();
    el.addClass('hisho-status');
    this.iconEl = el.createSpan({ cls: 'hisho-status-icon' });
    this.labelEl = el.createSpan({ cls: 'hisho-status-label' });
  }

  override onload(): void {
    this.render(this.monitor.status);
    this.register(this.monitor.subscribe((status) => this.render(status)));
    this.register(this.i18n.onChange(() => this.render(this.monitor.status)));
    // Click: start the daemon when it is simply not running and this computer can; else check again.
    this.registerDomEvent(this.el, 'click', () => void (this.startable(this.monitor.status) ? this.starter?.start() : this.monitor.check()));
    this.whenLayoutReady(() => {
      void this.monitor.check();
      this.registerInterval(window.setInterval(() => void this.monitor.check(), HEALTH_POLL_MS));
    });
  }

  override onunload(): void {
    this.el.remove();
  }

  private startable(status: DisplayStatus): boolean {
    return this.starter?.available === true && status.state === 'unreachable' && daemonIsDown(status.reason);
  }

  private render(status: DisplayStatus): void {
    const text = statusText(status, this.i18n.t);
    this.el.dataset.state = text.kind;
    setIcon(this.iconEl, ICONS[text.kind]);
    this.labelEl.setText(text.label);
    this.el.setAttribute('aria-label', statusTooltip(status, this.i18n.t, this.startable(status)));
    this.el.setAttribute('data-tooltip-position', 'top');
  }
}
