import type { NotificationApi } from '../../../../shared/contracts/plans';

/**
 * The unread notifications (a plan an assistant drafted, waiting for review): refreshed by the
 * notifier, listed in the Plans pane. Each one is announced once per session (an Obsidian Notice),
 * however often it is read again; marking it read removes it from the list.
 */
export class NotificationFeed {
  private items: NotificationApi[] = [];
  private readonly announced = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly load: () => Promise<NotificationApi[]>,
    private readonly markAsRead: (id: string) => Promise<unknown>,
    private readonly announce: (notification: NotificationApi) => void,
  ) {}

  /** Unread, newest first (the daemon's order). */
  get unread(): readonly NotificationApi[] {
    return this.items;
  }

  /** Reads the unread notifications again and announces the new ones; a refresh asked for while one runs joins it. */
  refresh(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async markRead(id: string): Promise<void> {
    await this.markAsRead(id);
    this.items = this.items.filter((n) => n.id !== id);
    this.changed();
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async run(): Promise<void> {
    const items = (await this.load()).filter((n) => !n.read);
    // Oldest first, so Notices stack in the order things happened.
    for (const n of [...items].reverse()) {
      if (this.announced.has(n.id)) continue;
      this.announced.add(n.id);
      this.announce(n);
    }
    const before = this.items.map((n) => n.id).join();
    this.items = items;
    if (items.map((n) => n.id).join() !== before) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
