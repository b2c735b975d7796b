import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/client.ts';
import { rateLimitHits } from '../db/schema/rate-limits.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;
interface RouteInfo {
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * A store for @fastify/rate-limit counted in the database (one upsert per hit, windows by the
 * database's clock), so that N nodes on one PostgreSQL allow a limit once, not N times.
 * Keys are prefixed with the route, as the in-memory store keeps one map per route.
 */
export function databaseRateLimitStore(db: Db) {
  return class DatabaseRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, cb: Callback, timeWindow: number) {
      this.hit(stored(this.prefix, key), timeWindow).then((r) => cb(null, r), cb);
    }

    read(key: string, cb: Callback) {
      this.peek(stored(this.prefix, key)).then((r) => cb(null, r), cb);
    }

    child(routeOptions: unknown) {
      const options = routeOptions as RouteInfo;
      const method = [options.routeInfo?.method ?? ''].flat().join(',');
      return new DatabaseRateLimitStore(undefined, `${method} ${options.routeInfo?.url ?? ''}|`);
    }

    private hit(key: string, windowMs: number) {
      return countHit(db, key, windowMs);
    }

    private async peek(key: string) {
      const t = rateLimitHits;
      const [row] = await db
        .select({ hits: t.hits, ttl: sql<string>`extract(epoch from (${t.resetAt} - now())) * 1000` })
        .from(t)
        .where(sql`${t.key} = ${key} and ${t.resetAt} > now()`);
      return row ? { current: row.hits, ttl: Math.ceil(Number(row.ttl)) } : { current: 0, ttl: 0 };
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
  const { current, ttl } = await countHit(db, stored(`${scope}|`, key), limit.windowMs);
  return { allowed: current <= limit.max, retryAfterMs: ttl };
}

/** Keys are client addresses: only their hash (with the route) is written to the database. */
const stored = (prefix: string, key: string) =>
  createHash('sha256').update(`${prefix}${key}`).digest('base64url').slice(0, 32);

/** Deletes windows that ended; every node may run it, deleting twice is harmless. */
export async function pruneRateLimits(db: Db) {
  await db.delete(rateLimitHits).where(lt(rateLimitHits.resetAt, sql`now() - interval '1 minute'`));
}

/**
 * Rate limits shared by every node through the database (routes opt in with `config.rateLimit`).
 * If the database cannot count, requests go through (`skipOnError`): they need it anyway.
 */
export default fp(
  async (app: FastifyInstance, opts: { db: Db }) => {
    await app.register(rateLimit, {
      global: false,
      skipOnError: true,
      store: databaseRateLimitStore(opts.db),
    });
    const prune = setInterval(() => {
      pruneRateLimits(opts.db).catch((err) => app.log.warn({ err }, 'rate-limit prune failed'));
    }, 60_000);
    prune.unref();
    app.addHook('onClose', async () => clearInterval(prune));
  },
  { name: 'relais-shared-rate-limit' },
);
