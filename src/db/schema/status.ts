/** Status page: components, incidents, maintenance, subscribers (src/modules/status). */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { tickets } from './escalation.ts';

/** Per-locale text: `{ fr: '…', en: '…' }`. */
type Localised = Record<string, string>;

/** A heading grouping components on the status page ("Réseau", "Services en ligne"). */
export const statusComponentGroups = pgTable('status_component_groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  names: jsonb('names').$type<Localised>().notNull(),
  position: integer('position').notNull().default(0),
  createdAt: createdAt(),
});

/** Something customers use and that can fail ("Internet fibre — Lyon"). */
export const statusComponents = pgTable('status_components', {
  id: uuid('id').primaryKey().defaultRandom(),
  groupId: uuid('group_id').references(() => statusComponentGroups.id, { onDelete: 'set null' }),
  names: jsonb('names').$type<Localised>().notNull(),
  descriptions: jsonb('descriptions').$type<Localised>().notNull().default(sql`'{}'::jsonb`),
  /** Per locale, words customers use for it ("internet", "box", "wifi"): questions are matched on them. */
  keywords: jsonb('keywords').$type<Record<string, string[]>>().notNull().default(sql`'{}'::jsonb`),
  position: integer('position').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const INCIDENT_KINDS = ['incident', 'maintenance'] as const;
/** Incidents go investigating → identified → monitoring → resolved; maintenance scheduled → in_progress → completed. */
export const INCIDENT_STATUSES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'scheduled',
  'in_progress',
  'completed',
] as const;
export const COMPONENT_IMPACTS = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;

/** An incident or a maintenance window; title and body per locale, body in Markdown (sanitized when rendered). */
export const statusIncidents = pgTable(
  'status_incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: INCIDENT_KINDS }).notNull(),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull(),
    titles: jsonb('titles').$type<Localised>().notNull(),
    bodies: jsonb('bodies').$type<Localised>().notNull().default(sql`'{}'::jsonb`),
    /** Post-incident note (Markdown per locale), shown once resolved. */
    postmortems: jsonb('postmortems').$type<Localised>().notNull().default(sql`'{}'::jsonb`),
    /** Maintenance window; null for incidents. */
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    scheduledUntil: timestamp('scheduled_until', { withTimezone: true }),
    /** When customers were affected: creation for incidents, the actual start for maintenance. */
    startedAt: timestamp('started_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('status_incidents_status_idx').on(t.status),
    index('status_incidents_started_idx').on(t.startedAt),
  ],
);

/** How an incident affects each component it concerns. */
export const statusIncidentComponents = pgTable(
  'status_incident_components',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => statusIncidents.id, { onDelete: 'cascade' }),
    componentId: uuid('component_id')
      .notNull()
      .references(() => statusComponents.id, { onDelete: 'cascade' }),
    impact: text('impact', { enum: COMPONENT_IMPACTS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.componentId] })],
);

/** A timestamped update of an incident, with its text per locale. */
export const statusIncidentUpdates = pgTable(
  'status_incident_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => statusIncidents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull(),
    bodies: jsonb('bodies').$type<Localised>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('status_incident_updates_incident_idx').on(t.incidentId, t.createdAt)],
);

export const SUBSCRIBER_KINDS = ['email', 'webhook'] as const;

/**
 * Who is told about incidents: an e-mail address (double opt-in) or a signed webhook (staff-created).
 * `componentIds` empty = every component. `tokenHash` finds the subscriber from a confirm/unsubscribe
 * link; `token` (sealed) lets the renderer put that link in each e-mail.
 */
export const statusSubscribers = pgTable(
  'status_subscribers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: SUBSCRIBER_KINDS }).notNull(),
    email: text('email'),
    url: text('url'),
    /** Webhook signing secret, sealed at rest. */
    secret: text('secret'),
    locale: text('locale').notNull(),
    componentIds: jsonb('component_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    confirmed: boolean('confirmed').notNull().default(false),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    tokenHash: text('token_hash').notNull().unique(),
    token: text('token').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('status_subscribers_email_uq').on(t.email)],
);

/** Tickets an agent linked to an incident; each gets one reply when it resolves (`repliedAt`). */
export const statusIncidentTickets = pgTable(
  'status_incident_tickets',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => statusIncidents.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    linkedAt: createdAt(),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.ticketId] }),
    index('status_incident_tickets_ticket_idx').on(t.ticketId),
  ],
);
