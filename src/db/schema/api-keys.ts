/** API keys (src/modules/api-keys). */
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { users } from './staff.ts';

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
