import type { DbOrTx } from '../../db/client.ts';
import { analyze } from '../../engine/index.ts';
import { type Channel, recordEvent } from '../events/service.ts';
import { hasLocale, pick, statusCopy } from './copy.ts';
import * as repo from './repository.ts';

type Impact = repo.ImpactRow['impact'];
export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

const SEVERITY: Record<Impact, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};
const DAY = 86_400_000;
export const HISTORY_DAYS = 90;

export const worst = (impacts: Impact[]): Impact =>
  impacts.reduce<Impact>((w, i) => (SEVERITY[i] > SEVERITY[w] ? i : w), 'operational');

/** Whether an incident or maintenance affects customers right now. */
export const isActive = (i: repo.IncidentRow) =>
  i.kind === 'incident' ? i.status !== 'resolved' : i.status === 'in_progress';

export const incidentPath = (locale: string, id: string) => `/${locale}/status/incidents/${id}`;

export interface FullIncident {
  incident: repo.IncidentRow;
  impacts: repo.ImpactRow[];
  updates: repo.UpdateRow[];
}

async function withDetails(db: DbOrTx, rows: repo.IncidentRow[]): Promise<FullIncident[]> {
  const ids = rows.map((r) => r.id);
  const [impacts, updates] = await Promise.all([repo.impactsOf(db, ids), repo.updatesOf(db, ids)]);
  return rows.map((incident) => ({
    incident,
    impacts: impacts.filter((i) => i.incidentId === incident.id),
    updates: updates.filter((u) => u.incidentId === incident.id),
  }));
}

export async function loadIncident(db: DbOrTx, id: string): Promise<FullIncident | undefined> {
  const row = await repo.findIncident(db, id);
  return row ? (await withDetails(db, [row]))[0] : undefined;
}

export async function listIncidents(
  db: DbOrTx,
  q: { since?: Date; kind?: repo.IncidentRow['kind']; open?: boolean; limit: number; offset?: number },
) {
  return withDetails(db, await repo.listIncidents(db, q));
}

/** Current impact of a component given the active incidents (maintenance in progress → under_maintenance). */
function componentImpact(componentId: string, active: FullIncident[]): Impact {
  return worst(
    active.flatMap((f) =>
      f.impacts
        .filter((i) => i.componentId === componentId)
        .map((i) => (f.incident.kind === 'maintenance' ? 'under_maintenance' : i.impact)),
    ),
  );
}

export function indicatorOf(impacts: Impact[]): Indicator {
  switch (worst(impacts)) {
    case 'major_outage':
      return 'critical';
    case 'partial_outage':
      return 'major';
    case 'degraded_performance':
      return 'minor';
    case 'under_maintenance':
      return 'maintenance';
    default:
      return 'none';
  }
}

export interface DayBar {
  date: string;
  impact: Impact;
}

/**
 * Per component, the worst impact of each of the last `days` UTC days, from incident impacts
 * (maintenance is planned, it does not count as unavailability).
 */
async function historyBars(
  db: DbOrTx,
  componentIds: string[],
  now: Date,
  days = HISTORY_DAYS,
): Promise<Map<string, DayBar[]>> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (days - 1) * DAY;
  const incidents = await repo.incidentsSince(db, new Date(first));
  const impacts = await repo.impactsOf(
    db,
    incidents.map((i) => i.id),
  );
  const bars = new Map(
    componentIds.map((id) => [
      id,
      Array.from({ length: days }, (_, d) => ({
        date: new Date(first + d * DAY).toISOString().slice(0, 10),
        impact: 'operational' as Impact,
      })),
    ]),
  );
  for (const incident of incidents) {
    const from = Math.max(first, incident.startedAt!.getTime());
    const to = Math.min(now.getTime(), (incident.resolvedAt ?? now).getTime());
    for (const impact of impacts.filter((i) => i.incidentId === incident.id)) {
      const days = bars.get(impact.componentId);
      if (!days) continue;
      for (
        let d = Math.floor((from - first) / DAY);
        d <= Math.floor((to - first) / DAY) && d < days.length;
        d++
      ) {
        const day = days[d];
        if (day && SEVERITY[impact.impact] > SEVERITY[day.impact]) day.impact = impact.impact;
      }
    }
  }
  return bars;
}

/** Everything the status page and the Statuspage-shaped JSON show, at `now`. */
export async function pageState(db: DbOrTx, now = new Date()) {
  const [groups, components, open] = await Promise.all([
    repo.listGroups(db),
    repo.listComponents(db),
    listIncidents(db, { open: true, limit: 200 }),
  ]);
  const active = open.filter((f) => isActive(f.incident));
  const statuses = new Map(components.map((c) => [c.id, componentImpact(c.id, active)]));
  const bars = await historyBars(
    db,
    components.map((c) => c.id),
    now,
  );
  const updatedAt = [...components.map((c) => c.updatedAt), ...open.map((f) => f.incident.updatedAt)].reduce(
    (a, b) => (b > a ? b : a),
    new Date(0),
  );
  return {
    groups,
    components: components.map((c) => ({ component: c, status: statuses.get(c.id)!, bars: bars.get(c.id)! })),
    incidents: open.filter((f) => f.incident.kind === 'incident'),
    maintenance: open.filter((f) => f.incident.kind === 'maintenance'),
    indicator: indicatorOf([...statuses.values()]),
    updatedAt: updatedAt.getTime() ? updatedAt : now,
  };
}
export type PageState = Awaited<ReturnType<typeof pageState>>;

