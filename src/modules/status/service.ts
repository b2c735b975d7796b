import type { Db, DbOrTx } from '../../db/client.ts';
import type { COMPONENT_IMPACTS, INCIDENT_STATUSES } from '../../db/schema.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { findTicket, replyToTicket } from '../escalation/inbox.ts';
import { pick, resolvedReply } from './copy.ts';
import * as repo from './repository.ts';
import { notifySubscribers } from './subscribers.ts';

export type { ComponentRow, GroupRow, IncidentRow, SubscriberRow } from './repository.ts';
export {
  confirmSubscription,
  createWebhookSubscriber,
  listSubscribers,
  removeSubscriber,
  statusDeliveries,
  subscribe,
  unsubscribe,
} from './subscribers.ts';
export {
  activeIncidentBanner,
  activeIncidentBanners,
  type IncidentNotice,
  incidentFirst,
  incidentPath,
  loadIncident,
  pageState,
  type StatusBanner,
} from './view.ts';

export type Impact = (typeof COMPONENT_IMPACTS)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type Localised = Record<string, string>;

export const INCIDENT_FLOW = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_FLOW = ['scheduled', 'in_progress', 'completed'] as const;

// ── components ──

export interface ComponentInput {
  names: Localised;
  descriptions?: Localised | undefined;
  keywords?: Record<string, string[]> | undefined;
  groupId?: string | null | undefined;
  position?: number | undefined;
}

export const listComponents = (db: DbOrTx) => repo.listComponents(db);
export const listGroups = (db: DbOrTx) => repo.listGroups(db);

export function createComponent(db: Db, actor: Actor, input: ComponentInput) {
  return db.transaction(async (tx) => {
    const row = await repo.insertComponent(tx, input);
    await recordAudit(tx, actor, {
      action: 'status_component.created',
      subjectType: 'status_component',
      subjectId: row.id,
    });
    return row;
  });
}

export function updateComponent(db: Db, actor: Actor, id: string, patch: Partial<ComponentInput>) {
  return db.transaction(async (tx) => {
    const row = await repo.updateComponent(tx, id, patch);
    if (!row) throw new NotFoundError('Component');
    await recordAudit(tx, actor, {
      action: 'status_component.updated',
      subjectType: 'status_component',
      subjectId: id,
    });
    return row;
  });
}

export function deleteComponent(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    if (!(await repo.deleteComponent(tx, id))) throw new NotFoundError('Component');
    await recordAudit(tx, actor, {
      action: 'status_component.deleted',
      subjectType: 'status_component',
      subjectId: id,
    });
  });
}

export function createGroup(
  db: Db,
  actor: Actor,
  input: { names: Localised; position?: number | undefined },
) {
  return db.transaction(async (tx) => {
    const row = await repo.insertGroup(tx, input);
    await recordAudit(tx, actor, {
      action: 'status_group.created',
      subjectType: 'status_group',
      subjectId: row.id,
    });
    return row;
  });
}

export function deleteGroup(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    if (!(await repo.deleteGroup(tx, id))) throw new NotFoundError('Component group');
    await recordAudit(tx, actor, {
      action: 'status_group.deleted',
      subjectType: 'status_group',
      subjectId: id,
    });
  });
}

// ── incidents and maintenance ──

export interface IncidentInput {
  kind: 'incident' | 'maintenance';
  titles: Localised;
  /** First update's text (Markdown per locale). */
  bodies: Localised;
  status?: IncidentStatus | undefined;
  components: Array<{ componentId: string; impact: Impact }>;
  scheduledFor?: Date | undefined;
  scheduledUntil?: Date | undefined;
}

function checkStatus(kind: IncidentInput['kind'], status: IncidentStatus) {
  const allowed: readonly string[] = kind === 'incident' ? INCIDENT_FLOW : MAINTENANCE_FLOW;
  if (!allowed.includes(status))
    throw new ValidationError(`A ${kind} is ${allowed.join(', ')}; not ${status}.`, 'status');
}

async function checkComponents(tx: DbOrTx, components: IncidentInput['components']) {
  const ids = [...new Set(components.map((c) => c.componentId))];
  if (ids.length !== components.length)
    throw new ValidationError('A component is listed twice.', 'components');
  const found = await repo.findComponents(tx, ids);
  if (found.length !== ids.length) throw new ValidationError('Unknown component.', 'components');
}

const closed = (s: IncidentStatus) => s === 'resolved' || s === 'completed';

