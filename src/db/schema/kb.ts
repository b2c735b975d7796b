/** The knowledge base (src/modules/kb): categories, sections, articles, versions, redirects, feedback. */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
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
import { createdAt, updatedAt } from './columns.ts';
import { users } from './staff.ts';

/** Who may see an article: everyone, staff only, or visitors holding one of its segments. */
export const VISIBILITIES = ['public', 'internal', 'segment'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Lifecycle of an article: draft → in_review → published → archived (and back to draft). */
export const ARTICLE_STATUSES = ['draft', 'in_review', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];
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
