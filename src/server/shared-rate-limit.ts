import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { inArray, lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/client.ts';
import { rateLimitHits } from '../db/schema/rate-limits.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;
interface RouteInfo {
  routeInfo?: { method?: string | string[]; url?: string };
}

/** One key's count as this node knows it: the shared total read at the last flush, plus its own hits since. */
interface Counter {
  /** Hashed key, as stored in `rate_limit_hits`. */
  stored: string;
  shared: number;
  /** Hits counted here and not yet added to the shared total. */
  pending: number;
  /** End of the window on this node's clock (the database's window, read back at each flush). */
  resetAt: number;
  windowMs: number;
}

/**
 * Rate-limit counts kept on this node and flushed to the shared table every `flushMs`: a hit costs
 * a map update, not a database round trip. Each flush adds this node's new hits to the shared totals
 * (one upsert for every key hit since the last flush, windows by the database's clock) and reads
 * back the totals of every key still in its window, so a node learns what the others counted.
 *
 * Overshoot is bounded: a node decides on totals at most one flush old, so in one window N nodes
 * allow at most the limit plus what the other nodes let through before their next flush — at worst
 * N × the limit when a burst reaches every node within the same second, never more.
 */
export class RateLimitCounts {
  private readonly counters = new Map<string, Counter>();
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  hit(key: string, windowMs: number) {
    const now = Date.now();
    let counter = this.counters.get(key);
    if (!counter || counter.resetAt <= now) {
      counter = { stored: stored(key), shared: 0, pending: 0, resetAt: now + windowMs, windowMs };
      this.counters.set(key, counter);
    }
    counter.pending += 1;
    return { current: counter.shared + counter.pending, ttl: counter.resetAt - now };
  }

  read(key: string) {
    const now = Date.now();
    const counter = this.counters.get(key);
    if (!counter || counter.resetAt <= now) return { current: 0, ttl: 0 };
    return { current: counter.shared + counter.pending, ttl: counter.resetAt - now };
  }

  /** Adds this node's hits to the shared totals and reads every live key's total back; one at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write() {
    const now = Date.now();
    const hit: Array<[Counter, number]> = [];
    const live: Counter[] = [];
    for (const [key, counter] of this.counters) {
      if (counter.resetAt <= now && counter.pending === 0) this.counters.delete(key);
      else if (counter.pending > 0) hit.push([counter, counter.pending]);
      else live.push(counter);
    }
    if (hit.length === 0 && live.length === 0) return;
    const t = rateLimitHits;
    const byStored = new Map([...hit.map(([c]) => c), ...live].map((c) => [c.stored, c]));
    const ttl = sql<string>`greatest(0, extract(epoch from (${t.resetAt} - now())) * 1000)`;
    const totals: Array<{ key: string; hits: number; ttl: string }> = [];
    if (hit.length > 0) {
      // Sorted so that two nodes flushing the same keys lock their rows in the same order.
      hit.sort(([a], [b]) => (a.stored < b.stored ? -1 : 1));
      const expired = sql`${t.resetAt} <= now()`;
      totals.push(
        ...(await this.db
          .insert(t)
          .values(
            hit.map(([c, delta]) => ({
              key: c.stored,
              hits: delta,
              resetAt: sql`now() + make_interval(secs => ${c.windowMs / 1000})`,
            })),
          )
          .onConflictDoUpdate({
            target: t.key,
            set: {
              hits: sql`case when ${expired} then excluded.hits else ${t.hits} + excluded.hits end`,
              resetAt: sql`case when ${expired} then excluded.reset_at else ${t.resetAt} end`,
            },
          })
          .returning({ key: t.key, hits: t.hits, ttl })),
      );
      for (const [counter, delta] of hit) counter.pending -= delta;
    }
    if (live.length > 0) {
      const keys = live.map((c) => c.stored);
      const rows = await this.db
        .select({ key: t.key, hits: t.hits, ttl })
        .from(t)
        .where(inArray(t.key, keys));
      totals.push(...rows);
    }
    const readAt = Date.now();
    for (const row of totals) {
      const counter = byStored.get(row.key);
      if (!counter) continue;
      counter.shared = row.hits;
      counter.resetAt = readAt + Math.ceil(Number(row.ttl));
    }
  }
}

/**
 * A store for @fastify/rate-limit over one node's `RateLimitCounts`. Keys are prefixed with the
 * route, as the in-memory store keeps one map per route.
 */
export function databaseRateLimitStore(counts: RateLimitCounts) {
  return class DatabaseRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, cb: Callback, timeWindow: number) {
      cb(null, counts.hit(`${this.prefix}${key}`, timeWindow));
    }

    read(key: string, cb: Callback) {
      cb(null, counts.read(`${this.prefix}${key}`));
    }

    child(routeOptions: unknown) {
      const options = routeOptions as RouteInfo;
      const method = [options.routeInfo?.method ?? ''].flat().join(',');
      return new DatabaseRateLimitStore(undefined, `${method} ${options.routeInfo?.url ?? ''}|`);
    }
  };
}