/** Creates an incident (affecting customers now) or schedules a maintenance window, and tells subscribers. */
export async function createIncident(db: Db, actor: Actor | null, input: IncidentInput, now = new Date()) {
  const status = input.status ?? (input.kind === 'incident' ? 'investigating' : 'scheduled');
  checkStatus(input.kind, status);
  if (input.kind === 'maintenance') {
    if (!input.scheduledFor || !input.scheduledUntil)
      throw new ValidationError(
        'A maintenance needs its window.',
        input.scheduledFor ? 'scheduledUntil' : 'scheduledFor',
      );
    if (input.scheduledUntil <= input.scheduledFor)
      throw new ValidationError('The window ends before it starts.', 'scheduledUntil');
  }
  const incident = await db.transaction(async (tx) => {
    await checkComponents(tx, input.components);
    const started = input.kind === 'incident' || status !== 'scheduled';
    const row = await repo.insertIncident(tx, {
      kind: input.kind,
      status,
      titles: input.titles,
      bodies: input.bodies,
      scheduledFor: input.scheduledFor ?? null,
      scheduledUntil: input.scheduledUntil ?? null,
      startedAt: started ? now : null,
      resolvedAt: closed(status) ? now : null,
      createdAt: now,
      updatedAt: now,
    });
    await repo.replaceImpacts(tx, row.id, input.components);
    const update = await repo.insertUpdate(tx, {
      incidentId: row.id,
      status,
      bodies: input.bodies,
      createdAt: now,
    });
    if (actor)
      await recordAudit(tx, actor, {
        action: `status_${input.kind}.created`,
        subjectType: 'status_incident',
        subjectId: row.id,
      });
    await notifySubscribers(tx, row, update.id);
    return row;
  });
  return incident;
}

export interface UpdateInput {
  status: IncidentStatus;
  bodies: Localised;
  /** New impacts, when they changed with this update. */
  components?: IncidentInput['components'] | undefined;
}

/**
 * A timestamped update (new status and text), told to subscribers. When it resolves the incident,
 * every ticket linked to it gets one reply (`replyToLinkedTickets`), once.
 */
export async function addUpdate(
  db: Db,
  actor: Actor | null,
  id: string,
  input: UpdateInput,
  opts: { publicUrl: string; now?: Date },
) {
  const now = opts.now ?? new Date();
  const incident = await db.transaction(async (tx) => {
    const current = await repo.lockIncident(tx, id);
    if (!current) throw new NotFoundError('Incident');
    checkStatus(current.kind, input.status);
    if (closed(current.status) && closed(input.status))
      throw new ConflictError(`This ${current.kind} is already ${current.status}.`);
    if (input.components) {
      await checkComponents(tx, input.components);
      await repo.replaceImpacts(tx, id, input.components);
    }
    const row = await repo.updateIncident(tx, id, {
      status: input.status,
      startedAt: current.startedAt ?? (input.status === 'scheduled' ? null : now),
      resolvedAt: closed(input.status) ? now : null,
    });
    const update = await repo.insertUpdate(tx, {
      incidentId: id,
      status: input.status,
      bodies: input.bodies,
      createdAt: now,
    });
    if (actor)
      await recordAudit(tx, actor, {
        action: 'status_incident.updated',
        subjectType: 'status_incident',
        subjectId: id,
        details: { status: input.status },
      });
    await notifySubscribers(tx, row, update.id);
    return row;
  });
  if (actor && incident.status === 'resolved')
    await replyToLinkedTickets(db, actor, incident, opts.publicUrl);
  return incident;
}

export interface IncidentPatch {
  titles?: Localised | undefined;
  postmortems?: Localised | undefined;
  components?: IncidentInput['components'] | undefined;
  scheduledFor?: Date | undefined;
  scheduledUntil?: Date | undefined;
}

/** Corrections without an update: titles, post-incident note, impacts, maintenance window. */
export function patchIncident(db: Db, actor: Actor, id: string, patch: IncidentPatch) {
  return db.transaction(async (tx) => {
    const current = await repo.lockIncident(tx, id);
    if (!current) throw new NotFoundError('Incident');
    if (patch.components) {
      await checkComponents(tx, patch.components);
      await repo.replaceImpacts(tx, id, patch.components);
    }
    const from = patch.scheduledFor ?? current.scheduledFor;
    const until = patch.scheduledUntil ?? current.scheduledUntil;
    if (from && until && until <= from)
      throw new ValidationError('The window ends before it starts.', 'scheduledUntil');
    const { components: _c, ...fields } = patch;
    const row = await repo.updateIncident(tx, id, fields);
    await recordAudit(tx, actor, {
      action: 'status_incident.edited',
      subjectType: 'status_incident',
      subjectId: id,
    });
    return row;
  });
}

