/**
 * Escalation and tickets (src/modules/escalation). Customer personal data (e-mail, name, phone, what
 * they wrote) lives only in these ticket tables: never in events, audit entries or logs.
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { customers } from './customers.ts';
import { users } from './staff.ts';

export const TICKET_STATUSES = ['new', 'open', 'pending_customer', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** How much expertise the contact reason needs: routes tickets to the right queue. */
export const TICKET_LEVELS = ['simple', 'intermediate', 'expert'] as const;
/** Live handoff phases (src/modules/escalation/handoff.ts); `ticket` = asynchronous, no live chat. */
/** A callback request's queue state: `pending` until an agent calls; `called` = reached, follow-up to do. */
export const CALLBACK_STATUSES = ['pending', 'called', 'done', 'no_answer'] as const;
export const HANDOFF_PHASES = ['bot', 'waiting_for_agent', 'agent', 'resolved', 'ticket'] as const;

export const tickets = pgTable(
  'tickets',
  {
    /** Random UUID: never sequential, never guessable. */
    id: uuid('id').primaryKey().defaultRandom(),
    /** Public reference shown to the customer (`R-` + 8 random characters); grants nothing by itself. */
    reference: text('reference').notNull().unique(),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('new'),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull().default('normal'),
    level: text('level', { enum: TICKET_LEVELS }).notNull().default('intermediate'),
    channel: text('channel', { enum: ['form', 'callback', 'live'] }).notNull(),
    source: text('source').notNull(),
    reason: text('reason'),
    subject: text('subject').notNull(),
    locale: text('locale').notNull(),
    customerId: text('customer_id'),
    /** The customer account (src/modules/customers) this ticket belongs to, set by the escalation service. */
    customerAccountId: uuid('customer_account_id').references(() => customers.id, { onDelete: 'set null' }),
    customerEmail: text('customer_email'),
    customerName: text('customer_name'),
    customerPhone: text('customer_phone'),
    callbackTime: text('callback_time'),
    /** Callback requests: the chosen slot's start (UTC) and where the agents are with it. */
    callbackDueAt: timestamp('callback_due_at', { withTimezone: true }),
    callbackStatus: text('callback_status', { enum: CALLBACK_STATUSES }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    handoffPhase: text('handoff_phase', { enum: HANDOFF_PHASES }).notNull().default('ticket'),
    /** Incremented when a resolved live conversation starts over with the bot. */
    handoffSession: integer('handoff_session').notNull().default(1),
    /** The EscalationContext without `customer` (searches, articles, transcript, flow path, page…). */
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    firstReplyAt: timestamp('first_reply_at', { withTimezone: true }),
    solvedAt: timestamp('solved_at', { withTimezone: true }),
  },
  (t) => [
    index('tickets_status_updated_idx').on(t.status, t.updatedAt),
    index('tickets_assignee_idx').on(t.assigneeId),
    index('tickets_callback_due_idx').on(t.callbackStatus, t.callbackDueAt),
    index('tickets_customer_account_idx').on(t.customerAccountId),
  ],
);

export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** `internal` notes are never shown to the customer nor sent to them. */
    visibility: text('visibility', { enum: ['public', 'internal'] }).notNull(),
    author: text('author', { enum: ['customer', 'agent', 'system'] }).notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_messages_ticket_idx').on(t.ticketId, t.id)],
);

/** Secure customer links: SHA-256 of a 256-bit random token; several per ticket (one per e-mail). */
export const ticketAccessTokens = pgTable(
  'ticket_access_tokens',
  {
    hash: text('hash').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_access_tokens_ticket_idx').on(t.ticketId)],
);

/** Staff currently available for live handoff: a heartbeat from the inbox. */
export const agentPresence = pgTable('agent_presence', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});
