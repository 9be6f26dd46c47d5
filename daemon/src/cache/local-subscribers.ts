/**
 * This process's pub/sub subscribers per channel, shared by both stores: registration, removal and
 * delivery (the Redis store also delivers through it when Redis is unreachable).
 */
interface Subscription {
  readonly onMessage: (message: string) => void;
}

export class LocalSubscribers {
  private readonly channels = new Map<string, Set<Subscription>>();

  /** onError: a subscriber threw; the others still get the message. */
  constructor(private readonly onError: (channel: string, error: unknown) => void) {}

  count(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  has(channel: string): boolean {
    return this.channels.has(channel);
  }

  names(): string[] {
    return [...this.channels.keys()];
  }

  /** Returns the remover; it answers true only when it removed the channel's last subscriber. */
  add(channel: string, onMessage: (message: string) => void): () => boolean {
    const subscription: Subscription = { onMessage };
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
    }
    subscribers.add(subscription);
    return () => {
      const current = this.channels.get(channel);
      if (!current?.delete(subscription) || current.size > 0) return false;
      this.channels.delete(channel);
      return true;
    };
  }

  /**
   * Like a message crossing the network: delivered on a later turn of the event loop, in publish
   * order, to the subscribers present now that are still subscribed then. Returns how many.
   */
  deliverLater(channel: string, message: string): number {
    const receivers = this.channels.get(channel);
    if (!receivers || receivers.size === 0) return 0;
    const snapshot = new Set(receivers);
    setImmediate(() => this.deliver(channel, message, snapshot));
    return snapshot.size;
  }

  /** Delivers now to every current subscriber (or only to those of `only` that still are). */
  deliver(channel: string, message: string, only?: Set<Subscription>): void {
    const current = this.channels.get(channel);
    if (!current) return;
    for (const subscription of [...current]) {
      if (only && !only.has(subscription)) continue;
      try {
        subscription.onMessage(message);
      } catch (error) {
        this.onError(channel, error);
      }
    }
  }

  clear(): void {
    this.channels.clear();
  }
}
