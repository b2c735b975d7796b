/** Widget sites (src/modules/widget). */
import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';

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
