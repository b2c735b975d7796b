import type { Db, DbOrTx } from '../../db/client.ts';
import { ValidationError } from '../../server/errors.ts';
import { describeFlows } from '../bot/flow-service.ts';
import { type Channel, recordEvent } from '../events/service.ts';
import { KPI_EVENT_TYPES, KPIS, type Totals, type Unit } from './kpis.ts';
import * as repo from './repository.ts';
import { type AnalyticsSettings, readAnalyticsSettings } from './settings.ts';
import { ESCALATION_TYPES, stripQuery } from './taxonomy.ts';

export type { Filters } from './repository.ts';
export { refreshRollups } from './repository.ts';
export { readAnalyticsSettings } from './settings.ts';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const parseDay = (s: string) => new Date(`${s}T00:00:00Z`);

/** Every day of an inclusive range. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = parseDay(from).getTime(); t <= parseDay(to).getTime(); t += DAY) out.push(iso(new Date(t)));
  return out;
}

/** The period of the same length just before `from`–`to`. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = daysOf(from, to).length;
  const prevTo = new Date(parseDay(from).getTime() - DAY);
  return { from: iso(new Date(prevTo.getTime() - (length - 1) * DAY)), to: iso(prevTo) };
}

/** The last `days` days up to today (UTC), inclusive. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  return { from: iso(new Date(now.getTime() - (days - 1) * DAY)), to: iso(now) };
}

export interface KpiValue {
  key: string;
  unit: Unit;
  better: 'up' | 'down';
  value: number | null;
  previous: number | null;
  /** value − previous (percentage points for ratios). */
  delta: number | null;
}

export interface Dashboard {
  range: { from: string; to: string };
  previousRange: { from: string; to: string };
  currency: string;
  kpis: KpiValue[];
  /** One value per day of the range for each KPI key (null where undefined, e.g. no searches). */
  series: { days: string[]; values: Record<string, Array<number | null>> };
}

function emptyTotals(days: number): Totals {
  return {
    types: new Map(),
    sessions: { attempts: 0, resolved: 0, escalated: 0, deflected: 0 },
    escalationSeconds: null,
    days,
  };
}

function addType(t: Totals, r: repo.DailyRow) {
  const cur = t.types.get(r.type) ?? { n: 0, a: 0, b: 0, total: 0 };
  t.types.set(r.type, { n: cur.n + r.n, a: cur.a + r.a, b: cur.b + r.b, total: cur.total + r.total });
}

async function periodTotals(db: DbOrTx, f: repo.Filters, s: AnalyticsSettings) {
  const days = daysOf(f.from, f.to);
  const [daily, sessions] = await Promise.all([
    repo.dailyCounts(db, f, KPI_EVENT_TYPES),
    repo.sessionCounts(db, f, s.deflectionWindowHours),
  ]);
  const total = emptyTotals(days.length);
  const perDay = new Map(days.map((d) => [d, emptyTotals(1)]));
  for (const r of daily) {
    addType(total, r);
    const day = perDay.get(r.day);
    if (day) addType(day, r);
  }
  for (const d of sessions.days) {
    const day = perDay.get(d.day);
    if (!day) continue;
    day.sessions = {
      attempts: d.attempts,
      resolved: d.resolved,
      escalated: d.escalated,
      deflected: d.deflected,
    };
    day.escalationSeconds = d.escalationSeconds;
  }
  const t = sessions.total;
  total.sessions = {
    attempts: t.attempts,
    resolved: t.resolved,
    escalated: t.escalated,
    deflected: t.deflected,
  };
  total.escalationSeconds = t.escalationSeconds;
  return { days, total, perDay };
}

/** KPI values with the previous period's and a daily series. Reads rollups only. */
export async function computeDashboard(db: Db, f: repo.Filters): Promise<Dashboard> {
  const settings = await readAnalyticsSettings(db);
  const prevRange = previousPeriod(f.from, f.to);
  const [cur, prev] = await Promise.all([
    periodTotals(db, f, settings),
    periodTotals(db, { ...f, ...prevRange }, settings),
  ]);
  const kpis = KPIS.map((k) => {
    const value = k.compute(cur.total, settings);
    const previous = k.compute(prev.total, settings);
    return {
      key: k.key,
      unit: k.unit,
      better: k.better,
      value,
      previous,
      delta: value !== null && previous !== null ? value - previous : null,
    };
  });
  const values = Object.fromEntries(
    KPIS.map((k) => [k.key, cur.days.map((d) => k.compute(cur.perDay.get(d)!, settings))]),
  );
  return {
    range: { from: f.from, to: f.to },
    previousRange: prevRange,
    currency: settings.currency,
    kpis,
    series: { days: cur.days, values },
  };
}

export interface TopSearch {
  query: string;
  count: number;
  zeroResults: number;
  abstained: number;
}

export async function topSearches(db: DbOrTx, f: repo.Filters, limit = 20): Promise<TopSearch[]> {
  const r = await repo.ranked(db, f, ['search.performed'], 'dim', limit);
  return r.map((x) => ({ query: x.key, count: x.n, zeroResults: x.a, abstained: x.b }));
}

export interface TopArticle {
  articleId: string;
  title: string | null;
  views: number;
  helpfulYes: number;
  helpfulNo: number;
  /** yes / (yes + no); null without votes. */
  helpfulness: number | null;
}

