import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../server/errors.ts';
import { recordEvent } from '../events/service.ts';
import { backendOf } from '../search/service.ts';
import { Locale } from '../settings/schemas.ts';
import { addGapFormulations, draftArticleFromGap, listContentGaps, listStaleContent } from './content.ts';
import { exportCsv, REPORTS, type Report } from './csv.ts';
import { DemoHistorySchema, readDemoHistory, removeDemoHistory } from './demo-history.ts';
import { buildWeeklyDigest, sendWeeklyDigest } from './digest.ts';
import { GapsCache } from './gaps-cache.ts';
import { resolveIds } from './ids.ts';
import * as S from './schemas.ts';
import {
  computeDashboard,
  type Filters,
  flowReports,
  lastDays,
  purgeExpiredEvents,
  recordSurveyAnswer,
  refreshRollups,
  topArticles,
  topEscalatingPages,
  topSearches,
} from './service.ts';
import { AnalyticsSettings, readAnalyticsSettings, writeAnalyticsSettings } from './settings.ts';
import { EVENT_TYPES, type EventSpec } from './taxonomy.ts';

const READ = { access: 'analytics:read' } as const;
const TAGS = ['analytics'];

function filtersOf(q: z.infer<typeof S.AnalyticsQuery>): Filters {
  const def = lastDays(30);
  // ISO days sort as strings: a lone `from` in the future or a lone `to` in the past still makes a range.
  const to = q.to ?? [def.to, q.from ?? def.to].sort().at(-1)!;
  const from = q.from ?? [to, def.from].sort()[0]!;
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > 366) {
    throw new ValidationError('The range may not exceed 366 days.', 'from');
  }
  return { from, to, locale: q.locale, channel: q.channel, segment: q.segment };
}

/** Checks one browser event against the taxonomy; the error names the offending field. */
function checkBrowserEvent(
  i: number,
  e: { type: string; subjectId?: string | undefined; data: Record<string, unknown> },
) {
  const spec: EventSpec = EVENT_TYPES[e.type as keyof typeof EVENT_TYPES];
  const parsed = spec.data.safeParse(e.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? issue.path.join('.') : ((issue as { keys?: string[] }).keys?.[0] ?? '');
    throw new ValidationError(
      `Invalid ${e.type} event: ${issue.message}`,
      `events.${i}.data${path ? `.${path}` : ''}`,
    );
  }
  if (spec.subject && !e.subjectId) {
    throw new ValidationError(`${e.type} needs a subjectId (${spec.subject}).`, `events.${i}.subjectId`);
  }
  return { spec, data: parsed.data };
}

