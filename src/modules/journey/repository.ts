import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { journeySteps, journeys } from '../../db/schema.ts';

export type JourneyRow = typeof journeys.$inferSelect;
export type JourneyStepRow = typeof journeySteps.$inferSelect;
export type NewJourneyStep = typeof journeySteps.$inferInsert;

/** Creates the journey on its first step and moves its last-step time forward. */
export async function touchJourney(db: DbOrTx, id: string, at: Date) {
  await db
    .insert(journeys)
    .values({ id, firstAt: at, lastAt: at })
    .onConflictDoUpdate({ target: journeys.id, set: { lastAt: sql`greatest(${journeys.lastAt}, ${at})` } });
}

export async function insertStep(db: DbOrTx, step: NewJourneyStep) {
  await db.insert(journeySteps).values(step);
}

/** The journey, locked for the escalation's transaction. */
export async function lockJourney(db: DbOrTx, id: string): Promise<JourneyRow | undefined> {
  const [row] = await db.select().from(journeys).where(eq(journeys.id, id)).for('update').limit(1);
  return row;
}

/** Steps after `since` (all when null), oldest first, at most `limit` (the newest ones). */
export async function listSteps(db: DbOrTx, id: string, since: Date | null, limit: number) {
  const rows = await db
    .select()
    .from(journeySteps)
    .where(and(eq(journeySteps.journeyId, id), since ? gt(journeySteps.at, since) : undefined))
    .orderBy(desc(journeySteps.at))
    .limit(limit);
  return rows.reverse();
}

export async function markEscalated(db: DbOrTx, id: string, at: Date) {
  await db.update(journeys).set({ escalatedAt: at }).where(eq(journeys.id, id));
}

/** Deletes journeys (and, by cascade, their steps) whose last step is older than `before`. */
export async function purgeBefore(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(journeys).where(lt(journeys.lastAt, before)).returning({ id: journeys.id });
  return rows.length;
}
