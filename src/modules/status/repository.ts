import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import {
  statusComponentGroups,
  statusComponents,
  statusIncidentComponents,
  statusIncidents,
  statusIncidentTickets,
  statusIncidentUpdates,
  statusSubscribers,
} from '../../db/schema.ts';

export type GroupRow = typeof statusComponentGroups.$inferSelect;
export type ComponentRow = typeof statusComponents.$inferSelect;
export type IncidentRow = typeof statusIncidents.$inferSelect;
export type ImpactRow = typeof statusIncidentComponents.$inferSelect;
export type UpdateRow = typeof statusIncidentUpdates.$inferSelect;
export type SubscriberRow = typeof statusSubscribers.$inferSelect;

/** Statuses of an incident or maintenance that no longer affect anything. */
export const CLOSED_STATUSES = ['resolved', 'completed'] as const;

// ── components ──

export const listGroups = (db: DbOrTx) =>
  db.select().from(statusComponentGroups).orderBy(asc(statusComponentGroups.position));

export const insertGroup = async (db: DbOrTx, row: typeof statusComponentGroups.$inferInsert) =>
  (await db.insert(statusComponentGroups).values(row).returning())[0]!;

export const updateGroup = async (db: DbOrTx, id: string, patch: Partial<GroupRow>) =>
  (await db.update(statusComponentGroups).set(patch).where(eq(statusComponentGroups.id, id)).returning())[0];

export const deleteGroup = async (db: DbOrTx, id: string) =>
  (await db.delete(statusComponentGroups).where(eq(statusComponentGroups.id, id)).returning()).length > 0;

export const listComponents = (db: DbOrTx) =>
  db.select().from(statusComponents).orderBy(asc(statusComponents.position), asc(statusComponents.createdAt));

export const findComponents = (db: DbOrTx, ids: string[]) =>
  ids.length
    ? db.select().from(statusComponents).where(inArray(statusComponents.id, ids))
    : Promise.resolve([]);

export const insertComponent = async (db: DbOrTx, row: typeof statusComponents.$inferInsert) =>
  (await db.insert(statusComponents).values(row).returning())[0]!;

export const updateComponent = async (db: DbOrTx, id: string, patch: Partial<ComponentRow>) =>
  (
    await db
      .update(statusComponents)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(statusComponents.id, id))
      .returning()
  )[0];

export const deleteComponent = async (db: DbOrTx, id: string) =>
  (await db.delete(statusComponents).where(eq(statusComponents.id, id)).returning()).length > 0;

// ── incidents ──

export const findIncident = async (db: DbOrTx, id: string) =>
  (await db.select().from(statusIncidents).where(eq(statusIncidents.id, id)))[0];

export const lockIncident = async (db: DbOrTx, id: string) =>
  (await db.select().from(statusIncidents).where(eq(statusIncidents.id, id)).for('update'))[0];

export const insertIncident = async (db: DbOrTx, row: typeof statusIncidents.$inferInsert) =>
  (await db.insert(statusIncidents).values(row).returning())[0]!;

export const updateIncident = async (db: DbOrTx, id: string, patch: Partial<IncidentRow>) =>
  (
    await db
      .update(statusIncidents)
      .set({ updatedAt: new Date(), ...patch })
      .where(eq(statusIncidents.id, id))
      .returning()
  )[0]!;

export const deleteIncident = async (db: DbOrTx, id: string) =>
  (await db.delete(statusIncidents).where(eq(statusIncidents.id, id)).returning()).length > 0;

/**
 * Incidents for the page and the API: every one not closed, plus closed ones that started (or were
 * scheduled) since `since`, newest first.
 */
export const listIncidents = (
  db: DbOrTx,
  q: { since?: Date; kind?: IncidentRow['kind']; open?: boolean; limit: number; offset?: number },
) =>
  db
    .select()
    .from(statusIncidents)
    .where(
      and(
        q.kind ? eq(statusIncidents.kind, q.kind) : undefined,
        q.open ? notInArray(statusIncidents.status, [...CLOSED_STATUSES]) : undefined,
        q.since
          ? or(
              notInArray(statusIncidents.status, [...CLOSED_STATUSES]),
              gte(sql`coalesce(${statusIncidents.startedAt}, ${statusIncidents.scheduledFor})`, q.since),
            )
          : undefined,
      ),
    )
    .orderBy(desc(sql`coalesce(${statusIncidents.startedAt}, ${statusIncidents.scheduledFor})`))
    .limit(q.limit)
    .offset(q.offset ?? 0);

/** Maintenance windows due to start, or in progress and due to end, at `now`. */
export const dueMaintenance = (db: DbOrTx, now: Date) =>
  db
    .select()
    .from(statusIncidents)
    .where(
      and(
        eq(statusIncidents.kind, 'maintenance'),
        or(
          and(eq(statusIncidents.status, 'scheduled'), lte(statusIncidents.scheduledFor, now)),
          and(eq(statusIncidents.status, 'in_progress'), lte(statusIncidents.scheduledUntil, now)),
        ),
      ),
    )
    .for('update', { skipLocked: true });