/** Most viewed answers with their helpfulness; `byVotes` ranks by votes instead (helpfulness table). */
export async function topArticles(
  db: DbOrTx,
  f: repo.Filters,
  limit = 20,
  rankBy: 'views' | 'votes' = 'views',
): Promise<TopArticle[]> {
  const [views, votes] = await Promise.all([
    repo.ranked(db, f, ['article.viewed'], 'subject', rankBy === 'views' ? limit : 10_000),
    repo.ranked(db, f, ['feedback.given'], 'subject', rankBy === 'votes' ? limit : 10_000),
  ]);
  const viewsBy = new Map(views.map((v) => [v.key, v.n]));
  const votesBy = new Map(votes.map((v) => [v.key, v]));
  const ids = (rankBy === 'views' ? views : votes).map((v) => v.key);
  const titles = await repo.articleTitles(db, ids);
  return ids.map((id) => {
    const v = votesBy.get(id);
    const yes = v?.a ?? 0;
    const no = (v?.n ?? 0) - yes;
    return {
      articleId: id,
      title: titles.get(id) ?? null,
      views: viewsBy.get(id) ?? 0,
      helpfulYes: yes,
      helpfulNo: no,
      helpfulness: yes + no > 0 ? yes / (yes + no) : null,
    };
  });
}

export async function topEscalatingPages(db: DbOrTx, f: repo.Filters, limit = 20) {
  const r = await repo.ranked(db, f, ESCALATION_TYPES, 'dim', limit);
  return r.map((x) => ({ page: x.key, escalations: x.n }));
}

export interface FlowReport {
  flowId: string;
  /** The flow's title (null when the flow no longer exists). */
  name: string | null;
  started: number;
  /** Ended on an end step: the need was solved in self-service. */
  completed: number;
  /** Ended on an escalation step: handed over to a human. */
  escalated: number;
  /** Completed / started (escalations and abandons are not completions). */
  completionRate: number | null;
  /**
   * In the flow's order; `label` is what the customer saw (question, message); `dropOff` = reached here
   * but never reached the next step nor an exit.
   */
  steps: Array<{
    stepId: string;
    label: string | null;
    reached: number;
    dropOff: number;
    dropOffRate: number | null;
  }>;
}

export async function flowReports(db: DbOrTx, f: repo.Filters): Promise<FlowReport[]> {
  const [started, completed, escalated, steps] = await Promise.all([
    repo.ranked(db, f, ['flow.started'], 'subject', 1000),
    repo.ranked(db, f, ['flow.completed'], 'subject', 1000),
    repo.ranked(db, f, ['flow.escalated'], 'subject', 1000),
    repo.flowSteps(db, f),
  ]);
  const count = (rows: Array<{ key: string; n: number }>, id: string) =>
    rows.find((x) => x.key === id)?.n ?? 0;
  const ids = [...new Set([...started.map((s) => s.key), ...steps.map((s) => s.flow)])];
  const described = await describeFlows(db, ids);
  return ids.map((flowId) => {
    const s = count(started, flowId);
    const done = count(completed, flowId);
    const handedOver = count(escalated, flowId);
    const description = described.get(flowId);
    const order = new Map(description?.steps.map((st, i) => [st.id, i]));
    const labels = new Map(description?.steps.map((st) => [st.id, st.label]));
    const own = steps
      .filter((x) => x.flow === flowId && x.step)
      .sort((x, y) => (order.get(x.step) ?? x.index) - (order.get(y.step) ?? y.index) || y.n - x.n);
    return {
      flowId,
      name: description?.name ?? null,
      started: s,
      completed: done,
      escalated: handedOver,
      completionRate: s ? done / s : null,
      steps: own.map((st, i) => {
        const next = own[i + 1]?.n ?? done + handedOver;
        const dropOff = Math.max(0, st.n - next);
        return {
          stepId: st.step,
          label: labels.get(st.step) ?? null,
          reached: st.n,
          dropOff,
          dropOffRate: st.n ? dropOff / st.n : null,
        };
      }),
    };
  });
}

/** Deletes events past the retention period (and their rollups). Returns the events deleted. */
export async function purgeExpiredEvents(db: Db, now = new Date()): Promise<number> {
  const { retentionDays } = await readAnalyticsSettings(db);
  return repo.purgeBefore(db, new Date(now.getTime() - retentionDays * DAY));
}

export interface SurveyAnswer {
  kind: 'csat' | 'ces';
  score: number;
  context?: 'article' | 'bot' | 'flow' | 'search' | 'contact' | undefined;
  page?: string | undefined;
  segment?: string | undefined;
}

/**
 * Records a CSAT (1–5) or Customer Effort Score (1–7) answer, whichever surface asked it (the public
 * survey endpoint, the widget). A survey turned off in the settings, or a CSAT above 5, is refused.
 */
export async function recordSurveyAnswer(
  db: DbOrTx,
  answer: SurveyAnswer,
  who: { channel: Channel; locale?: string | undefined; visitorId: string | null; sessionId: string | null },
  settings?: AnalyticsSettings,
): Promise<void> {
  const { surveys } = settings ?? (await readAnalyticsSettings(db));
  if (!surveys[answer.kind]) throw new ValidationError(`The ${answer.kind} survey is turned off.`, 'kind');
  if (answer.kind === 'csat' && answer.score > 5)
    throw new ValidationError('CSAT scores go from 1 to 5.', 'score');
  await recordEvent(db, {
    type: 'survey.answered',
    ...who,
    data: {
      kind: answer.kind,
      score: answer.score,
      ...(answer.context ? { context: answer.context } : {}),
      ...(answer.page ? { page: stripQuery(answer.page) } : {}),
      ...(answer.segment ? { segment: answer.segment } : {}),
    },
  });
}
