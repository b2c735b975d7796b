import { AppError } from '../../server/errors.ts';

/**
 * A token bucket: `burst` actions at once, refilled at `perSecond`. One per connection (socket or SSE
 * stream) and one per chat side for the POST fallback, so a flood costs one client, not the node.
 */
export class Bucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Messages: 10 at once, then one every 2 seconds (an agent's socket carries several chats: 60 at once,
 * 5 a second); typing and read signals: 20 at once, 4 a second.
 */
export const messageBucket = (side: 'customer' | 'agent' = 'customer') =>
  side === 'agent' ? new Bucket(60, 5) : new Bucket(10, 0.5);
export const signalBucket = () => new Bucket(20, 4);

export class RateLimitedError extends AppError {
  constructor() {
    super('rate-limited', 429, 'Too many messages: wait a moment before sending more.');
  }
}

/** Buckets for the POST fallback, keyed by chat and side; forgotten after ten idle minutes. */
export class BucketMap {
  private readonly map = new Map<string, { m: Bucket; s: Bucket; at: number }>();
  get(key: string) {
    const now = Date.now();
    let b = this.map.get(key);
    if (!b) {
      if (this.map.size > 50_000) this.sweep(now);
      b = { m: messageBucket(), s: signalBucket(), at: now };
      this.map.set(key, b);
    }
    b.at = now;
    return b;
  }
  private sweep(now: number) {
    for (const [k, v] of this.map) if (now - v.at > 600_000) this.map.delete(k);
  }
}
