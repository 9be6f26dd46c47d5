import { Component, Notice } from 'obsidian';
import type { ConnectionMonitor, DisplayStatus } from '../../connection';
import { plansApi } from './api';
import { NotificationFeed } from './notification-feed';

/** How often the daemon is asked for new notifications while connected. */
const NOTIFICATION_POLL_MS = 30_000;

/**
 * Keeps the notification feed fresh while the daemon is connected: at once on (re)connecting, then
 * every NOTIFICATION_POLL_MS; each new notification appears as an Obsidian Notice.
 */
export class PlanNotifier extends Component {
  readonly feed: NotificationFeed;

  constructor(private readonly monitor: ConnectionMonitor) {
    super();
    this.feed = new NotificationFeed(
      async () => (await plansApi(monitor)).notifications(true),
      async (id) => (await plansApi(monitor)).markRead(id),
      (n) => new Notice(n.message, 10_000),
    );
  }

  override onload(): void {
    let connected = false;
    const onStatus = (status: DisplayStatus) => {
      const now = status.state === 'connected';
      if (now && !connected) this.poll();
      connected = now;
    };
    this.register(this.monitor.subscribe(onStatus));
    onStatus(this.monitor.status);
    this.registerInterval(
      window.setInterval(() => {
        if (this.monitor.status.state === 'connected') this.poll();
      }, NOTIFICATION_POLL_MS),
    );
  }

  private poll(): void {
    // A failed poll is tried again at the next one; the status bar already says when the daemon is away.
    this.feed.refresh().catch((e: unknown) => console.warn('[Hisho] could not read notifications', e));
  }
}
