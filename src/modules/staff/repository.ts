import { and, asc, count, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { type Role, sessions, users } from '../../db/schema.ts';

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
  patch: Partial<Pick<UserRow, 'name' | 'role' | 'active' | 'passwordHash' | 'lastLoginAt'>>,
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
  values: { id: string; userId: string; csrfToken: string; expiresAt: Date },
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
  db.delete(sessions).where(eq(sessions.userId, userId));

export const purgeExpiredSessions = (db: DbOrTx) =>
  db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
