import { Component, Notice } from 'obsidian';
import type { ConnectionMonitor, DisplayStatus } from '../../connection';
import { plansApi } from './api';
import { NotificationFeed } from './notification-feed';

/** How often the daemon is asked for new notifications while connected. */
const NOTIFICATION_POLL_MS = 30_000;
/** After a failed read (a busy daemon, a timeout), the next try comes sooner than the next poll. */
const RETRY_MS = 3_000;

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

  private retry: number | null = null;

  private poll(): void {
    this.feed.refresh().catch((e: unknown) => {
      // Tried again shortly while still connected; the status bar already says when the daemon is away.
      console.warn('[Hisho] could not read notifications', e);
      if (this.retry !== null) return;
      this.retry = window.setTimeout(() => {
        this.retry = null;
        if (this.monitor.status.state === 'connected') this.poll();
      }, RETRY_MS);
    });
  }

  override onunload(): void {
    if (this.retry !== null) window.clearTimeout(this.retry);
  }
}
