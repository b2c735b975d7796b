import type { AnalyticsSettings } from './settings.ts';

/**
 * KPI formulas, applied alike to one day and to a whole period (docs/metrics.md defines each one).
 * Inputs are sums from the rollups, so a period's value is never an average of daily ratios.
 */
export interface Totals {
  /** Event counts by type (`survey.answered:csat` for survey kinds): n, flag_a, flag_b, total. */
  types: Map<string, { n: number; a: number; b: number; total: number }>;
  sessions: { attempts: number; resolved: number; escalated: number; deflected: number };
  /** Median seconds from first self-service attempt to escalation. */
  escalationSeconds: number | null;
  days: number;
}

export type Unit = 'count' | 'ratio' | 'seconds' | 'money' | 'score';

export interface KpiDefinition {
  key: string;
  unit: Unit;
  /** Higher is better (for the trend colour). */
  better: 'up' | 'down';
  compute(t: Totals, s: AnalyticsSettings): number | null;
}

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
const n = (t: Totals, type: string) => t.types.get(type)?.n ?? 0;
const a = (t: Totals, type: string) => t.types.get(type)?.a ?? 0;
const b = (t: Totals, type: string) => t.types.get(type)?.b ?? 0;
const total = (t: Totals, type: string) => t.types.get(type)?.total ?? 0;

export const KPIS: KpiDefinition[] = [
  { key: 'selfServiceSessions', unit: 'count', better: 'up', compute: (t) => t.sessions.attempts },
  {
    key: 'resolutionRate',
    unit: 'ratio',
    better: 'up',
    compute: (t) => ratio(t.sessions.resolved, t.sessions.attempts),
  },
  {
    key: 'deflectionRate',
    unit: 'ratio',
    better: 'up',
    compute: (t) => ratio(t.sessions.deflected, t.sessions.attempts),
  },
  {
    key: 'escalationRate',
    unit: 'ratio',
    better: 'down',
    compute: (t) => ratio(t.sessions.escalated, t.sessions.attempts),
  },
  { key: 'timeToEscalation', unit: 'seconds', better: 'up', compute: (t) => t.escalationSeconds },
  { key: 'searches', unit: 'count', better: 'up', compute: (t) => n(t, 'search.performed') },
  {
    key: 'zeroResultRate',
    unit: 'ratio',
    better: 'down',
    compute: (t) => ratio(a(t, 'search.performed'), n(t, 'search.performed')),
  },
  {
    key: 'abstainRate',
    unit: 'ratio',
    better: 'down',
    compute: (t) =>
      ratio(
        b(t, 'search.performed') + n(t, 'bot.abstained'),
        n(t, 'search.performed') + n(t, 'bot.answered') + n(t, 'bot.abstained'),
      ),
  },
  {
    key: 'helpfulness',
    unit: 'ratio',
    better: 'up',
    compute: (t) => ratio(a(t, 'feedback.given'), n(t, 'feedback.given')),
  },
  {
    key: 'csat',
    unit: 'ratio',
    better: 'up',
    compute: (t) => ratio(a(t, 'survey.answered:csat'), n(t, 'survey.answered:csat')),
  },
  {
    key: 'csatAverage',
    unit: 'score',
    better: 'up',
    compute: (t) => ratio(total(t, 'survey.answered:csat'), n(t, 'survey.answered:csat')),
  },
  {
    key: 'ces',
    unit: 'score',
    better: 'up',
    compute: (t) => ratio(total(t, 'survey.answered:ces'), n(t, 'survey.answered:ces')),
  },
  {
    key: 'flowCompletionRate',
    unit: 'ratio',
    better: 'up',
    compute: (t) => ratio(n(t, 'flow.completed'), n(t, 'flow.started')),
  },
  {
    key: 'contactDeflectionRate',
    unit: 'ratio',
    better: 'up',
    compute: (t) => ratio(n(t, 'contact.deflected'), n(t, 'contact.form_opened')),
  },
  { key: 'contactsAvoided', unit: 'count', better: 'up', compute: (t) => t.sessions.deflected },
  {
    key: 'roi',
    unit: 'money',
    better: 'up',
    compute: (t, s) => t.sessions.deflected * s.costPerContact - (s.monthlyCost * t.days) / 30,
  },
];

/** Event types the KPIs read from the daily rollup. */
export const KPI_EVENT_TYPES = [
  'search.performed',
  'bot.answered',
  'bot.abstained',
  'feedback.given',
  'survey.answered',
  'flow.started',
  'flow.completed',
  'contact.form_opened',
  'contact.deflected',
] as const;
