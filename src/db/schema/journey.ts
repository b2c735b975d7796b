/** Customer journeys (src/modules/journey). */
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One customer's self-service path on every surface (help centre, widget, bot, guided flows), kept
 * only to hand it to an advisor when the customer asks for one — never read by analytics. Keyed by a
 * first-party id (`h:<cookie>` in the help centre, `w:<site>:<visitor>` in the widget); purged
 * 24 hours after its last step (src/modules/journey/service.ts).
 */
export const journeys = pgTable('journeys', {
  id: text('id').primaryKey(),
  firstAt: timestamp('first_at', { withTimezone: true }).notNull().defaultNow(),
  lastAt: timestamp('last_at', { withTimezone: true }).notNull().defaultNow(),
  /** Steps up to here were handed over with an escalation; the next escalation starts after them. */
  escalatedAt: timestamp('escalated_at', { withTimezone: true }),
});

export const JOURNEY_STEP_KINDS = ['search', 'article', 'vote', 'flow', 'page'] as const;

/** One step: what the customer typed, saw, opened, voted or answered, with titles and names as shown. */
export const journeySteps = pgTable(
  'journey_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    journeyId: text('journey_id')
      .notNull()
      .references(() => journeys.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    surface: text('surface', { enum: ['helpcentre', 'widget', 'bot', 'flow', 'contact'] }).notNull(),
    kind: text('kind', { enum: JOURNEY_STEP_KINDS }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('journey_steps_journey_at').on(t.journeyId, t.at)],
);
