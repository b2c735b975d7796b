/**
 * Analytics rollups (src/modules/analytics): rollups of `events`, refreshed incrementally from a
 * high-water mark on `events.id`; no personal data.
 */
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/**
 * Daily counts per event type and dimensions. `dim` depends on the type (masked query for searches
 * and bot turns, survey kind, flow step, escalation page); `flag_a`/`flag_b`/`total` too (docs/metrics.md).
 */
export const analyticsDaily = pgTable(
  'analytics_daily',
  {
    day: date('day').notNull(),
    type: text('type').notNull(),
    channel: text('channel').notNull(),
    locale: text('locale').notNull().default(''),
    segment: text('segment').notNull().default(''),
    subject: text('subject').notNull().default(''),
    dim: text('dim').notNull().default(''),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
    flagA: bigint('flag_a', { mode: 'number' }).notNull().default(0),
    flagB: bigint('flag_b', { mode: 'number' }).notNull().default(0),
    total: doublePrecision('total').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.type, t.channel, t.locale, t.segment, t.subject, t.dim] }),
    index('analytics_daily_type_day_idx').on(t.type, t.day),
  ],
);

/** One row per self-service session (anonymous `session_id`): what happened in it, merged incrementally. */
export const analyticsSessions = pgTable(
  'analytics_sessions',
  {
    sessionId: text('session_id').primaryKey(),
    visitorId: text('visitor_id'),
    /** UTC day of the session's first event. */
    day: date('day').notNull(),
    channel: text('channel').notNull(),
    locale: text('locale').notNull().default(''),
    segment: text('segment').notNull().default(''),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
    /** First self-service attempt (search, article, bot, flow); null when none. */
    attemptAt: timestamp('attempt_at', { withTimezone: true }),
    answered: boolean('answered').notNull().default(false),
    /** A "not helpful" vote in the session. */
    negative: boolean('negative').notNull().default(false),
    /** First escalation (ticket, callback, live chat, bot handoff) in the session. */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    escalationPage: text('escalation_page'),
    /** First escalation of the same visitor (any session; this one without a visitor id) at or after
     *  `attempt_at`: deflection becomes a column test instead of a join at read time. */
    nextEscalationAt: timestamp('next_escalation_at', { withTimezone: true }),
  },
  (t) => [
    index('analytics_sessions_day_idx').on(t.day),
    index('analytics_sessions_visitor_idx').on(t.visitorId, t.escalatedAt),
  ],
);

/** High-water marks of the incremental rollups. */
export const analyticsState = pgTable('analytics_state', {
  name: text('name').primaryKey(),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
