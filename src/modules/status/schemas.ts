import { z } from 'zod';
import { COMPONENT_IMPACTS, INCIDENT_KINDS, INCIDENT_STATUSES } from '../../db/schema.ts';
import { refineOutboundUrl } from '../../net/outbound.ts';
import { Locale } from '../settings/schemas.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
/** Per-locale text, at least one locale. */
const Localised = (max: number) =>
  z.record(Locale, text(max)).refine((m) => Object.keys(m).length > 0, 'at least one locale');
/** Per-locale Markdown (sanitized by the knowledge base's renderer when shown). */
const Markdown = z.record(Locale, z.string().trim().max(20_000));

export const IdParams = z.strictObject({ id: z.uuid() });
export const Impact = z.enum(COMPONENT_IMPACTS).describe('How the component is affected.');
export const IncidentStatus = z
  .enum(INCIDENT_STATUSES)
  .describe(
    'Incidents: investigating → identified → monitoring → resolved; maintenance: scheduled → in_progress → completed.',
  );

export const GroupBody = z.strictObject({
  names: Localised(100).describe('Name per locale.'),
  position: z.number().int().min(0).max(10_000).optional(),
});

export const ComponentBody = z.strictObject({
  names: Localised(120).describe('Name per locale, e.g. `{ "fr": "Internet fibre — Lyon" }`.'),
  descriptions: z.record(Locale, z.string().trim().max(500)).optional(),
  keywords: z
    .record(Locale, z.array(text(60)).max(30))
    .optional()
    .describe('Per locale, words customers use for it: questions are matched on the name and these.'),
  groupId: z.uuid().nullable().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});

export const Group = z.object({
  id: z.uuid(),
  names: z.record(z.string(), z.string()),
  position: z.number(),
});

export const Component = z.object({
  id: z.uuid(),
  groupId: z.uuid().nullable(),
  names: z.record(z.string(), z.string()),
  descriptions: z.record(z.string(), z.string()),
  keywords: z.record(z.string(), z.array(z.string())),
  position: z.number(),
  status: Impact.describe('Current status, from the active incidents and maintenance.'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const Affected = z.array(z.strictObject({ componentId: z.uuid(), impact: Impact })).max(100);

export const IncidentBody = z.strictObject({
  kind: z.enum(INCIDENT_KINDS).default('incident'),
  titles: Localised(200).describe('Title per locale; the incident concerns the locales it has a title in.'),
  bodies: Markdown.default({}).describe('First update, Markdown per locale.'),
  status: IncidentStatus.optional(),
  components: Affected.default([]),
  scheduledFor: z.coerce
    .date()
    .optional()
    .describe('Maintenance: start of the window (it starts by itself).'),
  scheduledUntil: z.coerce
    .date()
    .optional()
    .describe('Maintenance: end of the window (it completes by itself).'),
});

export const IncidentPatchBody = z.strictObject({
  titles: Localised(200).optional(),
  postmortems: Markdown.optional().describe('Post-incident note, Markdown per locale.'),
  components: Affected.optional(),
  scheduledFor: z.coerce.date().optional(),
  scheduledUntil: z.coerce.date().optional(),
});

export const UpdateBody = z.strictObject({
  status: IncidentStatus,
  bodies: Markdown.refine((m) => Object.values(m).some((v) => v), 'at least one locale'),
  components: Affected.optional().describe('New impacts, when they change with this update.'),
});

export const IncidentQuery = z.strictObject({
  kind: z.enum(INCIDENT_KINDS).optional(),
  open: z.enum(['true', 'false']).optional().describe('`true`: only those not resolved/completed.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const Incident = z.object({
  id: z.uuid(),
  kind: z.enum(INCIDENT_KINDS),
  status: IncidentStatus,
  titles: z.record(z.string(), z.string()),
  bodies: z.record(z.string(), z.string()),
  postmortems: z.record(z.string(), z.string()),
  scheduledFor: z.date().nullable(),
  scheduledUntil: z.date().nullable(),
  startedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  components: z.array(z.object({ componentId: z.uuid(), impact: Impact })),
  updates: z.array(
    z.object({
      id: z.uuid(),
      status: IncidentStatus,
      bodies: z.record(z.string(), z.string()),
      createdAt: z.date(),
    }),
  ),
  tickets: z
    .array(z.object({ ticketId: z.uuid(), linkedAt: z.date(), repliedAt: z.date().nullable() }))
    .optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const LinkBody = z.strictObject({ ticketId: z.uuid() });
export const LinkParams = z.strictObject({ id: z.uuid(), ticketId: z.uuid() });

export const WebhookSubscriberBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .superRefine(refineOutboundUrl),
  locale: Locale.default('fr'),
  componentIds: z.array(z.uuid()).max(100).default([]).describe('Empty: every component.'),
  secret: z.string().min(16).max(200).optional().describe('Signing secret; generated when omitted.'),
});

export const Subscriber = z.object({
  id: z.uuid(),
  kind: z.enum(['email', 'webhook']),
  email: z.string().nullable(),
  url: z.string().nullable(),
  locale: z.string(),
  componentIds: z.array(z.string()),
  confirmed: z.boolean(),
  createdAt: z.date(),
});

export const SubscribeBody = z.strictObject({
  email: z.email().max(254),
  locale: Locale.default('fr'),
  componentIds: z.array(z.uuid()).max(100).default([]).describe('Empty: every component.'),
});

export const TokenQuery = z.strictObject({ token: z.string().regex(/^[\w-]{20,100}$/) });

export const Template = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  name: text(100),
  status: IncidentStatus.optional(),
  titles: z.record(Locale, z.string().trim().max(200)),
  bodies: z.record(Locale, z.string().trim().max(5000)),
});
export const Templates = z.array(Template).max(50);

export const Banner = z.object({
  kind: z.enum(INCIDENT_KINDS),
  id: z.uuid(),
  title: z.string(),
  impact: Impact,
  status: z.string().describe('Localised status label.'),
  url: z.string().describe('The incident page.'),
});

// ── Statuspage-compatible public API (v2) ──

const SpPage = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  time_zone: z.string(),
  updated_at: z.string(),
});
const SpStatus = z.object({
  indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  description: z.string(),
});
const SpComponent = z.object({
  id: z.string(),
  name: z.string(),
  status: Impact,
  created_at: z.string(),
  updated_at: z.string(),
  position: z.number(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(z.string()).optional(),
});
const SpUpdate = z.object({
  id: z.string(),
  status: IncidentStatus,
  body: z.string(),
  incident_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  display_at: z.string(),
});
const SpIncident = z.object({
  id: z.string(),
  name: z.string(),
  status: IncidentStatus,
  created_at: z.string(),
  updated_at: z.string(),
  monitoring_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  shortlink: z.string(),
  started_at: z.string().nullable(),
  page_id: z.string(),
  incident_updates: z.array(SpUpdate),
  components: z.array(SpComponent),
  scheduled_for: z.string().nullable().optional(),
  scheduled_until: z.string().nullable().optional(),
});
export const SpStatusResponse = z.object({ page: SpPage, status: SpStatus });
export const SpSummary = z.object({
  page: SpPage,
  status: SpStatus,
  components: z.array(SpComponent),
  incidents: z.array(SpIncident),
  scheduled_maintenances: z.array(SpIncident),
});
export const SpQuery = z.strictObject({
  locale: Locale.optional().describe('Language of names and texts; default the first help-centre locale.'),
});
