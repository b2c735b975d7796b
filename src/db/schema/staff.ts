/** Staff accounts and their sessions (src/modules/staff). */
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../../shared/access-model.ts';
import { createdAt } from './columns.ts';

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
  /** TOTP secret (base32) sealed with the secret box (src/crypto/secret-box.ts); null = no 2FA. */
  totpSecret: text('totp_secret'),
  /** Secret offered at enrolment, sealed, until confirmed with a first code. */
  totpPendingSecret: text('totp_pending_secret'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
  /** Time step of the last accepted code: a code is never accepted twice. */
  totpLastStep: integer('totp_last_step'),
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
    /** What the owner and admins see and revoke by (the id above is a credential's hash). */
    handle: uuid('handle').notNull().unique().defaultRandom(),
    /** Updated at most every few minutes, not on every request. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    /** A summary such as "Firefox · Linux", never the raw header. */
    userAgent: text('user_agent'),
    /** The address coarsened to its network (IPv4 /24, IPv6 /48). */
    network: text('network'),
    /** Signed in while two-factor authentication is required but not set up: enrolment only. */
    enrolmentOnly: boolean('enrolment_only').notNull().default(false),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Single-use recovery codes of a staff member with two-factor authentication (SHA-256 only). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeSha256: text('code_sha256').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeSha256] })],
);

/** The pending second step of a sign-in: not a session, only the right to send a code, briefly. */
export const loginChallenges = pgTable('login_challenges', {
  /** SHA-256 of the token in the short-lived cookie. */
  id: text('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/**
 * Failed sign-ins per account, across every client address, keyed by a hash of the e-mail as typed
 * (known or not: the same for everyone, so it reveals no account).
 */
export const loginThrottles = pgTable('login_throttles', {
  accountKey: text('account_key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  /** No attempt for this account is checked before this instant. */
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
