/** Request counters of the shared rate limiter (src/server/shared-rate-limit.ts), one row per key and window. */
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const rateLimitHits = pgTable('rate_limit_hits', {
  /** Route and client key (address), e.g. `POST /api/v1/auth/login|203.0.113.7`. */
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  /** End of the current window; a hit after it starts a new one. */
  resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
});
