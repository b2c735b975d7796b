import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ForbiddenError } from '../../server/errors.ts';
import { recordSurveyAnswer } from '../analytics/service.ts';
import widgetChatRoutes from '../chat/widget-routes.ts';
import { resolveWidgetIdentity } from '../customers/service.ts';
import { journeyIdOf, recordJourneyStep } from '../journey/service.ts';
import * as kb from '../kb/service.ts';
import { Locale } from '../settings/schemas.ts';
import widgetActionRoutes from './actions-proxy.ts';
import widgetAssets from './assets.ts';
import widgetBotRoutes from './bot-proxy.ts';
import { ensureDemoSite } from './demo.ts';
import {
  Card,
  EventBody,
  IdentifyBody,
  Rule,
  SiteInput,
  SiteKey,
  SitePatch,
  StaffSite,
  WidgetConfig,
} from './schemas.ts';
import * as widget from './service.ts';

const tags = ['widget'];
const Visitor = z
  .string()
  .regex(/^[\w-]{8,64}$/)
  .optional()
  .describe('Anonymous first-party visitor id.');
const TokenParam = z.string().max(2000).optional().describe('Widget session token from `identify`.');
const SiteQuery = z.strictObject({ site: SiteKey, token: TokenParam, visitor: Visitor });

const presentSite = (s: widget.SiteRow) => ({
  key: s.key,
  name: s.name,
  allowedOrigins: s.allowedOrigins,
  contactUrl: s.contactUrl,
  strings: s.strings,
  statusBanner: s.statusBanner,
  rules: s.rules as Rule[],
  updatedAt: s.updatedAt,
});

/** The search plugin is wired by the app; until it is, widget search answers 503 instead of crashing. */
function searchIndexOf(app: FastifyInstance): widget.Matcher {
  if (!app.hasDecorator('searchIndex')) throw new AppError('unavailable', 503, 'Search is not available.');
  return app.searchIndex;
}

/** Relais's own origins: the configured public URL and the one this request reached. */
const ownOrigins = (app: FastifyInstance, req: FastifyRequest) => [
  new URL(app.config.publicUrl).origin,
  `${req.protocol}://${req.host}`,
];

/**
 * The endpoints a widget calls from a customer's website. CORS is decided here, per site, and only
 * here: an origin gets `Access-Control-Allow-Origin` when the site lists it; any other origin is refused
 * before the handler runs. No cookies are read or set (credentials are never allowed).
 */
const publicRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cross-origin-resource-policy', 'cross-origin');
    reply.header('vary', 'Origin');
    const origin = req.headers.origin;
    if (!origin) return;
    const key = (req.query as { site?: unknown }).site;
    const site =
      typeof key === 'string' ? await widget.findSite(app.db, key).catch(() => undefined) : undefined;
    if (!site || !widget.originAllowed(site, origin, ownOrigins(app, req))) {
      throw new ForbiddenError('This origin may not use this widget site.');
    }
    reply.header('access-control-allow-origin', origin);
    if (req.method === 'OPTIONS') {
      reply.header('access-control-allow-methods', 'GET, POST');
      reply.header('access-control-allow-headers', 'content-type, x-conversation-token, x-chat-token');
      reply.header('access-control-max-age', '600');
    }
  });

  app.options(
    '/api/v1/widget/*',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_req, reply) => reply.code(204).send(null),
  );

  app.get(
    '/api/v1/widget/config',
    {
      config: { access: 'public', rateLimit: { max: 240, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          "A site's widget configuration for one locale: strings, banner, rules and their suggestions.",
        querystring: z.strictObject({ site: SiteKey, locale: Locale.default('fr') }),
        response: { 200: WidgetConfig },
      },
    },
    async (req, reply) => {
      const site = await widget.findSite(app.db, req.query.site);
      reply.header('cache-control', 'public, max-age=60');
      return widget.buildConfig(app.db, site, req.query.locale, app.config.publicUrl);
    },
  );

  app.post(
    '/api/v1/widget/identify',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Exchange an identity signed by the host (HMAC-SHA256) for a one-hour widget token.',
        querystring: z.strictObject({ site: SiteKey }),
        body: IdentifyBody,
        response: {
          200: z.object({
            token: z.string(),
            expiresAt: z.string(),
            segments: z.array(z.string()).describe('The verified segments.'),
          }),
        },
      },
    },
    async (req) => {
      const site = await widget.findSite(app.db, req.query.site);
      const { signature, ...claims } = req.body;
      const identified = widget.identify(site, claims, signature);
      // The verified identity is also a customer account (issue 18): the same person as in the portal.
      await resolveWidgetIdentity(app.db, {
        externalId: claims.id,
        email: claims.email,
        segments: claims.segments,
      }).catch((err: { code?: string }) => req.log.warn({ code: err.code }, 'customer account not linked'));
      return identified;
    },
  );

  const SearchResult = z.object({
    locale: z.string(),
    abstain: z.boolean(),
    confidence: z.number(),
    results: z.array(Card.extend({ confidence: z.number() })),
  });

  app.get(
    '/api/v1/widget/search',
    {
      config: { access: 'public', rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Search-as-you-type for the widget; segment content only for a verified identity.',
        querystring: SiteQuery.extend({
          q: z.string().trim().min(1).max(500),
          locale: Locale.optional(),
          prefix: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
          limit: z.coerce.number().int().min(1).max(10).default(5),
        }),
        response: { 200: SearchResult },
      },
    },
    async (req) => {
      const { site: key, token, q, locale, prefix, limit, visitor } = req.query;
      const site = await widget.findSite(app.db, key);
      const found = await widget.searchAnswers(app.db, searchIndexOf(app), widget.sessionOf(site, token), q, {
        locale,
        prefix,
        limit,
        publicUrl: app.config.publicUrl,
      });
      // Keystrokes are not searches: only a submitted query (prefix=false) is recorded.
      if (!prefix) {
        await widget.recordWidgetEvent(app.db, key, {
          type: found.abstain ? 'search.abstained' : 'search.performed',
          visitorId: visitor,
          locale: found.locale,
          query: q,
          abstained: found.abstain,
        });
        await recordJourneyStep(app.db, journeyIdOf('widget', visitor), 'widget', {
          kind: 'search',
          query: q,
          locale: found.locale,
          shown: found.results.map((r) => ({ id: r.id, title: r.title })),
          abstained: found.abstain,
        });
      }
      return found;
    },
  );

  app.post(
    '/api/v1/widget/answer',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'The best answer to a question, or an honest abstention, for the widget.',
        querystring: SiteQuery,
        body: z.strictObject({ question: z.string().trim().min(1).max(1000), locale: Locale.optional() }),
        response: {
          200: z.object({
            answered: z.boolean(),
            answer: Card.extend({ confidence: z.number() }).nullable(),
            candidates: z.array(Card.extend({ confidence: z.number() })),
            locale: z.string(),
          }),
        },
      },
    },
    async (req) => {
      const site = await widget.findSite(app.db, req.query.site);
      const found = await widget.searchAnswers(
        app.db,
        searchIndexOf(app),
        widget.sessionOf(site, req.query.token),
        req.body.question,
        { locale: req.body.locale, prefix: false, limit: 3, publicUrl: app.config.publicUrl },
      );
      const best = found.results[0];
      const answered = !found.abstain && best !== undefined;
      await widget.recordWidgetEvent(app.db, site.key, {
        type: answered ? 'search.performed' : 'search.abstained',
        visitorId: req.query.visitor,
        locale: found.locale,
        query: req.body.question,
        abstained: !answered,
      });
      // The customer's journey (not analytics), under the widget's visitor id: it survives reloads.
      await recordJourneyStep(app.db, journeyIdOf('widget', req.query.visitor), 'widget', {
        kind: 'search',
        query: req.body.question,
        locale: found.locale,
        shown: found.results.map((r) => ({ id: r.id, title: r.title })),
        abstained: !answered,
      });
      return { answered, answer: answered ? best : null, candidates: found.results, locale: found.locale };
    },
  );

  app.get(
    '/api/v1/widget/articles/:id',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          'One article with its sanitized HTML body (404 unless public or held by the verified identity).',
        params: z.strictObject({ id: z.uuid() }),
        querystring: SiteQuery,
        response: { 200: Card.extend({ bodyHtml: z.string() }) },
      },
    },
    async (req) => {
      const site = await widget.findSite(app.db, req.query.site);
      const session = widget.sessionOf(site, req.query.token);
      const article = await widget.readArticle(app.db, session, req.params.id, app.config.publicUrl);
      app.articleViews.count(article.id);
      await widget.recordWidgetEvent(app.db, site.key, {
        type: 'article.viewed',
        visitorId: req.query.visitor,
        locale: article.locale,
        articleId: article.id,
      });
      await recordJourneyStep(app.db, journeyIdOf('widget', req.query.visitor), 'widget', {
        kind: 'article',
        articleId: article.id,
        title: article.title,
        locale: article.locale,
      });
      return article;
    },
  );

  app.post(
    '/api/v1/widget/events',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Record a widget interaction (opened, nudge shown/clicked/dismissed…) for analytics.',
        querystring: z.strictObject({ site: SiteKey }),
        body: EventBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const site = await widget.findSite(app.db, req.query.site);
      await widget.recordWidgetEvent(app.db, site.key, req.body);
      return reply.code(204).send(null);
    },
  );

  // ── "was this helpful?" and the effort survey, asked in the panel (issue 16) ──

  app.post(
    '/api/v1/widget/articles/:id/feedback',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'A "was this helpful?" vote (and optional comment) on an article read in the widget.',
        params: z.strictObject({ id: z.uuid() }),
        querystring: SiteQuery,
        body: z.strictObject({ helpful: z.boolean(), comment: z.string().trim().max(1000).optional() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const site = await widget.findSite(app.db, req.query.site);
      const session = widget.sessionOf(site, req.query.token);
      // 404 unless this visitor may read it (public, or held by the verified identity).
      const article = await widget.readArticle(app.db, session, req.params.id, app.config.publicUrl);
      const { helpful, comment } = req.body;
      await kb.recordFeedback(app.db, req.actor, article.id, helpful, comment, {
        channel: 'widget',
        visitorId: req.query.visitor ?? null,
        sessionId: null,
      });
      await recordJourneyStep(app.db, journeyIdOf('widget', req.query.visitor), 'widget', {
        kind: 'vote',
        articleId: article.id,
        title: article.title,
        helpful,
        ...(comment ? { comment } : {}),
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/widget/surveys',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'A CSAT (1–5) or Customer Effort Score (1–7) answer given in the widget.',
        querystring: SiteQuery,
        body: z.strictObject({
          kind: z.enum(['csat', 'ces']),
          score: z.number().int().min(1).max(7),
          context: z.enum(['article', 'bot', 'flow', 'search', 'contact']).optional(),
          locale: Locale.optional(),
        }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await widget.findSite(app.db, req.query.site);
      const { locale, ...answer } = req.body;
      await recordSurveyAnswer(app.db, answer, {
        channel: 'widget',
        locale,
        visitorId: req.query.visitor ?? null,
        sessionId: null,
      });
      return reply.code(204).send(null);
    },
  );

  // Conversations and escalation from the widget: inside this plugin, so the per-site CORS above applies.
  await app.register(widgetBotRoutes);
  await app.register(widgetChatRoutes);
  // Self-service actions for a host-signed identity (issue 18)
  await app.register(widgetActionRoutes);
};

/** Sites, secrets, strings and rules: the admins' side. */
const staffRoutes: FastifyPluginAsyncZod = async (app) => {
  const KeyParams = z.strictObject({ key: SiteKey });
  const WithSecret = z.object({
    site: StaffSite,
    identitySecret: z.string().describe('Shown once: keep it on the host server only.'),
  });

  app.get(
    '/api/v1/widget/sites',
    {
      config: { access: 'settings:manage' },
      schema: { tags, summary: 'Widget sites.', response: { 200: z.object({ items: z.array(StaffSite) }) } },
    },
    async () => ({ items: (await widget.listSites(app.db)).map(presentSite) }),
  );

  app.post(
    '/api/v1/widget/sites',
    {
      config: { access: 'settings:manage' },
      schema: { tags, summary: 'Create a widget site.', body: SiteInput, response: { 201: WithSecret } },
    },
    async (req, reply) => {
      const { site, identitySecret } = await widget.createSite(app.db, req.actor, req.body);
      return reply.code(201).send({ site: presentSite(site), identitySecret });
    },
  );

  app.get(
    '/api/v1/widget/sites/:key',
    {
      config: { access: 'settings:manage' },
      schema: { tags, summary: 'One widget site.', params: KeyParams, response: { 200: StaffSite } },
    },
    async (req) => presentSite(await widget.findSite(app.db, req.params.key)),
  );

  app.patch(
    '/api/v1/widget/sites/:key',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Change origins, contact URL, strings (per locale) or the status banner.',
        params: KeyParams,
        body: SitePatch,
        response: { 200: StaffSite },
      },
    },
    async (req) => {
      const patch = Object.fromEntries(Object.entries(req.body).filter(([, v]) => v !== undefined));
      return presentSite(await widget.updateSite(app.db, req.actor, req.params.key, patch));
    },
  );

  app.delete(
    '/api/v1/widget/sites/:key',
    {
      config: { access: 'settings:manage' },
      schema: { tags, summary: 'Delete a widget site.', params: KeyParams, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await widget.deleteSite(app.db, req.actor, req.params.key);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/widget/sites/:key/secret',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Rotate the identity secret (outstanding widget tokens stop working).',
        params: KeyParams,
        response: { 200: WithSecret },
      },
    },
    async (req) => {
      const { site, identitySecret } = await widget.rotateSecret(app.db, req.actor, req.params.key);
      return { site: presentSite(site), identitySecret };
    },
  );

  app.get(
    '/api/v1/widget/sites/:key/rules',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Contextual help rules.',
        params: KeyParams,
        response: { 200: z.object({ items: z.array(Rule) }) },
      },
    },
    async (req) => ({ items: presentSite(await widget.findSite(app.db, req.params.key)).rules }),
  );

  app.put(
    '/api/v1/widget/sites/:key/rules',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Replace the contextual help rules (evaluated in the browser from the config endpoint).',
        params: KeyParams,
        body: z.strictObject({ items: z.array(Rule).max(100) }),
        response: { 200: z.object({ items: z.array(Rule) }) },
      },
    },
    async (req) => ({ items: await widget.replaceRules(app.db, req.actor, req.params.key, req.body.items) }),
  );
};

/** The widget: public endpoints (CORS per site), staff endpoints, bundles and the demo host page. */
export default async function widgetRoutes(app: FastifyInstance) {
  if (app.config.demo) {
    app.addHook('onReady', async () => {
      await ensureDemoSite(app.db, [new URL(app.config.publicUrl).origin]);
    });
  }
  await app.register(publicRoutes);
  await app.register(staffRoutes);
  await app.register(widgetAssets);
}
