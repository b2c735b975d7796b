import { z } from 'zod';
import { Locale } from '../settings/schemas.ts';
import { BROWSER_EVENT_TYPES } from './taxonomy.ts';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Segment = z
  .string()
  .regex(/^[\w-]{1,40}=[\w.-]{1,60}$/)
  .describe('Customer segment such as `plan=pro`.');
const AnonId = z.string().max(64).describe('Anonymous random id (16–64 of A-Z a-z 0-9 _ -).');

/** Range and filters of every analytics read; the range defaults to the last 30 days. */
export const AnalyticsQuery = z
  .strictObject({
    from: Day.optional(),
    to: Day.optional(),
    locale: Locale.optional(),
    channel: z
      .string()
      .regex(/^[a-z]{2,20}$/)
      .optional(),
    segment: Segment.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

const BrowserContext = {
  channel: z.enum(['helpcentre', 'widget']),
  locale: Locale.optional(),
  segment: Segment.optional(),
  consent: z
    .boolean()
    .optional()
    .describe('The visitor accepted analytics (needed when consent mode is on).'),
  pageId: AnonId.optional().describe('Random per page load; the only id kept without consent.'),
  visitorId: AnonId.optional(),
  sessionId: AnonId.optional(),
};

export const CollectBody = z.strictObject({
  ...BrowserContext,
  events: z
    .array(
      z.strictObject({
        type: z.enum(BROWSER_EVENT_TYPES as [string, ...string[]]),
        subjectId: z.string().min(1).max(100).optional(),
        data: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .min(1)
    .max(20),
});

export const Ids = z.object({
  sessionId: z.string(),
  visitorId: z.string().nullable().describe('Null when consent is required and was not given.'),
});

export const SurveyBody = z.strictObject({
  ...BrowserContext,
  kind: z.enum(['csat', 'ces']),
  score: z.number().int().min(1).max(7).describe('CSAT 1–5 (5 = very satisfied); CES 1–7 (7 = very easy).'),
  context: z.enum(['article', 'bot', 'flow', 'search', 'contact']).optional(),
  page: z.string().max(500).optional(),
});

const Kpi = z.object({
  key: z.string(),
  unit: z.enum(['count', 'ratio', 'seconds', 'money', 'score']),
  better: z.enum(['up', 'down']),
  value: z.number().nullable(),
  previous: z.number().nullable(),
  delta: z.number().nullable(),
});
const Range = z.object({ from: z.string(), to: z.string() });

export const DashboardResponse = z.object({
  range: Range,
  previousRange: Range,
  currency: z.string(),
  kpis: z.array(Kpi),
  series: z.object({
    days: z.array(z.string()),
    values: z.record(z.string(), z.array(z.number().nullable())),
  }),
});

export const Gap = z.object({
  id: z.string(),
  locale: z.string(),
  label: z.string(),
  volume: z.number(),
  queries: z.array(z.object({ query: z.string(), n: z.number() })),
  reasons: z.array(z.string()),
  suggestion: z
    .object({ articleId: z.string(), title: z.string(), confidence: z.number() })
    .nullable()
    .describe('Closest existing answer: where "add as formulations" would put the queries.'),
});