export interface StatusBanner {
  kind: 'incident' | 'maintenance';
  id: string;
  title: string;
  /** The worst impact among its components. */
  impact: Impact;
  status: string;
  /** Path of the incident page (prefix the public URL for absolute links). */
  path: string;
}

/**
 * The banners of the help centre, the widget and the portal, per locale: the most severe incident or
 * maintenance affecting customers now that is written in that locale, or null.
 */
export async function activeIncidentBanners(
  db: DbOrTx,
  locales: string[],
): Promise<Record<string, StatusBanner | null>> {
  const open = (await listIncidents(db, { open: true, limit: 50 }))
    .filter((f) => isActive(f.incident))
    .map((f) => ({
      f,
      impact:
        f.incident.kind === 'maintenance'
          ? ('under_maintenance' as const)
          : worst(f.impacts.map((i) => i.impact)),
    }))
    .sort((a, b) => SEVERITY[b.impact] - SEVERITY[a.impact] || (a.f.incident.kind === 'incident' ? -1 : 1));
  return Object.fromEntries(
    locales.map((locale) => {
      const top = open.find((o) => hasLocale(o.f.incident.titles, locale));
      if (!top) return [locale, null];
      const { incident } = top.f;
      const banner: StatusBanner = {
        kind: incident.kind,
        id: incident.id,
        title: pick(incident.titles, locale),
        impact: top.impact,
        status: statusCopy(locale).status[incident.status],
        path: incidentPath(locale, incident.id),
      };
      return [locale, banner];
    }),
  );
}

/** The banner for one locale (the portal and the widget call this). */
export async function activeIncidentBanner(db: DbOrTx, locale: string): Promise<StatusBanner | null> {
  return (await activeIncidentBanners(db, [locale]))[locale] ?? null;
}

export interface IncidentNotice extends StatusBanner {
  /** What the surface shows first, in the customer's language. */
  message: string;
  componentId: string;
}

/** Topical terms of a text, through the engine's analysis (folding, stems, stop words). */
function topicalTerms(text: string, locale: string): Set<string> {
  return new Set(analyze(text, locale.slice(0, 2)).filter((t) => t.length > 2));
}

/**
 * Incident first: when `question` names a component that an open incident degrades ("internet en
 * panne" ↔ "Internet fibre — Lyon"), the notice to show before any answer, recorded as
 * `incident.deflected`. The bot, the answer API and the contact form call this one function.
 */
export async function incidentFirst(
  db: DbOrTx,
  question: string,
  locale: string,
  ctx: { channel: Channel; visitorId?: string | null; sessionId?: string | null },
): Promise<IncidentNotice | null> {
  const open = (await listIncidents(db, { open: true, kind: 'incident', limit: 50 })).filter((f) =>
    hasLocale(f.incident.titles, locale),
  );
  if (!open.length) return null;
  const asked = topicalTerms(question, locale);
  if (!asked.size) return null;
  const components = await repo.findComponents(db, [
    ...new Set(open.flatMap((f) => f.impacts.map((i) => i.componentId))),
  ]);
  let best: { f: (typeof open)[number]; componentId: string; impact: Impact } | undefined;
  for (const f of open) {
    for (const impact of f.impacts) {
      if (impact.impact === 'operational') continue;
      const c = components.find((x) => x.id === impact.componentId);
      if (!c) continue;
      const words = [
        pick(c.names, locale),
        ...(c.keywords[locale] ?? c.keywords[locale.slice(0, 2)] ?? []),
      ].join(' ');
      const hit = [...topicalTerms(words, locale)].some((t) => asked.has(t));
      if (hit && (!best || SEVERITY[impact.impact] > SEVERITY[best.impact]))
        best = { f, componentId: c.id, impact: impact.impact };
    }
  }
  if (!best) return null;
  const { incident } = best.f;
  const copy = statusCopy(locale);
  await recordEvent(db, {
    type: 'incident.deflected',
    channel: ctx.channel,
    visitorId: ctx.visitorId ?? null,
    sessionId: ctx.sessionId ?? null,
    locale,
    subjectType: 'status_incident',
    subjectId: incident.id,
    data: { componentId: best.componentId, impact: best.impact },
  });
  const title = pick(incident.titles, locale);
  return {
    kind: 'incident',
    id: incident.id,
    title,
    impact: best.impact,
    status: copy.status[incident.status],
    path: incidentPath(locale, incident.id),
    message: copy.notice(title),
    componentId: best.componentId,
  };
}
