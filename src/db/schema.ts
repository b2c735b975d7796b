import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** Staff roles; what each may do is in src/server/access.ts. */
export const ROLES = ['admin', 'editor', 'agent', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Stored lower-case; unique. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
});

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: a database leak does not leak live sessions. */
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** First characters of the key, shown in the console to recognise it. */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the secret part (high-entropy secrets need no slow hash). */
  secretHash: text('secret_hash').notNull(),
  scopes: text('scopes').array().notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Append-only record of staff writes. Ids and field names only: never personal data. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type', { enum: ['user', 'api_key', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_subject_idx').on(t.subjectType, t.subjectId)],
);

/** Instance-wide settings and one-time secrets (hashed), by key. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

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

// ─── bot: conversations, guided flows, escalation fallback (src/modules/bot) ───────────────────────

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
 * Hand-overs asked from the bot, with the full EscalationRequest. Fallback store until the escalation
 * module (tickets) takes them; `ticketId` links the ticket once it exists.
 */
export const botEscalations = pgTable('bot_escalations', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
  request: jsonb('request').$type<Record<string, unknown>>().notNull(),
  ticketId: text('ticket_id'),
  createdAt: createdAt(),
});

// ─── end bot ────────────────────────────────────────────────────────────────────────────────────────