const analyticsRoutes: FastifyPluginAsyncZod = async (app) => {
  // Content gaps never run on the request path: served from memory, refreshed in the background, and
  // stale as soon as this node's search index has applied a content change (from any node).
  const gaps = new GapsCache(
    (f) => listContentGaps(app.db, backendOf(app), f),
    (err) => app.log.warn({ err }, 'analytics: content gaps computation failed'),
    { sourceVersion: () => app.searchIndex.generation },
  );
  // Searches and page views are buffered for up to a second (events/buffer.ts): reports on this node
  // write its pending ones first, so they count everything this node has answered.
  app.addHook('preHandler', async (req) => {
    if (req.method === 'GET') await app.eventBuffer.flush();
  });

  // ── collection (public) ──

  app.post(
    '/api/v1/events',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: TAGS,
        summary: 'Collect analytics events from browser surfaces (whitelisted types only; no personal data).',
        body: S.CollectBody,
        response: { 202: S.Ids.extend({ accepted: z.number() }) },
      },
    },
    async (req, reply) => {
      const settings = await readAnalyticsSettings(app.db);
      const checked = req.body.events.map((e, i) => ({ e, ...checkBrowserEvent(i, e) }));
      const ids = resolveIds(req, reply, settings, req.body);
      await app.db.transaction(async (tx) => {
        for (const { e, spec, data } of checked) {
          await recordEvent(tx, {
            type: e.type,
            channel: req.body.channel,
            visitorId: ids.visitorId,
            sessionId: ids.sessionId,
            locale: req.body.locale,
            subjectType: spec.subject ?? null,
            subjectId: e.subjectId ?? null,
            data: req.body.segment ? { ...data, segment: req.body.segment } : data,
          });
        }
      });
      return reply
        .status(202)
        .send({ accepted: checked.length, sessionId: ids.sessionId, visitorId: ids.visitorId });
    },
  );

  app.get(
    '/api/v1/surveys/config',
    {
      config: { access: 'public' },
      schema: {
        tags: TAGS,
        summary: 'Which micro-surveys surfaces should show after self-service, and how often.',
        response: { 200: z.object({ csat: z.boolean(), ces: z.boolean(), sampleRate: z.number() }) },
      },
    },
    async () => (await readAnalyticsSettings(app.db)).surveys,
  );

  app.post(
    '/api/v1/surveys/responses',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: TAGS,
        summary: 'Submit a CSAT (1–5) or Customer Effort Score (1–7) answer after self-service.',
        body: S.SurveyBody,
        response: { 202: S.Ids },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const settings = await readAnalyticsSettings(app.db);
      const ids = resolveIds(req, reply, settings, b);
      await recordSurveyAnswer(
        app.db,
        b,
        { channel: b.channel, locale: b.locale, visitorId: ids.visitorId, sessionId: ids.sessionId },
        settings,
      );
      return reply.status(202).send({ sessionId: ids.sessionId, visitorId: ids.visitorId });
    },
  );

  // ── dashboard (analysts and admins) ──

  /** Rollups move forward on read too, so the dashboard is at most a few seconds behind. */
  const fresh = () => refreshRollups(app.db, { batchSize: 100_000, maxBatches: 1 });

  app.get(
    '/api/v1/analytics/dashboard',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'KPI values with the previous period and daily series.',
        querystring: S.AnalyticsQuery,
        response: { 200: S.DashboardResponse },
      },
    },
    async (req) => {
      await fresh();
      return computeDashboard(app.db, filtersOf(req.query));
    },
  );

  app.get(
    '/api/v1/analytics/reports',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'Top searches, top articles with helpfulness, top escalating pages, flow drop-off.',
        querystring: S.AnalyticsQuery,
        response: {
          200: z.object({
            searches: z.array(
              z.object({
                query: z.string(),
                count: z.number(),
                zeroResults: z.number(),
                abstained: z.number(),
              }),
            ),
            articles: z.array(
              z.object({
                articleId: z.string(),
                title: z.string().nullable(),
                views: z.number(),
                helpfulYes: z.number(),
                helpfulNo: z.number(),
                helpfulness: z.number().nullable(),
              }),
            ),
            pages: z.array(z.object({ page: z.string(), escalations: z.number() })),
            flows: z.array(
              z.object({
                flowId: z.string(),
                name: z.string().nullable(),
                started: z.number(),
                completed: z.number().describe('Ended on an end step (solved in self-service).'),
                escalated: z.number().describe('Ended on an escalation step (handed over).'),
                completionRate: z.number().nullable(),
                steps: z.array(
                  z.object({
                    stepId: z.string(),
                    label: z.string().nullable(),
                    reached: z.number(),
                    dropOff: z.number(),
                    dropOffRate: z.number().nullable(),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      await fresh();
      const f = filtersOf(req.query);
      const [searches, articles, pages, flows] = await Promise.all([
        topSearches(app.db, f),
        topArticles(app.db, f),
        topEscalatingPages(app.db, f),
        flowReports(app.db, f),
      ]);
      return { searches, articles, pages, flows };
    },
  );

  app.get(
    '/api/v1/analytics/gaps',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'Content gaps: unanswered, low-confidence and "not helpful" queries clustered by meaning.',
        querystring: S.AnalyticsQuery,
        description:
          'Computed in the background and served from memory: `refreshing` says a newer computation is ' +
          'under way (ask again shortly); `computedAt` is null until the first one for these filters ends.',
        response: {
          200: z.object({
            items: z.array(S.Gap),
            computedAt: z.iso.datetime().nullable(),
            refreshing: z.boolean(),
          }),
        },
      },
    },
    async (req) => gaps.read(filtersOf(req.query)),
  );

  app.post(
    '/api/v1/analytics/gaps/formulations',
    {
      config: { access: 'content:write' },
      schema: {
        tags: TAGS,
        summary: "One click: add a gap's queries as formulations of an existing answer.",
        body: z.strictObject({
          articleId: z.uuid(),
          queries: z.array(z.string().trim().min(1).max(500)).min(1).max(100),
        }),
        response: {
          200: z.object({ articleId: z.string(), version: z.number(), added: z.array(z.string()) }),
        },
      },
    },
    async (req) => {
      const { article, added } = await addGapFormulations(
        app.db,
        req.actor,
        req.body.articleId,
        req.body.queries,
      );
      gaps.invalidate();
      return { articleId: article.id, version: article.version, added };
    },
  );

  app.post(
    '/api/v1/analytics/gaps/draft',
    {
      config: { access: 'content:write' },
      schema: {
        tags: TAGS,
        summary: "One click: draft a new article whose formulations are the gap's queries.",
        body: z.strictObject({
          locale: Locale,
          title: z.string().trim().min(3).max(200),
          queries: z.array(z.string().trim().min(1).max(500)).min(1).max(100),
        }),
        response: {
          201: z.object({ articleId: z.string(), status: z.string(), formulations: z.array(z.string()) }),
        },
      },
    },
    async (req, reply) => {
      const a = await draftArticleFromGap(app.db, req.actor, req.body);
      gaps.invalidate();
      return reply.status(201).send({ articleId: a.id, status: a.status, formulations: a.formulations });
    },
  );

  app.get(
    '/api/v1/analytics/stale',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'Stale content: review date passed, unhelpful, or not viewed for 90 days.',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                articleId: z.string(),
                title: z.string(),
                locale: z.string(),
                ownerId: z.string().nullable(),
                ownerName: z.string().nullable(),
                reviewBy: z.string().nullable(),
                views: z.number(),
                helpfulness: z.number().nullable(),
                reasons: z.array(z.enum(['review_overdue', 'unhelpful', 'not_viewed'])),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      await fresh();
      return { items: (await listStaleContent(app.db)).map((s) => s.article) };
    },
  );

  app.get(
    '/api/v1/analytics/digest',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: "Preview of this week's content digest to article owners (recipients' addresses hidden).",
        response: {
          200: z.object({
            items: z.array(z.object({ ownerId: z.string(), subject: z.string(), text: z.string() })),
          }),
        },
      },
    },
    async () => ({
      items: (await buildWeeklyDigest(app.db)).map(({ ownerId, subject, text }) => ({
        ownerId,
        subject,
        text,
      })),
    }),
  );

  app.post(
    '/api/v1/analytics/digest/send',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: TAGS,
        summary:
          "Send this week's content digest to article owners now (queued in the outbox; also sent weekly). Refused while `digestEnabled` is off.",
        response: { 202: z.object({ week: z.string(), ownerIds: z.array(z.string()) }) },
      },
    },
    async (req, reply) => {
      const run = await sendWeeklyDigest(app.db, { force: true, actor: req.actor });
      if (run.status === 'disabled')
        throw new ConflictError('The weekly digest is turned off (digestEnabled).');
      if (run.status === 'busy') throw new ConflictError('The digest is being sent by another process.');
      req.log.info({ week: run.week, ownerIds: run.ownerIds }, 'analytics: digest queued');
      return reply.status(202).send({ week: run.week, ownerIds: run.ownerIds });
    },
  );

  app.get(
    '/api/v1/analytics/export/:report',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'CSV export of a report over the range and filters.',
        params: z.strictObject({ report: z.enum(REPORTS.map((r) => `${r}.csv`) as [string, ...string[]]) }),
        querystring: S.AnalyticsQuery,
      },
    },
    async (req, reply) => {
      await fresh();
      const f = filtersOf(req.query);
      const report = req.params.report.replace(/\.csv$/, '') as Report;
      const csv = await exportCsv(app.db, report, f, backendOf(app));
      const name = `relais-${report}-${f.from}-${f.to}${f.locale ? `-${f.locale}` : ''}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(csv);
    },
  );

  // ── settings and maintenance ──

  app.get(
    '/api/v1/analytics/settings',
    {
      config: READ,
      schema: { tags: TAGS, summary: 'Analytics settings.', response: { 200: AnalyticsSettings } },
    },
    async () => readAnalyticsSettings(app.db),
  );

  app.put(
    '/api/v1/analytics/settings',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: TAGS,
        summary: 'Change analytics settings (consent mode, retention, deflection window, ROI, surveys).',
        body: AnalyticsSettings.partial(),
        response: { 200: AnalyticsSettings },
      },
    },
    async (req) => writeAnalyticsSettings(app.db, req.body as Partial<AnalyticsSettings>),
  );

  app.post(
    '/api/v1/analytics/purge',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: TAGS,
        summary: 'Delete events older than the retention period now (also runs every 6 hours).',
        body: z.strictObject({}).nullish(),
        response: { 200: z.object({ deleted: z.number() }) },
      },
    },
    async () => ({ deleted: await purgeExpiredEvents(app.db) }),
  );

  // ── demo history (issue 16): ninety generated days on a demo install, removable in one click ──

  app.get(
    '/api/v1/analytics/demo-history',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: "Whether the charts hold the demo install's generated history (null when not).",
        response: { 200: z.object({ history: DemoHistorySchema }) },
      },
    },
    async () => ({ history: await readDemoHistory(app.db) }),
  );

  app.delete(
    '/api/v1/analytics/demo-history',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: TAGS,
        summary: 'Remove the generated demo history; what real visitors did stays.',
        response: { 200: z.object({ deleted: z.number() }) },
      },
    },
    async (req) => {
      const deleted = await removeDemoHistory(app.db, req.actor);
      gaps.invalidate();
      return { deleted };
    },
  );
};

export default analyticsRoutes;
