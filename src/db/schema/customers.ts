/**
 * Customer accounts (src/modules/customers): the people a company serves, distinct from staff
 * (`users`). One customer across surfaces: the widget's signed identity, the portal sign-in and the
 * tickets created with the same verified e-mail resolve to the same row (docs/architecture.md).
 */
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Trimmed, lower-case; unique. Null for a widget identity that came without an e-mail. */
    email: text('email').unique(),
    /** When the customer proved they read this address (magic link, IdP's `email_verified`, signed host). */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    name: text('name'),
    locale: text('locale'),
    /** The company's own id for this customer (the widget's signed `id`, the IdP's subject); unique. */
    externalId: text('external_id').unique(),
    /** Plan / product segments: which `segment` articles this customer may read. */
    segments: text('segments').array().notNull().default(sql`'{}'::text[]`),
    /** What the customer agreed to, e.g. `{ "analytics": { "granted": true, "at": "…" } }`. */
    consents: jsonb('consents')
      .$type<Record<string, { granted: boolean; at: string }>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  },
  (t) => [index('customers_created_idx').on(t.createdAt)],
);

/** Portal sessions: SHA-256 of the `relais_customer` cookie token; never mixed with staff `sessions`. */
export const customerSessions = pgTable(
  'customer_sessions',
  {
    id: text('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('customer_sessions_customer_idx').on(t.customerId)],
);

/**
 * Magic sign-in links: SHA-256 of the token only, single use, 15 minutes. The address is kept here
 * (not in the outbox row) so the e-mail is rendered at delivery time; a customer row is created only
 * when the link is used, so asking for a link reveals nothing about who has an account.
 */
export const customerSignInTokens = pgTable(
  'customer_sign_in_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hash: text('hash').notNull().unique(),
    email: text('email').notNull(),
    locale: text('locale').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('customer_sign_in_tokens_email_idx').on(t.email, t.createdAt)],
);

/**
 * The one rating a customer gives each of their requests in the portal (CSAT): the primary key makes a
 * second rating a conflict, even when two arrive at once. The score itself goes to the analytics events.
 */
export const customerTicketRatings = pgTable('customer_ticket_ratings', {
  reference: text('reference').primaryKey(),
  customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});
