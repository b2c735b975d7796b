import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

import { ROLES } from '../shared/access-model.ts';

/** Staff roles (src/shared/access-model.ts); what each may do is in src/server/access.ts. */
export { ROLES, type Role } from '../shared/access-model.ts';

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

// ── Knowledge base ──────────────────────────────────────────────────────────────────────────────

/** Who may see an article: everyone, staff only, or visitors holding one of its segments. */
export const VISIBILITIES = ['public', 'internal', 'segment'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Lifecycle of an article: draft → in_review → published → archived (and back to draft). */
export const ARTICLE_STATUSES = ['draft', 'in_review', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** A top-level grouping of the help centre, shared by all locales; ordered by `position`. */
export const categories = pgTable('categories', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Stable key for imports (e.g. the demo's `account`); optional. */
  key: text('key').unique(),
  position: integer('position').notNull().default(0),
  icon: text('icon'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A category's title, slug and description in one locale; slugs are unique per locale. */
export const categoryTranslations = pgTable(
  'category_translations',
  {
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
    locale: text('locale').notNull(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.categoryId, t.locale] }),
    uniqueIndex('category_translations_slug_idx').on(t.locale, t.slug),
  ],
);

/** An ordered group of articles inside a category; titles per locale. */
export const sections = pgTable(
  'sections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    /** `{ fr: 'Factures', en: 'Invoices' }` */
    titles: jsonb('titles').$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('sections_category_idx').on(t.categoryId)],
);

/**
 * One answer in one locale. Translations of the same answer share `translation_group`.
 * Every save bumps `version` and writes an `article_versions` row.
 */
export const articles = pgTable(
  'articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    translationGroup: uuid('translation_group').notNull(),
    /** Stable key for imports (the demo's answer key); optional. */
    key: text('key'),
    locale: text('locale').notNull(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    /** 1–3 sentences that answer on their own: what the bot and the widget show. */
    shortAnswer: text('short_answer').notNull(),
    /** Markdown. */
    body: text('body').notNull().default(''),
    /** Ways customers ask the question: the matching engine's supervised examples. */
    formulations: text('formulations').array().notNull().default(sql`'{}'::text[]`),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull().default('public'),
    /** For visibility 'segment': e.g. 'plan=pro', 'product=fibre'. */
    segments: text('segments').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: ARTICLE_STATUSES }).notNull().default('draft'),
    categoryId: uuid('category_id').references(() => categories.id, { onDelete: 'set null' }),
    sectionId: uuid('section_id').references(() => sections.id, { onDelete: 'set null' }),
    position: integer('position').notNull().default(0),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    reviewBy: date('review_by'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    createdBy: text('created_by'),
    updatedAt: updatedAt(),
    updatedBy: text('updated_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    submittedBy: text('submitted_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: text('published_by'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    archivedBy: text('archived_by'),
    /** Counters feeding the engine's priors (no personal data). */
    views: integer('views').notNull().default(0),
    helpfulYes: integer('helpful_yes').notNull().default(0),
    helpfulNo: integer('helpful_no').notNull().default(0),
  },
  (t) => [
    uniqueIndex('articles_locale_slug_idx').on(t.locale, t.slug),
    uniqueIndex('articles_group_locale_idx').on(t.translationGroup, t.locale),
    index('articles_status_idx').on(t.status, t.locale),
    index('articles_category_idx').on(t.categoryId),
  ],
);

/** Immutable snapshot of an article at each save: history, diff and restore. */
export const articleVersions = pgTable(
  'article_versions',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    note: text('note'),
    createdAt: createdAt(),
    /** `user:<id>` or `api_key:<id>`. */
    createdBy: text('created_by'),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.version] })],
);

/** A category's old slugs answer 301 to its current URL (live slugs win: a reused slug drops its redirect). */
export const categoryRedirects = pgTable(
  'category_redirects',
  {
    locale: text('locale').notNull(),
    oldSlug: text('old_slug').notNull(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.locale, t.oldSlug] })],
);

/** Old slugs answer 301 to the article's current URL. */
export const articleRedirects = pgTable(
  'article_redirects',
  {
    locale: text('locale').notNull(),
    oldSlug: text('old_slug').notNull(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.locale, t.oldSlug] })],
);

/** "Was this helpful?" answers: anonymous, no personal data beyond the optional free text. */
export const articleFeedback = pgTable(
  'article_feedback',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    helpful: boolean('helpful').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [index('article_feedback_article_idx').on(t.articleId, t.createdAt)],
);

// ─── widget (src/modules/widget) ────────────────────────────────────────────────────────────────

/**
 * One website embedding the widget, by its public key (`data-relais-site`). Its identity secret signs
 * customer identities on the host's server (HMAC-SHA256); it never leaves Relais except once, when
 * created or rotated. Strings, rules and the status banner are JSON validated by the widget module.
 */
export const widgetSites = pgTable('widget_sites', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  /** Origins (`https://shop.example`) allowed to call the widget's public endpoints (CORS). */
  allowedOrigins: text('allowed_origins').array().notNull(),
  identitySecret: text('identity_secret').notNull(),
  /** Per-locale overrides of the widget's UI strings: `{ fr: { greeting: '…' } }`. */
  strings: jsonb('strings')
    .$type<Record<string, Record<string, string>>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  /** Contextual and proactive help rules, evaluated in the visitor's browser. */
  rules: jsonb('rules').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
  /** Optional banner per locale (incident, maintenance): `{ fr: '…', en: '…' }`. */
  statusBanner: jsonb('status_banner').$type<Record<string, string> | null>(),
  /** Contact page for "talk to a human"; default: the help centre's. */
  contactUrl: text('contact_url'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
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

// ── Analytics (src/modules/analytics) ───────────────────────────────────────────────────────────
// Rollups of `events`, refreshed incrementally from a high-water mark on `events.id`; no personal data.

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

// ─── live chat (src/modules/chat) ────────────────────────────────────────────────────────────────────
// A chat is the live side of a ticket created by the escalation service: its transcript is the
// ticket's thread (`ticket_messages`), so this table only holds the chat's state and read receipts.

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
// ─── end of live chat ────────────────────────────────────────────────────────────────────────────────
