/** Durable deliveries and the connectors they go to (src/modules/outbox). */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { tickets } from './escalation.ts';

export const CONNECTOR_KINDS = ['zendesk', 'salesforce', 'webhook'] as const;

/** Where escalations are pushed. `secret` (API token, OAuth token, HMAC key) never leaves the server. */
export const ticketConnectors = pgTable('ticket_connectors', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: CONNECTOR_KINDS }).notNull(),
  name: text('name').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** Non-secret settings: base URL, account e-mail, API version. */
  settings: jsonb('settings').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  secret: text('secret').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead', 'undeliverable'] as const;

/**
 * Durable deliveries (e-mails, connector pushes), written in the same transaction as the ticket change
 * they announce; a worker delivers them with retries (src/modules/outbox). Payloads carry ids, not
 * personal data: the worker reads the ticket at delivery time.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `webhook`: a module's own signed webhook (status subscribers), rendered by its `OutboxRenderer`. */
    kind: text('kind', { enum: ['email', 'connector', 'webhook'] }).notNull(),
    connectorId: uuid('connector_id').references(() => ticketConnectors.id, { onDelete: 'set null' }),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    /** `ticket.escalated`, `ticket.replied`… */
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** Sent as `Idempotency-Key`: receivers deduplicate redeliveries with it. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Due time; while a worker holds the row it is pushed past the delivery timeout (a lease). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
);
