import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { widgetSites } from '../../db/schema.ts';

export type SiteRow = typeof widgetSites.$inferSelect;
export type NewSiteRow = typeof widgetSites.$inferInsert;

export async function findSite(db: DbOrTx, key: string): Promise<SiteRow | undefined> {
  const [row] = await db.select().from(widgetSites).where(eq(widgetSites.key, key)).limit(1);
  return row;
}

export const listSites = (db: DbOrTx) => db.select().from(widgetSites).orderBy(asc(widgetSites.key));

/** Inserts unless the key exists; returns the new row or undefined. */
export async function insertSite(db: DbOrTx, row: NewSiteRow): Promise<SiteRow | undefined> {
  const [created] = await db.insert(widgetSites).values(row).onConflictDoNothing().returning();
  return created;
}

export async function updateSite(
  db: DbOrTx,
  key: string,
  patch: Partial<Omit<NewSiteRow, 'key' | 'createdAt'>>,
): Promise<SiteRow | undefined> {
  const [row] = await db
    .update(widgetSites)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(widgetSites.key, key))
    .returning();
  return row;
}

export const deleteSite = (db: DbOrTx, key: string) => db.delete(widgetSites).where(eq(widgetSites.key, key));
