import type { Db } from '../../db/client.ts';
import { type GapMatcher, listContentGaps } from './content.ts';
import {
  computeDashboard,
  type Filters,
  flowReports,
  topArticles,
  topEscalatingPages,
  topSearches,
} from './service.ts';

/** Reports that can be exported, served as `/api/v1/analytics/export/<report>.csv`. */
export const REPORTS = ['kpis', 'series', 'searches', 'articles', 'pages', 'flows', 'gaps'] as const;
export type Report = (typeof REPORTS)[number];

/** RFC 4180 CSV. Cells that a spreadsheet would run as a formula (customer-typed queries!) are defused. */
export function toCsv(columns: string[], rows: ReadonlyArray<object>): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' | ') : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c])).join(','))].join('\r\n')}\r\n`;
}

/** One report over the range and filters as CSV (at most 1,000 rows; 500 content gaps). */
export async function exportCsv(db: Db, report: Report, f: Filters, search: GapMatcher): Promise<string> {
  switch (report) {
    case 'kpis': {
      const d = await computeDashboard(db, f);
      return toCsv(
        ['key', 'unit', 'value', 'previous', 'delta'],
        d.kpis.map((k) => ({ ...k })),
      );
    }
    case 'series': {
      const d = await computeDashboard(db, f);
      const keys = Object.keys(d.series.values);
      return toCsv(
        ['day', ...keys],
        d.series.days.map((day, i) => ({
          day,
          ...Object.fromEntries(keys.map((k) => [k, d.series.values[k]![i]])),
        })),
      );
    }
    case 'searches':
      return toCsv(['query', 'count', 'zeroResults', 'abstained'], [...(await topSearches(db, f, 1000))]);
    case 'articles':
      return toCsv(
        ['articleId', 'title', 'views', 'helpfulYes', 'helpfulNo', 'helpfulness'],
        [...(await topArticles(db, f, 1000))],
      );
    case 'pages':
      return toCsv(['page', 'escalations'], await topEscalatingPages(db, f, 1000));
    case 'flows':
      return toCsv(
        [
          'flowId',
          'name',
          'started',
          'completed',
          'escalated',
          'stepId',
          'label',
          'reached',
          'dropOff',
          'dropOffRate',
        ],
        (await flowReports(db, f)).flatMap((fl) =>
          fl.steps.map((s) => ({
            flowId: fl.flowId,
            name: fl.name,
            started: fl.started,
            completed: fl.completed,
            escalated: fl.escalated,
            ...s,
          })),
        ),
      );
    case 'gaps':
      return toCsv(
        ['label', 'locale', 'volume', 'reasons', 'queries', 'suggestedArticleId', 'suggestedTitle'],
        (await listContentGaps(db, search, f, 500)).map((g) => ({
          label: g.label,
          locale: g.locale,
          volume: g.volume,
          reasons: g.reasons,
          queries: g.queries.map((q) => q.query),
          suggestedArticleId: g.suggestion?.articleId,
          suggestedTitle: g.suggestion?.title,
        })),
      );
  }
}
