/**
 * Self-service actions (src/modules/actions): what an admin lets a signed-in customer do through the
 * company's own API ("resend my last invoice", "restart my box"), and each run. Calls go through a
 * flow connection (bot module) by name; only the customer's verified identity is sent.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { customers } from './customers.ts';

/** Text per locale: `fr` and `en` required, `en-GB` falls back to `en`. */
export type LocalisedText = { fr: string; en: string };

/** A value the customer types before confirming (never an identity: that comes from the account). */
export interface ActionInputSpec {
  name: string;
  kind: 'text' | 'number' | 'date' | 'choice';
  label: LocalisedText;
  required: boolean;
  maxLength?: number | undefined;
  choices?: Array<{ value: string; label: LocalisedText }> | undefined;
}

export const customerActions = pgTable(
  'customer_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stable key, e.g. `resend-invoice`: how flows and the bot name the action. */
    key: text('key').notNull().unique(),
    name: jsonb('name').$type<LocalisedText>().notNull(),
    description: jsonb('description').$type<LocalisedText>().notNull(),
    /** Asked before the call ("Nous allons renvoyer… Confirmer ?"). */
    confirmText: jsonb('confirm_text').$type<LocalisedText>().notNull(),
    /** Shown after a 2xx JSON answer; `{{response.x}}` and `{{answers.x}}` allowed. */
    successText: jsonb('success_text').$type<LocalisedText>().notNull(),
    /** Shown on an error, a timeout, a non-2xx or non-JSON answer. */
    failureText: jsonb('failure_text').$type<LocalisedText>().notNull(),
    /** A flow connection's name (base URL and secret headers live there). */
    connection: text('connection').notNull(),
    method: text('method', { enum: ['GET', 'POST'] })
      .notNull()
      .default('POST'),
    /** Appended to the connection's base URL; `{{customer.x}}` (sent fields only), `{{answers.x}}`. */
    path: text('path').notNull(),
    /** Which verified identity fields are sent: `id`, `externalId`, `email`, `segments`. */
    sendFields: text('send_fields').array().notNull().default(sql`'{}'::text[]`),
    inputs: jsonb('inputs').$type<ActionInputSpec[]>().notNull().default(sql`'[]'::jsonb`),
    /** Customers holding one of these segments may use it; empty: every signed-in customer. */
    segments: text('segments').array().notNull().default(sql`'{}'::text[]`),
    /** Runs per customer per window (shared rate-limit store). */
    rateLimitMax: integer('rate_limit_max').notNull().default(3),
    rateLimitWindowMinutes: integer('rate_limit_window_minutes').notNull().default(60),
    enabled: boolean('enabled').notNull().default(true),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('customer_actions_position_idx').on(t.position)],
);

/** One run of an action: who, which, how it went, when — not the inputs nor the answer. */
export const customerActionRuns = pgTable(
  'customer_action_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => customerActions.id, { onDelete: 'cascade' }),
    /** Null once the customer deleted their account. */
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    channel: text('channel', { enum: ['portal', 'widget', 'flow'] }).notNull(),
    outcome: text('outcome', { enum: ['succeeded', 'failed', 'refused'] }).notNull(),
    /** `http_502`, `timeout`, `rate_limited`, `segment`… */
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('customer_action_runs_action_idx').on(t.actionId, t.createdAt),
    index('customer_action_runs_customer_idx').on(t.customerId, t.createdAt),
  ],
);
