import { asc, eq, sql } from 'drizzle-orm';
import { openSecret, sealSecret } from '../../crypto/secret-box.ts';
import type { DbOrTx } from '../../db/client.ts';
import { widgetSites } from '../../db/schema.ts';

export type SiteRow = typeof widgetSites.$inferSelect;
export type NewSiteRow = typeof widgetSites.$inferInsert;

// The identity secret is sealed at rest (crypto/secret-box.ts): rows leave this file with it open.
const opened = (row: SiteRow | undefined): SiteRow | undefined =>
  row && { ...row, identitySecret: openSecret(row.identitySecret) };

export async function findSite(db: DbOrTx, key: string): Promise<SiteRow | undefined> {
  const [row] = await db.select().from(widgetSites).where(eq(widgetSites.key, key)).limit(1);
  return opened(row);
}

export const listSites = async (db: DbOrTx) =>
  (await db.select().from(widgetSites).orderBy(asc(widgetSites.key))).map((r) => opened(r)!);

/** Inserts unless the key exists; returns the new row or undefined. */
export async function insertSite(db: DbOrTx, row: NewSiteRow): Promise<SiteRow | undefined> {
  const [created] = await db
    .insert(widgetSites)
    .values({ ...row, identitySecret: sealSecret(row.identitySecret) })
    .onConflictDoNothing()
    .returning();
  return opened(created);
}

export async function updateSite(
  db: DbOrTx,
  key: string,
  patch: Partial<Omit<NewSiteRow, 'key' | 'createdAt'>>,
): Promise<SiteRow | undefined> {
  const sealed = patch.identitySecret ? { identitySecret: sealSecret(patch.identitySecret) } : {};
  const [row] = await db
    .update(widgetSites)
    .set({ ...patch, ...sealed, updatedAt: sql`now()` })
    .where(eq(widgetSites.key, key))
    .returning();
  return opened(row);
}

export const deleteSite = (db: DbOrTx, key: string) => db.delete(widgetSites).where(eq(widgetSites.key, key));
