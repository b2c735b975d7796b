import { and, asc, count, desc, eq, gt, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { agentPresence, ticketAccessTokens, ticketMessages, tickets } from '../../db/schema.ts';

export type TicketRow = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type MessageRow = typeof ticketMessages.$inferSelect;

export async function insertTicket(db: DbOrTx, values: NewTicket) {
  const [row] = await db.insert(tickets).values(values).returning();
  return row!;
}

export const findTicket = async (db: DbOrTx, id: string) =>
  (await db.select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];

export async function updateTicket(db: DbOrTx, id: string, patch: Partial<NewTicket>) {
  const [row] = await db
    .update(tickets)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(tickets.id, id))
    .returning();
  return row;
}

export async function insertMessage(db: DbOrTx, values: typeof ticketMessages.$inferInsert) {
  const [row] = await db.insert(ticketMessages).values(values).returning();
  return row!;
}

export const listMessages = (db: DbOrTx, ticketId: string, visibility?: 'public') =>
  db
    .select()
    .from(ticketMessages)
    .where(
      and(
        eq(ticketMessages.ticketId, ticketId),
        visibility ? eq(ticketMessages.visibility, visibility) : undefined,
      ),
    )
    .orderBy(asc(ticketMessages.id));

export async function insertAccessToken(db: DbOrTx, ticketId: string, hash: string) {
  await db.insert(ticketAccessTokens).values({ ticketId, hash });
}

export async function findTicketByTokenHash(db: DbOrTx, hash: string) {
  const [row] = await db
    .select({ ticket: tickets })
    .from(ticketAccessTokens)
    .innerJoin(tickets, eq(tickets.id, ticketAccessTokens.ticketId))
    .where(eq(ticketAccessTokens.hash, hash))
    .limit(1);
  return row?.ticket;
}

export async function countAgentsOnline(db: DbOrTx, since: Date) {
  const [row] = await db
    .select({ n: count() })
    .from(agentPresence)
    .where(gt(agentPresence.lastSeenAt, since));
  return row?.n ?? 0;
}

export async function touchPresence(db: DbOrTx, userId: string, online: boolean) {
  if (!online) {
    await db.delete(agentPresence).where(eq(agentPresence.userId, userId));
    return;
  }
  await db
    .insert(agentPresence)
    .values({ userId })
    .onConflictDoUpdate({ target: agentPresence.userId, set: { lastSeenAt: sql`now()` } });
}

export interface TicketFilter {
  queue: 'all' | 'unassigned' | 'mine' | 'open';
  me: string | null;
  status?: TicketRow['status'] | undefined;
  level?: TicketRow['level'] | undefined;
  priority?: TicketRow['priority'] | undefined;
  locale?: string | undefined;
  assigneeId?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

const OPEN = ['new', 'open', 'pending_customer'] as const;

export async function listTickets(db: DbOrTx, f: TicketFilter) {
  const where: Array<SQL | undefined> = [
    f.queue === 'open' || f.queue === 'unassigned' ? inArray(tickets.status, [...OPEN]) : undefined,
    f.queue === 'unassigned' ? isNull(tickets.assigneeId) : undefined,
    f.queue === 'mine' ? (f.me ? eq(tickets.assigneeId, f.me) : sql`false`) : undefined,
    f.status ? eq(tickets.status, f.status) : undefined,
    f.level ? eq(tickets.level, f.level) : undefined,
    f.priority ? eq(tickets.priority, f.priority) : undefined,
    f.locale ? eq(tickets.locale, f.locale) : undefined,
    f.assigneeId ? eq(tickets.assigneeId, f.assigneeId) : undefined,
    f.tag ? sql`${f.tag} = ANY(${tickets.tags})` : undefined,
    f.q
      ? or(ilike(tickets.subject, `%${escapeLike(f.q)}%`), eq(tickets.reference, f.q.toUpperCase()))
      : undefined,
  ];
  const cond = and(...where);
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(tickets)
      .where(cond)
      // Urgent first, then oldest waiting first: the queue order agents work in.
      .orderBy(
        sql`CASE ${tickets.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`,
        desc(tickets.updatedAt),
      )
      .limit(f.limit)
      .offset(f.offset),
    db.select({ n: count() }).from(tickets).where(cond),
  ]);
  return { items, total: total?.n ?? 0 };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export const findTickets = (db: DbOrTx, ids: string[]) =>
  ids.length ? db.select().from(tickets).where(inArray(tickets.id, ids)) : Promise.resolve([]);

export const findMessage = async (db: DbOrTx, id: number) =>
  (await db.select().from(ticketMessages).where(eq(ticketMessages.id, id)).limit(1))[0];

/** Callback requests in the given states, due first (at most 200: the queue, not an archive). */
export const listCallbacks = (db: DbOrTx, statuses: NonNullable<TicketRow['callbackStatus']>[]) =>
  db
    .select()
    .from(tickets)
    .where(inArray(tickets.callbackStatus, statuses))
    .orderBy(asc(tickets.callbackDueAt), asc(tickets.createdAt))
    .limit(200);
// Customer accounts (src/modules/customers): which tickets belong to whom.

/** Tickets left with this address and no account yet join the account (the address is verified). */
export async function attachTicketsByEmail(db: DbOrTx, email: string, accountId: string) {
  const rows = await db
    .update(tickets)
    .set({ customerAccountId: accountId })
    .where(and(eq(tickets.customerEmail, email), isNull(tickets.customerAccountId)))
    .returning({ id: tickets.id });
  return rows.length;
}

export async function moveAccountTickets(db: DbOrTx, fromId: string, toId: string) {
  await db.update(tickets).set({ customerAccountId: toId }).where(eq(tickets.customerAccountId, fromId));
}

export const listAccountTickets = (db: DbOrTx, accountId: string) =>
  db.select().from(tickets).where(eq(tickets.customerAccountId, accountId)).orderBy(desc(tickets.updatedAt));

export async function findAccountTicket(db: DbOrTx, accountId: string, reference: string) {
  const [row] = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.customerAccountId, accountId), eq(tickets.reference, reference)))
    .limit(1);
  return row;
}

/** Erasure: the account's tickets keep their thread for the company, without who wrote it. */
export async function anonymiseAccountTickets(db: DbOrTx, accountId: string, placeholder: string) {
  const ids = (
    await db
      .update(tickets)
      .set({
        customerAccountId: null,
        customerId: null,
        customerEmail: null,
        customerName: null,
        customerPhone: null,
        updatedAt: new Date(),
      })
      .where(eq(tickets.customerAccountId, accountId))
      .returning({ id: tickets.id })
  ).map((r) => r.id);
  if (ids.length) {
    await db
      .update(ticketMessages)
      .set({ body: placeholder })
      .where(and(inArray(ticketMessages.ticketId, ids), eq(ticketMessages.author, 'customer')));
    await db.delete(ticketAccessTokens).where(inArray(ticketAccessTokens.ticketId, ids));
  }
  return ids.length;
}