export function deleteIncident(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    if (!(await repo.deleteIncident(tx, id))) throw new NotFoundError('Incident');
    await recordAudit(tx, actor, {
      action: 'status_incident.deleted',
      subjectType: 'status_incident',
      subjectId: id,
    });
  });
}

const MAINTENANCE_TEXT = {
  in_progress: { fr: 'La maintenance a commencé.', en: 'The maintenance has started.' },
  completed: { fr: 'La maintenance est terminée.', en: 'The maintenance is complete.' },
} as const;

/**
 * Starts the maintenance windows whose start has come and completes those whose end has passed, each
 * with an update told to subscribers. Rows are claimed with `SKIP LOCKED`: several nodes may run it.
 */
export async function runMaintenance(
  db: Db,
  now = new Date(),
): Promise<{ started: string[]; completed: string[] }> {
  const started: string[] = [];
  const completed: string[] = [];
  await db.transaction(async (tx) => {
    for (const m of await repo.dueMaintenance(tx, now)) {
      // Both at once when the window passed entirely while no node was running.
      const steps: Array<'in_progress' | 'completed'> =
        m.status === 'scheduled'
          ? m.scheduledUntil && m.scheduledUntil <= now
            ? ['in_progress', 'completed']
            : ['in_progress']
          : ['completed'];
      let row = m;
      for (const status of steps) {
        row = await repo.updateIncident(tx, m.id, {
          status,
          startedAt: row.startedAt ?? now,
          resolvedAt: status === 'completed' ? now : null,
          updatedAt: now,
        });
        const bodies = Object.fromEntries(
          Object.keys(m.titles).map((l) => [l, pick(MAINTENANCE_TEXT[status], l)]),
        );
        const update = await repo.insertUpdate(tx, { incidentId: m.id, status, bodies, createdAt: now });
        await notifySubscribers(tx, row, update.id);
        (status === 'completed' ? completed : started).push(m.id);
      }
    }
  });
  return { started, completed };
}

// ── tickets ──

/** Links a ticket to an incident: it gets one reply when the incident resolves. */
export async function linkTicket(db: Db, actor: Actor, incidentId: string, ticketId: string) {
  await findTicket(db, ticketId); // NotFoundError for an unknown ticket
  return db.transaction(async (tx) => {
    const incident = await repo.findIncident(tx, incidentId);
    if (!incident) throw new NotFoundError('Incident');
    await repo.linkTicket(tx, incidentId, ticketId);
    await recordAudit(tx, actor, {
      action: 'status_incident.ticket_linked',
      subjectType: 'status_incident',
      subjectId: incidentId,
      details: { ticketId },
    });
  });
}

export async function unlinkTicket(db: Db, actor: Actor, incidentId: string, ticketId: string) {
  return db.transaction(async (tx) => {
    if (!(await repo.unlinkTicket(tx, incidentId, ticketId))) throw new NotFoundError('Link');
    await recordAudit(tx, actor, {
      action: 'status_incident.ticket_unlinked',
      subjectType: 'status_incident',
      subjectId: incidentId,
      details: { ticketId },
    });
  });
}

export const linkedTickets = (db: DbOrTx, incidentId: string) => repo.linkedTickets(db, incidentId);
export const incidentsOfTicket = (db: DbOrTx, ticketId: string) => repo.incidentsOfTicket(db, ticketId);

/**
 * One public reply, in the ticket's language, to every linked ticket not yet told — through the
 * escalation service (it writes the message, e-mails the customer and audits). A closed ticket is
 * skipped; a failure leaves the link untold so a later resolution retries it.
 */
export async function replyToLinkedTickets(
  db: Db,
  actor: Actor,
  incident: repo.IncidentRow,
  publicUrl: string,
): Promise<number> {
  let replied = 0;
  for (const link of await repo.linkedTickets(db, incident.id)) {
    if (link.repliedAt) continue;
    try {
      const ticket = await findTicket(db, link.ticketId);
      const body = resolvedReply(
        ticket.locale,
        pick(incident.titles, ticket.locale),
        `${publicUrl}${incidentPathOf(ticket.locale, incident.id)}`,
      );
      await replyToTicket(db, actor, link.ticketId, { body, visibility: 'public' }, publicUrl);
      replied++;
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
    }
    await repo.markReplied(db, incident.id, link.ticketId);
  }
  return replied;
}

const incidentPathOf = (locale: string, id: string) => `/${locale}/status/incidents/${id}`;
