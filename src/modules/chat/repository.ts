import { and, asc, count, desc, eq, gt, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { agentPresence, chats, users } from '../../db/schema.ts';

export type ChatRow = typeof chats.$inferSelect;
export type NewChat = typeof chats.$inferInsert;

export async function insertChat(db: DbOrTx, values: NewChat) {
  const [row] = await db.insert(chats).values(values).returning();
  return row!;
}

export const findChat = async (db: DbOrTx, id: string) =>
  (await db.select().from(chats).where(eq(chats.id, id)).limit(1))[0];

/** The chat only when the id and the token's hash match: one chat's token opens no other. */
export const findChatWithHash = async (db: DbOrTx, id: string, hash: string) =>
  (
    await db
      .select()
      .from(chats)
      .where(and(eq(chats.id, id), eq(chats.tokenHash, hash)))
      .limit(1)
  )[0];

export async function updateChat(db: DbOrTx, id: string, patch: Partial<NewChat>) {
  const [row] = await db.update(chats).set(patch).where(eq(chats.id, id)).returning();
  return row;
}

/** Takes a waiting chat for `agentId`; undefined when someone else was faster (any node). */
export async function claimWaiting(db: DbOrTx, id: string, agentId: string) {
  const [row] = await db
    .update(chats)
    .set({ status: 'active', agentId, acceptedAt: new Date() })
    .where(and(eq(chats.id, id), eq(chats.status, 'waiting')))
    .returning();
  return row;
}

/** Read receipts only move forward. */
export async function markRead(db: DbOrTx, id: string, side: 'customer' | 'agent', messageId: number) {
  const col = side === 'customer' ? chats.customerReadId : chats.agentReadId;
  const [row] = await db
    .update(chats)
    .set(
      side === 'customer'
        ? { customerReadId: sql`GREATEST(${col}, ${messageId})` }
        : { agentReadId: sql`GREATEST(${col}, ${messageId})` },
    )
    .where(eq(chats.id, id))
    .returning();
  return row;
}

/**
 * The writer's read mark after their message, only while the chat is open to them (a customer:
 * waiting or active; an agent: active and theirs), NOTIFYing `payload` in the same statement.
 * False when the chat is not open to them: the caller rolls the message back.
 */
export async function markReadIfOpen(
  db: DbOrTx,
  id: string,
  side: 'customer' | 'agent',
  messageId: number,
  agentId: string | null,
  channel: string,
  payload: string,
) {
  const open =
    side === 'agent'
      ? and(eq(chats.status, 'active'), eq(chats.agentId, agentId ?? ''))
      : inArray(chats.status, ['waiting', 'active']);
  const rows = await db
    .update(chats)
    .set(
      side === 'customer'
        ? { customerReadId: sql`GREATEST(${chats.customerReadId}, ${messageId})` }
        : { agentReadId: sql`GREATEST(${chats.agentReadId}, ${messageId})` },
    )
    .where(and(eq(chats.id, id), open))
    .returning({ id: chats.id, notified: sql`pg_notify(${channel}, ${payload})` });
  return rows.length > 0;
}

/** Waiting chats older than `before` become `timed_out`; one node wins each row. */
export const timeOutWaiting = (db: DbOrTx, before: Date) =>
  db
    .update(chats)
    .set({ status: 'timed_out', endedBy: 'timeout', endedAt: new Date() })
    .where(and(eq(chats.status, 'waiting'), lt(chats.createdAt, before)))
    .returning();

/** The queue, oldest first: a chat's position is its rank here. */
export const listWaiting = (db: DbOrTx) =>
  db.select().from(chats).where(eq(chats.status, 'waiting')).orderBy(asc(chats.createdAt), asc(chats.id));

export const listActiveOf = (db: DbOrTx, agentId: string) =>
  db
    .select()
    .from(chats)
    .where(and(eq(chats.status, 'active'), eq(chats.agentId, agentId)))
    .orderBy(asc(chats.acceptedAt));

export const listActive = (db: DbOrTx) =>
  db.select().from(chats).where(eq(chats.status, 'active')).orderBy(asc(chats.acceptedAt));

/** Mean seconds from opening to acceptance over the last 50 accepted chats (null before any). */
export async function meanAcceptSeconds(db: DbOrTx): Promise<number | null> {
  const recent = db
    .select({ s: sql<number>`extract(epoch from ${chats.acceptedAt} - ${chats.createdAt})`.as('s') })
    .from(chats)
    .where(isNotNull(chats.acceptedAt))
    .orderBy(desc(chats.acceptedAt))
    .limit(50)
    .as('recent');
  const [row] = await db.select({ avg: sql<string | null>`avg(${recent.s})` }).from(recent);
  return row?.avg == null ? null : Number(row.avg);
}

/** Display names of staff (agents' names are shown to customers in the chat). */
export async function staffNames(db: DbOrTx, ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** An active staff member who may take chats (agent or admin). */
export async function findAgent(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: users.id, name: users.name, role: users.role, active: users.active })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row?.active && (row.role === 'agent' || row.role === 'admin') ? row : undefined;
}

/** Agents whose inbox sent a heartbeat since `since`: transfer targets. */
export const onlineAgents = (db: DbOrTx, since: Date) =>
  db
    .select({ id: users.id, name: users.name })
    .from(agentPresence)
    .innerJoin(users, eq(users.id, agentPresence.userId))
    .where(and(gt(agentPresence.lastSeenAt, since), eq(users.active, true)))
    .orderBy(asc(users.name));

export async function countWaiting(db: DbOrTx) {
  const [row] = await db.select({ n: count() }).from(chats).where(eq(chats.status, 'waiting'));
  return row?.n ?? 0;
}