/** One hit on `key` in a window of `windowMs` (database clock): the count so far and the time left. */
async function countHit(db: Db, key: string, windowMs: number) {
  const t = rateLimitHits;
  const expired = sql`${t.resetAt} <= now()`;
  const [row] = await db
    .insert(t)
    .values({ key, hits: 1, resetAt: sql`now() + make_interval(secs => ${windowMs / 1000})` })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        hits: sql`case when ${expired} then 1 else ${t.hits} + 1 end`,
        resetAt: sql`case when ${expired} then now() + make_interval(secs => ${windowMs / 1000}) else ${t.resetAt} end`,
      },
    })
    .returning({
      hits: t.hits,
      ttl: sql<string>`greatest(0, extract(epoch from (${t.resetAt} - now())) * 1000)`,
    });
  return { current: row?.hits ?? 1, ttl: Math.ceil(Number(row?.ttl ?? windowMs)) };
}

/**
 * The same shared store for limits a service counts itself (per customer, per address…), not per
 * route: one hit on `scope`+`key`; `allowed` once the window holds more than `max` hits.
 */
export async function hitSharedLimit(
  db: Db,
  scope: string,
  key: string,
  limit: { max: number; windowMs: number },
): Promise<{ allowed: boolean; retryAfterMs: number }> {
  const { current, ttl } = await countHit(db, stored(`${scope}|${key}`), limit.windowMs);
  return { allowed: current <= limit.max, retryAfterMs: ttl };
}

/** Keys are client addresses: only their hash (with the route) is written to the database. */
const stored = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 32);

/** Deletes windows that ended; every node may run it, deleting twice is harmless. */
export async function pruneRateLimits(db: Db) {
  await db.delete(rateLimitHits).where(lt(rateLimitHits.resetAt, sql`now() - interval '1 minute'`));
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes this node's rate-limit hits to the shared table now and reads the totals back. */
    flushRateLimits(): Promise<void>;
  }
}

/**
 * Rate limits shared by every node through the database (routes opt in with `config.rateLimit`),
 * counted locally and flushed every `flushMs` (1 s). If the database cannot count, the hits stay
 * pending and are retried at the next flush; requests go through meanwhile (they need it anyway).
 */
export default fp(
  async (app: FastifyInstance, opts: { db: Db; flushMs?: number }) => {
    const counts = new RateLimitCounts(opts.db);
    await app.register(rateLimit, {
      global: false,
      skipOnError: true,
      store: databaseRateLimitStore(counts),
    });
    app.decorate('flushRateLimits', () => counts.flush());
    const flush = setInterval(() => {
      counts.flush().catch((err) => app.log.warn({ err }, 'rate-limit flush failed'));
    }, opts.flushMs ?? 1000);
    flush.unref();
    const prune = setInterval(() => {
      pruneRateLimits(opts.db).catch((err) => app.log.warn({ err }, 'rate-limit prune failed'));
    }, 60_000);
    prune.unref();
    app.addHook('onClose', async () => {
      clearInterval(flush);
      clearInterval(prune);
      await counts.flush().catch((err) => app.log.warn({ err }, 'rate-limit flush failed'));
    });
  },
  { name: 'relais-shared-rate-limit' },
);
