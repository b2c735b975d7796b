import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
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

// ─── Escalation and tickets (src/modules/escalation, src/modules/outbox) ─────────────────────────────
// Customer personal data (e-mail, name, phone, what they wrote) lives only in these ticket tables:
// never in events, audit entries or logs.

export const TICKET_STATUSES = ['new', 'open', 'pending_customer', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** How much expertise the contact reason needs: routes tickets to the right queue. */
export const TICKET_LEVELS = ['simple', 'intermediate', 'expert'] as const;
/** Live handoff phases (src/modules/escalation/handoff.ts); `ticket` = asynchronous, no live chat. */
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
    customerEmail: text('customer_email'),
    customerName: text('customer_name'),
    customerPhone: text('customer_phone'),
    callbackTime: text('callback_time'),
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
    kind: text('kind', { enum: ['email', 'connector'] }).notNull(),
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
// ─── end of escalation and tickets ───────────────────────────────────────────────────────────────────
