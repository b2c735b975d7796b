/** Events recorded by every surface (src/modules/events), folded into the analytics rollups. */
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Append-only analytics events from every surface (src/modules/events). No personal data. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    type: text('type').notNull(),
    channel: text('channel').notNull(),
    visitorId: text('visitor_id'),
    sessionId: text('session_id'),
    locale: text('locale'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index('events_at_idx').on(t.at), index('events_type_at_idx').on(t.type, t.at)],
);
