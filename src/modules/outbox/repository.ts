import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { type OUTBOX_STATUSES, outbox, ticketConnectors } from '../../db/schema.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;
export type ConnectorRow = typeof ticketConnectors.$inferSelect;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

// ── deliveries ──

/** Rows whose idempotency key is already queued are skipped (a digest is queued once per week). */
export async function insertDeliveries(db: DbOrTx, rows: NewOutboxRow[]) {
  if (rows.length)
    await db.insert(outbox).values(rows).onConflictDoNothing({ target: outbox.idempotencyKey });
}

/**
 * Takes up to `limit` due rows that no other node holds (`FOR UPDATE SKIP LOCKED`) and pushes their due
 * time to `lease`, counting the attempt: run it in a transaction.
 */
export async function claimDue(tx: DbOrTx, now: Date, lease: Date, limit: number): Promise<OutboxRow[]> {
  const due = await tx
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (!due.length) return [];
  await tx
    .update(outbox)
    .set({ nextAttemptAt: lease, attempts: sql`${outbox.attempts} + 1` })
    .where(
      inArray(
        outbox.id,
        due.map((r) => r.id),
      ),
    );
  return due.map((r) => ({ ...r, attempts: r.attempts + 1 }));
}

export async function updateDelivery(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<OutboxRow, 'status' | 'deliveredAt' | 'lastError' | 'payload' | 'nextAttemptAt'>>,
) {
  await db.update(outbox).set(patch).where(eq(outbox.id, id));
}

export const listDeliveries = (
  db: DbOrTx,
  q: { status?: OutboxStatus | undefined; ticketId?: string | undefined; limit: number },
) =>
  db
    .select()
    .from(outbox)
    .where(
      and(
        q.status ? eq(outbox.status, q.status) : undefined,
        q.ticketId ? eq(outbox.ticketId, q.ticketId) : undefined,
      ),
    )
    .orderBy(desc(outbox.createdAt))
    .limit(q.limit);

export const findDelivery = async (db: DbOrTx, id: string) =>
  (await db.select().from(outbox).where(eq(outbox.id, id)))[0];

/** Due now, attempts from zero, same idempotency key. */
export async function requeueDelivery(db: DbOrTx, id: string) {
  const [row] = await db
    .update(outbox)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date() })
    .where(eq(outbox.id, id))
    .returning();
  return row;
}

// ── connectors ──

export const listConnectors = (db: DbOrTx) =>
  db.select().from(ticketConnectors).orderBy(ticketConnectors.createdAt);

export const listEnabledConnectorIds = (db: DbOrTx) =>
  db.select({ id: ticketConnectors.id }).from(ticketConnectors).where(eq(ticketConnectors.enabled, true));

export const findConnector = async (db: DbOrTx, id: string) =>
  (await db.select().from(ticketConnectors).where(eq(ticketConnectors.id, id)).limit(1))[0];

export async function insertConnector(db: DbOrTx, values: typeof ticketConnectors.$inferInsert) {
  const [row] = await db.insert(ticketConnectors).values(values).returning();
  return row!;
}

export async function updateConnector(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<ConnectorRow, 'name' | 'enabled' | 'settings' | 'secret'>>,
) {
  const [row] = await db
    .update(ticketConnectors)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(ticketConnectors.id, id))
    .returning();
  return row;
}

/** Number of connectors removed (0 or 1). */
export async function deleteConnector(db: DbOrTx, id: string) {
  return (await db.delete(ticketConnectors).where(eq(ticketConnectors.id, id)).returning()).length;
}
