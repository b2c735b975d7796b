import { and, asc, count, desc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import {
  loginChallenges,
  loginThrottles,
  type Role,
  recoveryCodes,
  sessions,
  users,
} from '../../db/schema.ts';

export type UserRow = typeof users.$inferSelect;

export const findUserByEmail = async (db: DbOrTx, email: string) =>
  (await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1))[0];

export const findUserById = async (db: DbOrTx, id: string) =>
  (await db.select().from(users).where(eq(users.id, id)).limit(1))[0];

export const listUsers = (db: DbOrTx) => db.select().from(users).orderBy(asc(users.createdAt));

export const countUsers = async (db: DbOrTx) => (await db.select({ n: count() }).from(users))[0]?.n ?? 0;

export async function insertUser(
  db: DbOrTx,
  values: { email: string; name: string; role: Role; passwordHash: string | null },
) {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase() })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return row;
}

export async function updateUser(
  db: DbOrTx,
  id: string,
  patch: Partial<
    Pick<
      UserRow,
      | 'name'
      | 'role'
      | 'active'
      | 'passwordHash'
      | 'lastLoginAt'
      | 'totpSecret'
      | 'totpPendingSecret'
      | 'totpEnabledAt'
      | 'totpLastStep'
    >
  >,
) {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function insertSession(
  db: DbOrTx,
  values: {
    id: string;
    userId: string;
    csrfToken: string;
    expiresAt: Date;
    userAgent: string | null;
    network: string | null;
    enrolmentOnly: boolean;
  },
) {
  await db.insert(sessions).values(values);
}

/** The live session and its user, or undefined when expired, unknown or the user is deactivated. */
export async function findLiveSession(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date()), eq(users.active, true)))
    .limit(1);
  return row;
}

export const deleteSession = (db: DbOrTx, id: string) => db.delete(sessions).where(eq(sessions.id, id));

export const deleteUserSessions = (db: DbOrTx, userId: string) =>
  db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });

export const purgeExpiredSessions = (db: DbOrTx) =>
  db.delete(sessions).where(lt(sessions.expiresAt, new Date()));

// ── sessions as their owner and admins see them ──

export type SessionRow = typeof sessions.$inferSelect;

export const listUserSessions = (db: DbOrTx, userId: string, now: Date) =>
  db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastUsedAt));

/** Marks a session used, at most once per `every` ms (one write per few minutes, not per request). */
export const touchSession = (db: DbOrTx, id: string, now: Date, everyMs: number) =>
  db
    .update(sessions)
    .set({ lastUsedAt: now })
    .where(and(eq(sessions.id, id), lt(sessions.lastUsedAt, new Date(now.getTime() - everyMs))));

export async function deleteSessionByHandle(db: DbOrTx, userId: string, handle: string) {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.handle, handle)))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function deleteOtherSessions(db: DbOrTx, userId: string, keepId: string) {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepId)))
    .returning({ id: sessions.id });
  return rows.length;
}

export const liftEnrolmentOnly = (db: DbOrTx, userId: string) =>
  db.update(sessions).set({ enrolmentOnly: false }).where(eq(sessions.userId, userId));

// ── per-account sign-in throttling ──

/**
 * Claims one sign-in attempt for an account, atomically across nodes: counts it as a failure in
 * advance (a success deletes the row) and, from the `free`-th failure on, blocks the account for
 * `min(2^(failures - free), cap)` seconds. Returns undefined while the account is blocked.
 * Failures older than `forgetMs` are forgotten.
 */
export async function claimLoginAttempt(
  db: DbOrTx,
  accountKey: string,
  now: Date,
  opts: { free: number; capSeconds: number; forgetMs: number },
): Promise<{ failures: number } | undefined> {
  const t = loginThrottles;
  const nowIso = now.toISOString();
  const forgetBefore = new Date(now.getTime() - opts.forgetMs).toISOString();
  const failures = sql`(case when ${t.updatedAt} < ${forgetBefore}::timestamptz then 0 else ${t.failures} end + 1)`;
  const [row] = await db
    .insert(t)
    .values({ accountKey, failures: 1, blockedUntil: null, updatedAt: now })
    .onConflictDoUpdate({
      target: t.accountKey,
      set: {
        failures,
        blockedUntil: sql`case when ${failures} >= ${opts.free}
          then ${nowIso}::timestamptz + make_interval(secs => least(power(2, ${failures} - ${opts.free}), ${opts.capSeconds}))
          else null end`,
        updatedAt: now,
      },
      setWhere: sql`${t.blockedUntil} is null or ${t.blockedUntil} <= ${nowIso}::timestamptz`,
    })
    .returning({ failures: t.failures });
  return row;
}

export async function findLoginThrottle(db: DbOrTx, accountKey: string) {
  const [row] = await db.select().from(loginThrottles).where(eq(loginThrottles.accountKey, accountKey));
  return row;
}

export const clearLoginThrottle = (db: DbOrTx, accountKey: string) =>
  db.delete(loginThrottles).where(eq(loginThrottles.accountKey, accountKey));

export const purgeLoginThrottles = (db: DbOrTx, before: Date) =>
  db.delete(loginThrottles).where(lt(loginThrottles.updatedAt, before));

// ── two-factor: recovery codes and pending sign-in challenges ──

export async function replaceRecoveryCodes(db: DbOrTx, userId: string, hashes: string[]) {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (hashes.length)
    await db.insert(recoveryCodes).values(hashes.map((codeSha256) => ({ userId, codeSha256 })));
}

/** Burns a recovery code; true when it existed and was unused (one caller wins). */
export async function burnRecoveryCode(db: DbOrTx, userId: string, codeSha256: string, now: Date) {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeSha256, codeSha256),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return rows.length === 1;
}

export async function countUnusedRecoveryCodes(db: DbOrTx, userId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/** Accepts a code only for a later time step than the last one used (no replay). */
export async function advanceTotpStep(db: DbOrTx, userId: string, step: number) {
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), sql`(${users.totpLastStep} is null or ${users.totpLastStep} < ${step})`))
    .returning({ id: users.id });
  return rows.length === 1;
}

export async function insertChallenge(db: DbOrTx, values: { id: string; userId: string; expiresAt: Date }) {
  await db.insert(loginChallenges).values(values);
}

/** Counts one attempt on a live challenge and returns it, or undefined when expired or used up. */
export async function spendChallengeAttempt(db: DbOrTx, id: string, now: Date, maxAttempts: number) {
  const [row] = await db
    .update(loginChallenges)
    .set({ attempts: sql`${loginChallenges.attempts} + 1` })
    .where(
      and(
        eq(loginChallenges.id, id),
        gt(loginChallenges.expiresAt, now),
        lt(loginChallenges.attempts, maxAttempts),
      ),
    )
    .returning();
  return row;
}

export const deleteChallenge = (db: DbOrTx, id: string) =>
  db.delete(loginChallenges).where(eq(loginChallenges.id, id));

export const purgeExpiredChallenges = (db: DbOrTx, now: Date) =>
  db.delete(loginChallenges).where(lt(loginChallenges.expiresAt, now));
