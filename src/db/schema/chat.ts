/**
 * Live chat (src/modules/chat). A chat is the live side of a ticket created by the escalation service:
 * its transcript is the ticket's thread (`ticket_messages`), so this table only holds the chat's state
 * and read receipts.
 */
import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { tickets } from './escalation.ts';
import { users } from './staff.ts';

export const CHAT_STATUSES = ['waiting', 'active', 'ended', 'timed_out'] as const;

export const chats = pgTable(
  'chats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .unique()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** SHA-256 of the customer's resume token (kept in the widget's localStorage). */
    tokenHash: text('token_hash').notNull().unique(),
    status: text('status', { enum: CHAT_STATUSES }).notNull().default('waiting'),
    /** Widget site the chat was opened from (null for other surfaces). */
    siteKey: text('site_key'),
    locale: text('locale').notNull(),
    agentId: uuid('agent_id').references(() => users.id, { onDelete: 'set null' }),
    /** Highest ticket message id each side has seen: read receipts. */
    customerReadId: bigint('customer_read_id', { mode: 'number' }).notNull().default(0),
    agentReadId: bigint('agent_read_id', { mode: 'number' }).notNull().default(0),
    endedBy: text('ended_by', { enum: ['customer', 'agent', 'timeout'] }),
    createdAt: createdAt(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('chats_status_created_idx').on(t.status, t.createdAt)],
);