export const impactsOf = (db: DbOrTx, incidentIds: string[]) =>
  incidentIds.length
    ? db
        .select()
        .from(statusIncidentComponents)
        .where(inArray(statusIncidentComponents.incidentId, incidentIds))
    : Promise.resolve([] as ImpactRow[]);

export async function replaceImpacts(
  db: DbOrTx,
  incidentId: string,
  impacts: Array<Omit<ImpactRow, 'incidentId'>>,
) {
  await db.delete(statusIncidentComponents).where(eq(statusIncidentComponents.incidentId, incidentId));
  if (impacts.length)
    await db.insert(statusIncidentComponents).values(impacts.map((i) => ({ ...i, incidentId })));
}

export const updatesOf = (db: DbOrTx, incidentIds: string[]) =>
  incidentIds.length
    ? db
        .select()
        .from(statusIncidentUpdates)
        .where(inArray(statusIncidentUpdates.incidentId, incidentIds))
        .orderBy(desc(statusIncidentUpdates.createdAt))
    : Promise.resolve([] as UpdateRow[]);

export const insertUpdate = async (db: DbOrTx, row: typeof statusIncidentUpdates.$inferInsert) =>
  (await db.insert(statusIncidentUpdates).values(row).returning())[0]!;

/** Incidents (not maintenance) that overlapped [from, now]: for the 90-day bars. */
export const incidentsSince = (db: DbOrTx, from: Date) =>
  db
    .select()
    .from(statusIncidents)
    .where(
      and(
        eq(statusIncidents.kind, 'incident'),
        or(isNull(statusIncidents.resolvedAt), gte(statusIncidents.resolvedAt, from)),
        isNotNull(statusIncidents.startedAt),
      ),
    );

// ── subscribers ──

export const findSubscriberByEmail = async (db: DbOrTx, email: string) =>
  (await db.select().from(statusSubscribers).where(eq(statusSubscribers.email, email)))[0];

export const findSubscriberByTokenHash = async (db: DbOrTx, hash: string) =>
  (await db.select().from(statusSubscribers).where(eq(statusSubscribers.tokenHash, hash)))[0];

export const findSubscriber = async (db: DbOrTx, id: string) =>
  (await db.select().from(statusSubscribers).where(eq(statusSubscribers.id, id)))[0];

export const insertSubscriber = async (db: DbOrTx, row: typeof statusSubscribers.$inferInsert) =>
  (await db.insert(statusSubscribers).values(row).returning())[0]!;

export const updateSubscriber = async (db: DbOrTx, id: string, patch: Partial<SubscriberRow>) =>
  (await db.update(statusSubscribers).set(patch).where(eq(statusSubscribers.id, id)).returning())[0];

export const deleteSubscriber = async (db: DbOrTx, id: string) =>
  (await db.delete(statusSubscribers).where(eq(statusSubscribers.id, id)).returning()).length > 0;

export const listSubscribers = (db: DbOrTx, q: { limit: number; offset: number }) =>
  db
    .select()
    .from(statusSubscribers)
    .orderBy(desc(statusSubscribers.createdAt))
    .limit(q.limit)
    .offset(q.offset);

export const confirmedSubscribers = (db: DbOrTx) =>
  db.select().from(statusSubscribers).where(eq(statusSubscribers.confirmed, true));

// ── tickets ──

export async function linkTicket(db: DbOrTx, incidentId: string, ticketId: string) {
  await db.insert(statusIncidentTickets).values({ incidentId, ticketId }).onConflictDoNothing();
}

export const unlinkTicket = async (db: DbOrTx, incidentId: string, ticketId: string) =>
  (
    await db
      .delete(statusIncidentTickets)
      .where(
        and(eq(statusIncidentTickets.incidentId, incidentId), eq(statusIncidentTickets.ticketId, ticketId)),
      )
      .returning()
  ).length > 0;

export const linkedTickets = (db: DbOrTx, incidentId: string) =>
  db.select().from(statusIncidentTickets).where(eq(statusIncidentTickets.incidentId, incidentId));

export const incidentsOfTicket = (db: DbOrTx, ticketId: string) =>
  db
    .select({ incident: statusIncidents, linkedAt: statusIncidentTickets.linkedAt })
    .from(statusIncidentTickets)
    .innerJoin(statusIncidents, eq(statusIncidents.id, statusIncidentTickets.incidentId))
    .where(eq(statusIncidentTickets.ticketId, ticketId));

export async function markReplied(db: DbOrTx, incidentId: string, ticketId: string) {
  await db
    .update(statusIncidentTickets)
    .set({ repliedAt: new Date() })
    .where(
      and(eq(statusIncidentTickets.incidentId, incidentId), eq(statusIncidentTickets.ticketId, ticketId)),
    );
}
