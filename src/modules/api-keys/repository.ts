import { and, desc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { apiKeys } from '../../db/schema.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function insertApiKey(db: DbOrTx, values: typeof apiKeys.$inferInsert) {
  const [row] = await db.insert(apiKeys).values(values).returning();
  return row!;
}

export const listApiKeys = (db: DbOrTx) => db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));

/** The revoked key, or undefined when it does not exist or was already revoked. */
export async function revokeApiKey(db: DbOrTx, id: string) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

export const findActiveKeyByPrefix = async (db: DbOrTx, prefix: string) =>
  (
    await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)))
      .limit(1)
  )[0];

export const touchApiKey = (db: DbOrTx, id: string) =>
  db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
