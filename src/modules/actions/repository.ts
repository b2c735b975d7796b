import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { customerActionRuns, customerActions } from '../../db/schema.ts';

export type ActionRow = typeof customerActions.$inferSelect;
export type NewAction = typeof customerActions.$inferInsert;
export type RunRow = typeof customerActionRuns.$inferSelect;

export async function insertAction(db: DbOrTx, values: NewAction) {
  const [row] = await db.insert(customerActions).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateAction(db: DbOrTx, id: string, values: Partial<NewAction>) {
  const [row] = await db
    .update(customerActions)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(customerActions.id, id))
    .returning();
  return row;
}

export const deleteAction = (db: DbOrTx, id: string) =>
  db.delete(customerActions).where(eq(customerActions.id, id)).returning({ id: customerActions.id });

export const findAction = async (db: DbOrTx, id: string) =>
  (await db.select().from(customerActions).where(eq(customerActions.id, id)).limit(1))[0];

export const findActionByKey = async (db: DbOrTx, key: string) =>
  (await db.select().from(customerActions).where(eq(customerActions.key, key)).limit(1))[0];

export const listActions = (db: DbOrTx) =>
  db.select().from(customerActions).orderBy(asc(customerActions.position), asc(customerActions.key));

export async function insertRun(db: DbOrTx, values: typeof customerActionRuns.$inferInsert) {
  const [row] = await db.insert(customerActionRuns).values(values).returning();
  return row!;
}

export async function listRuns(
  db: DbOrTx,
  q: { actionId?: string | undefined; limit: number; offset: number },
) {
  const where = q.actionId ? eq(customerActionRuns.actionId, q.actionId) : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(customerActionRuns)
      .where(where)
      .orderBy(desc(customerActionRuns.createdAt), desc(customerActionRuns.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(customerActionRuns).where(and(where)),
  ]);
  return { items, total: total?.n ?? 0 };
}
