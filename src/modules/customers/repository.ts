import { and, count, desc, eq, gt, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { customerSessions, customerSignInTokens, customers, customerTicketRatings } from '../../db/schema.ts';

export type CustomerRow = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;

export async function insertCustomer(db: DbOrTx, values: NewCustomer) {
  const [row] = await db.insert(customers).values(values).returning();
  return row!;
}

export const findCustomer = async (db: DbOrTx, id: string) =>
  (await db.select().from(customers).where(eq(customers.id, id)).limit(1))[0];

export const findCustomerByEmail = async (db: DbOrTx, email: string) =>
  (await db.select().from(customers).where(eq(customers.email, email)).limit(1))[0];

export const findCustomerByExternalId = async (db: DbOrTx, externalId: string) =>
  (await db.select().from(customers).where(eq(customers.externalId, externalId)).limit(1))[0];

export const findCustomersByIds = async (db: DbOrTx, ids: string[]) =>
  ids.length ? db.select().from(customers).where(inArray(customers.id, ids)) : [];

export async function updateCustomer(db: DbOrTx, id: string, patch: Partial<NewCustomer>) {
  const [row] = await db.update(customers).set(patch).where(eq(customers.id, id)).returning();
  return row;
}

export async function deleteCustomer(db: DbOrTx, id: string) {
  await db.delete(customers).where(eq(customers.id, id));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listCustomers(
  db: DbOrTx,
  q: { q?: string | undefined; limit: number; offset: number },
) {
  const like = q.q ? `%${escapeLike(q.q.trim())}%` : undefined;
  const cond = like
    ? or(ilike(customers.email, like), ilike(customers.name, like), ilike(customers.externalId, like))
    : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(customers)
      .where(cond)
      .orderBy(desc(sql`coalesce(${customers.lastSeenAt}, ${customers.createdAt})`))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(customers).where(cond),
  ]);
  return { items, total: total?.n ?? 0 };
}

// Sessions

export async function insertSession(db: DbOrTx, values: typeof customerSessions.$inferInsert) {
  await db.insert(customerSessions).values(values);
}

export async function findLiveSession(db: DbOrTx, id: string) {
  const [row] = await db
    .select()
    .from(customerSessions)
    .where(and(eq(customerSessions.id, id), gt(customerSessions.expiresAt, new Date())))
    .limit(1);
  return row;
}

export async function deleteSession(db: DbOrTx, id: string) {
  await db.delete(customerSessions).where(eq(customerSessions.id, id));
}

export async function deleteSessionsOf(db: DbOrTx, customerId: string) {
  await db.delete(customerSessions).where(eq(customerSessions.customerId, customerId));
}

// Magic links

export async function insertSignInToken(db: DbOrTx, values: typeof customerSignInTokens.$inferInsert) {
  const [row] = await db.insert(customerSignInTokens).values(values).returning();
  return row!;
}

/** Marks a live, unused link as used and returns it — one winner even if clicked twice at once. */
export async function consumeSignInToken(db: DbOrTx, hash: string, now: Date) {
  const [row] = await db
    .update(customerSignInTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(customerSignInTokens.hash, hash),
        isNull(customerSignInTokens.usedAt),
        gt(customerSignInTokens.expiresAt, now),
      ),
    )
    .returning();
  return row;
}

export const findSignInToken = async (db: DbOrTx, id: string) =>
  (await db.select().from(customerSignInTokens).where(eq(customerSignInTokens.id, id)).limit(1))[0];

export async function deleteSignInTokensOf(db: DbOrTx, email: string) {
  await db.delete(customerSignInTokens).where(eq(customerSignInTokens.email, email));
}

/** The request's one rating: undefined when it was already rated. */
export async function insertTicketRating(db: DbOrTx, reference: string, customerId: string) {
  const [row] = await db
    .insert(customerTicketRatings)
    .values({ reference, customerId })
    .onConflictDoNothing()
    .returning();
  return row;
}
