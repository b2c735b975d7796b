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
