/** The bot (src/modules/bot): conversations, guided flows, hand-overs to a human. */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';

/** A chatbot conversation. The visitor resumes it with a random token; only its SHA-256 is stored. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    locale: text('locale').notNull(),
    /** Surface that opened it: widget, helpcentre, bot (API)… */
    channel: text('channel').notNull(),
    /** Anonymous, random, first-party visitor id given by the surface (never personal data). */
    visitorId: text('visitor_id'),
    /** Customer segments asserted by the host site (e.g. `plan=pro`): they filter answers. */
    segments: text('segments').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: ['open', 'resolved', 'escalated'] })
      .notNull()
      .default('open'),
    /** Dialogue state (pending quick replies, misses, proposed answers, running flow). */
    state: jsonb('state').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    pageUrl: text('page_url'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversations_created_idx').on(t.createdAt)],
);

/** Everything that happened in a conversation, in order: messages, bot decisions, flow steps, feedback. */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind', { enum: ['message', 'decision', 'flow_step', 'feedback', 'escalation'] }).notNull(),
    /** For messages: who spoke. */
    author: text('author', { enum: ['customer', 'bot', 'system'] }),
    text: text('text'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index('conversation_events_conversation_idx').on(t.conversationId, t.id)],
);

/** A guided flow; its definitions live in `flow_versions`. */
export const flows = pgTable('flows', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Stable, unique key (e.g. `internet-down-fr`), used by the demo loader and integrators. */
  key: text('key').notNull().unique(),
  title: text('title').notNull(),
  locale: text('locale').notNull(),
  latestVersion: integer('latest_version').notNull(),
  /** Version conversations run; null until first published. */
  publishedVersion: integer('published_version'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Immutable versions of a flow definition (JSON validated by src/modules/bot/flow-schema.ts). */
export const flowVersions = pgTable(
  'flow_versions',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.version] })],
);

/**
 * Company endpoints that flow actions may call: the base URL and secret headers are configured by an
 * admin and never returned by the API; flows only name the connection and a path.
 */
export const flowConnections = pgTable('flow_connections', {
  name: text('name').primaryKey(),
  baseUrl: text('base_url').notNull(),
  /** Secret headers (e.g. `authorization`): write-only. */
  headers: jsonb('headers').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  timeoutMs: integer('timeout_ms').notNull().default(5000),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** An answer of the knowledge base that offers a guided flow (kept here so kb's tables stay kb's). */
export const articleFlows = pgTable('article_flows', {
  articleId: text('article_id').primaryKey(),
  flowId: uuid('flow_id')
    .notNull()
    .references(() => flows.id, { onDelete: 'cascade' }),
});

/**
 * The bot's record of each hand-over to a human, written beside the ticket that `escalate()` creates:
 * which conversation went to which ticket (`ticketId`) and what was sent (the bot's full
 * EscalationRequest; `{ source, reference }` from the widget's contact form). Its id is the turn's
 * `escalationId`; the ticket itself, with its context, lives in `tickets`.
 */
export const botEscalations = pgTable('bot_escalations', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
  request: jsonb('request').$type<Record<string, unknown>>().notNull(),
  ticketId: text('ticket_id'),
  createdAt: createdAt(),
});
