import { markdownToText } from '../kb/markdown.ts';
import { pick, statusCopy } from './copy.ts';
import type * as repo from './repository.ts';
import { type FullIncident, incidentPath, indicatorOf, type PageState, worst } from './view.ts';

/** Staff view of an incident: every locale's text, impacts, updates (and linked tickets when given). */
export function presentIncident(
  f: FullIncident,
  tickets?: Array<{ ticketId: string; linkedAt: Date; repliedAt: Date | null }>,
) {
  const i = f.incident;
  return {
    id: i.id,
    kind: i.kind,
    status: i.status,
    titles: i.titles,
    bodies: i.bodies,
    postmortems: i.postmortems,
    scheduledFor: i.scheduledFor,
    scheduledUntil: i.scheduledUntil,
    startedAt: i.startedAt,
    resolvedAt: i.resolvedAt,
    components: f.impacts.map((c) => ({ componentId: c.componentId, impact: c.impact })),
    updates: f.updates.map((u) => ({ id: u.id, status: u.status, bodies: u.bodies, createdAt: u.createdAt })),
    ...(tickets
      ? { tickets: tickets.map(({ ticketId, linkedAt, repliedAt }) => ({ ticketId, linkedAt, repliedAt })) }
      : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

export const presentSubscriber = (s: repo.SubscriberRow) => ({
  id: s.id,
  kind: s.kind,
  email: s.email,
  url: s.url,
  locale: s.locale,
  componentIds: s.componentIds,
  confirmed: s.confirmed,
  createdAt: s.createdAt,
});

// ── Statuspage public API v2 (https://metastatuspage.com/api/v2) ──

export interface SpContext {
  pageId: string;
  name: string;
  publicUrl: string;
  locale: string;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function spComponent(ctx: SpContext, c: PageState['components'][number]) {
  return {
    id: c.component.id,
    name: pick(c.component.names, ctx.locale),
    status: c.status,
    created_at: c.component.createdAt.toISOString(),
    updated_at: c.component.updatedAt.toISOString(),
    position: c.component.position,
    description: pick(c.component.descriptions, ctx.locale) || null,
    showcase: true,
    start_date: null,
    group_id: c.component.groupId,
    page_id: ctx.pageId,
    group: false,
    only_show_if_degraded: false,
  };
}

function spIncident(ctx: SpContext, f: FullIncident, components: PageState['components']) {
  const i = f.incident;
  const monitoring = f.updates.find((u) => u.status === 'monitoring');
  return {
    id: i.id,
    name: pick(i.titles, ctx.locale),
    status: i.status,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    monitoring_at: iso(monitoring?.createdAt),
    resolved_at: iso(i.resolvedAt),
    impact: i.kind === 'maintenance' ? ('maintenance' as const) : indicatorOf(f.impacts.map((x) => x.impact)),
    shortlink: `${ctx.publicUrl}${incidentPath(ctx.locale, i.id)}`,
    started_at: iso(i.startedAt),
    page_id: ctx.pageId,
    incident_updates: f.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: markdownToText(pick(u.bodies, ctx.locale)),
      incident_id: i.id,
      created_at: u.createdAt.toISOString(),
      updated_at: u.createdAt.toISOString(),
      display_at: u.createdAt.toISOString(),
    })),
    components: components
      .filter((c) => f.impacts.some((x) => x.componentId === c.component.id))
      .map((c) => spComponent(ctx, c)),
    ...(i.kind === 'maintenance'
      ? { scheduled_for: iso(i.scheduledFor), scheduled_until: iso(i.scheduledUntil) }
      : {}),
  };
}

/** Statuspage lists groups as components with `group: true` and their members' ids. */
function spGroups(ctx: SpContext, state: PageState) {
  return state.groups
    .map((g) => ({ g, members: state.components.filter((c) => c.component.groupId === g.id) }))
    .filter(({ members }) => members.length)
    .map(({ g, members }) => ({
      id: g.id,
      name: pick(g.names, ctx.locale),
      status: worst(members.map((m) => m.status)),
      created_at: g.createdAt.toISOString(),
      updated_at: g.createdAt.toISOString(),
      position: g.position,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: ctx.pageId,
      group: true,
      only_show_if_degraded: false,
      components: members.map((m) => m.component.id),
    }));
}

export function spPage(ctx: SpContext, state: PageState) {
  return {
    id: ctx.pageId,
    name: ctx.name,
    url: `${ctx.publicUrl}/${ctx.locale}/status`,
    time_zone: 'Etc/UTC',
    updated_at: state.updatedAt.toISOString(),
  };
}

export const spStatus = (ctx: SpContext, state: PageState) => ({
  indicator: state.indicator,
  description: statusCopy(ctx.locale).overall[state.indicator],
});

/** `GET /api/v2/summary.json`: page, status, components, unresolved incidents, upcoming/ongoing maintenance. */
export function presentSummary(ctx: SpContext, state: PageState) {
  return {
    page: spPage(ctx, state),
    status: spStatus(ctx, state),
    components: [...state.components.map((c) => spComponent(ctx, c)), ...spGroups(ctx, state)],
    incidents: state.incidents.map((f) => spIncident(ctx, f, state.components)),
    scheduled_maintenances: state.maintenance.map((f) => spIncident(ctx, f, state.components)),
  };
}
