import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findCustomer } from '../modules/customers/service.ts';
import { requestIds, searchEvent } from '../modules/events/service.ts';
import { ensureJourney } from '../modules/journey/cookie.ts';
import { recordJourneyStep } from '../modules/journey/service.ts';
import { EMBED_HOSTS } from '../modules/kb/markdown.ts';
import * as kb from '../modules/kb/service.ts';
import { type AnswerHit, backendOf, findAnswers } from '../modules/search/service.ts';
import { AppError } from '../server/errors.ts';
import { negotiateLocale } from './i18n.ts';
import { pageCache } from './page-cache.ts';
import { articlePage, categoryPage, errorPage, homePage, searchPage } from './pages.ts';
import { articleMarkdown, llmsTxt, robots, sitemap } from './seo.ts';
import { siteLoader } from './site.ts';
import { statusPages } from './status.ts';

/** Strict CSP for every help-centre page: no inline script or style, embeds from video hosts only. */
export const HELP_CENTRE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  `frame-src ${EMBED_HOSTS.map((h) => `https://${h}`).join(' ')}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const ASSETS: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [
    ['helpcentre.css', 'text/css; charset=utf-8'],
    ['nuvia-logo.svg', 'image/svg+xml'],
  ].map(([name, type]) => [
    name,
    { type: type!, body: readFileSync(new URL(`./assets/${name}`, import.meta.url)) },
  ]),
);

// Page routes only ever see these shapes; anything else is a 404 page, not a validation error.
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Anonymous feedback: cheap to accept, hard to flood.
const feedbackRateLimit = { max: 20, timeWindow: '1 minute' };

type Params = { locale: string; slug?: string };

/** The public help centre: server-rendered pages, SEO files, Markdown views. Published public content only. */
export default async function helpCentre(app: FastifyInstance) {
  const site = siteLoader(app);
  // What pages read of the knowledge base, once per content change (articles: the search index's
  // generation; categories and sections: their own notification), on every node.
  let categoryChanges = 0;
  let stopListening: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopListening = await app.database.listen(kb.CATEGORY_CHANNEL, () => {
      categoryChanges++;
    });
  });
  app.addHook('onClose', async () => {
    await stopListening?.().catch(() => {});
  });
  const cached = pageCache(() => `${app.searchIndex.generation}:${categoryChanges}`);

  /** `personal`: the page shows what a signed-in customer's plan grants — never stored by a shared cache. */
  function sendPage(reply: FastifyReply, body: string, status = 200, personal = false) {
    return reply
      .status(status)
      .header('content-security-policy', HELP_CENTRE_CSP)
      .header('cache-control', personal ? 'private, no-store' : 'no-cache')
      .type('text/html; charset=utf-8')
      .send(body);
  }

  async function notFound(req: FastifyRequest, reply: FastifyReply) {
    const s = await site();
    const first = req.url.split('/')[1] ?? '';
    const locale = s.locales.includes(first)
      ? first
      : negotiateLocale(req.headers['accept-language'], s.locales);
    return sendPage(reply, errorPage(s, locale, 'not-found', req.url.split('?')[0] ?? '/'), 404);
  }
  app.notFoundPage.render = notFound;

  /** The configured locale named by the URL, or undefined (→ 404 page). */
  async function pageSite(req: FastifyRequest<{ Params: Params }>) {
    const s = await site();
    return s.locales.includes(req.params.locale) ? s : undefined;
  }

  app.setErrorHandler(async (error: Error, req, reply) => {
    if (error instanceof AppError && error.status === 404) return notFound(req, reply);
    if (error instanceof AppError && error.status < 500) {
      return reply.status(error.status).type('text/plain; charset=utf-8').send(error.detail);
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 429) return reply.status(429).type('text/plain; charset=utf-8').send('Too many requests.');
    req.log.error({ err: error }, 'help-centre page failed');
    const s = await site();
    return sendPage(reply, errorPage(s, s.locales[0] ?? 'en', 'error', req.url), 500);
  });

  // Plain HTML forms post urlencoded bodies; only the feedback form does, inside this plugin.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const page = { config: { access: 'public' as const }, schema: { hide: true } };

  /** The signed-in customer's segments (their plan), from their account — never from the request. */
  async function viewerSegments(req: FastifyRequest): Promise<string[]> {
    if (req.actor.kind !== 'customer') return [];
    return (await findCustomer(app.db, req.actor.id).catch(() => undefined))?.segments ?? [];
  }

  app.get('/', page, async (req, reply) => {
    const s = await site();
    return reply
      .header('vary', 'Accept-Language')
      .redirect(`/${negotiateLocale(req.headers['accept-language'], s.locales)}`, 302);
  });

  app.get('/assets/:name', page, async (req: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const asset = ASSETS[req.params.name];
    if (!asset) return notFound(req, reply);
    return reply.header('cache-control', 'public, max-age=3600').type(asset.type).send(asset.body);
  });

  app.get('/assets/theme.css', page, async (_req, reply) => {
    const { branding } = await site();
    // Colours are validated as hex by settings.getBranding: safe to interpolate into CSS.
    const css = `:root{--brand:${branding.primaryColor};--accent:${branding.accentColor}}\n`;
    return reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8').send(css);
  });

  // The browser tab's icon: the company's initial on its colour, unless branding has a logo.
  app.get('/favicon.svg', page, async (_req, reply) => {
    const { branding } = await site();
    const initial = escapeXml([...branding.name.trim()][0]?.toUpperCase() ?? 'R');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${branding.primaryColor}"/><text x="16" y="22.5" font-family="system-ui,sans-serif" font-size="19" font-weight="700" text-anchor="middle" fill="#fff">${initial}</text></svg>`;
    return reply.header('cache-control', 'public, max-age=300').type('image/svg+xml').send(svg);
  });
  app.get('/favicon.ico', page, async (_req, reply) => {
    const { branding } = await site();
    const logo = branding.logoUrl?.startsWith('//') ? null : branding.logoUrl;
    return reply.redirect(logo ?? '/favicon.svg', 302);
  });

  app.get('/robots.txt', page, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(robots(await site())),
  );

  app.get('/sitemap.xml', page, async (_req, reply) => {
    const s = await site();
    const [categories, articles] = await Promise.all([
      kb.listCategories(app.db),
      kb.listArticleSummaries(app.db, { audience: 'public', limit: 50_000 }),
    ]);
    return reply.type('application/xml; charset=utf-8').send(sitemap(s, categories, articles));
  });

  app.get('/llms.txt', page, async (_req, reply) => {
    const s = await site();
    const [categories, articles] = await Promise.all([
      kb.listCategories(app.db),
      kb.listArticleSummaries(app.db, { audience: 'public', limit: 50_000 }),
    ]);
    return reply.type('text/plain; charset=utf-8').send(llmsTxt(s, categories, articles));
  });

  app.get('/:locale', page, async (req: FastifyRequest<{ Params: Params }>, reply) => {
    const s = await pageSite(req);
    if (!s) return notFound(req, reply);
    const locale = req.params.locale;
    const [categories, articles] = await cached(`home|${locale}`, () =>
      Promise.all([
        kb.listCategories(app.db),
        kb.listArticleSummaries(app.db, { audience: 'public', locale, limit: 10_000 }),
      ]),
    );
    const top = [...articles].sort((a, b) => b.views - a.views || a.position - b.position).slice(0, 8);
    const segments = await viewerSegments(req);
    const recommended = await kb.listSegmentArticles(app.db, locale, segments);
    const withCounts = categories
      .filter((c) => c.translations[locale])
      .map((category) => ({ category, count: articles.filter((a) => a.categoryId === category.id).length }))
      .filter((c) => c.count > 0);
    return sendPage(
      reply,
      homePage(s, locale, { categories: withCounts, top, recommended }),
      200,
      segments.length > 0,
    );
  });

  app.get(
    '/:locale/search',
    page,
    async (req: FastifyRequest<{ Params: Params; Querystring: { q?: string } }>, reply) => {
      const s = await pageSite(req);
      if (!s) return notFound(req, reply);
      const locale = req.params.locale;
      const query = (typeof req.query.q === 'string' ? req.query.q : '').trim().slice(0, 200);
      let results: AnswerHit[] = [];
      let unsure = false;
      const segments = query ? await viewerSegments(req) : [];
      if (query) {
        const { match, hits } = await findAnswers(backendOf(app), query, {
          locale,
          audience: 'public',
          segments,
          limit: 10,
        });
        results = hits;
        unsure = match.abstain;
        const event = searchEvent('helpcentre', requestIds(req), query, {
          ...match,
          resultCount: results.length,
        });
        app.eventBuffer.record(event);
        // The customer's journey (not analytics): what they typed and were shown, for an advisor.
        await recordJourneyStep(app.db, ensureJourney(req, reply), 'helpcentre', {
          kind: 'search',
          query,
          locale,
          shown: results.map((r) => ({ id: r.id, title: r.title })),
          abstained: unsure,
        });
      }
      return sendPage(reply, searchPage(s, locale, { query, results, unsure }), 200, segments.length > 0);
    },
  );

  app.get('/:locale/categories/:slug', page, async (req: FastifyRequest<{ Params: Params }>, reply) => {
    const s = await pageSite(req);
    const slug = req.params.slug ?? '';
    if (!s || !SLUG.test(slug)) return notFound(req, reply);
    const locale = req.params.locale;
    const { category, moved, sections, articles } = await cached(`category|${locale}|${slug}`, async () => {
      const category = await kb.findCategoryBySlug(app.db, locale, slug);
      if (!category) return { moved: await kb.findCategoryRedirect(app.db, locale, slug) };
      const [sections, articles] = await Promise.all([
        kb.listSections(app.db, category.id),
        kb.listArticleSummaries(app.db, { audience: 'public', locale, categoryId: category.id }),
      ]);
      return { category, sections, articles };
    });
    if (!category) {
      const current = moved?.translations[locale];
      return current ? reply.redirect(kb.categoryPath(locale, current.slug), 301) : notFound(req, reply);
    }
    if (!sections || !articles?.length) return notFound(req, reply);
    return sendPage(reply, categoryPage(s, locale, { category, sections, articles }));
  });

  app.get(
    '/:locale/articles/:slug',
    page,
    async (req: FastifyRequest<{ Params: Params; Querystring: { feedback?: string } }>, reply) => {
      const s = await pageSite(req);
      const raw = req.params.slug ?? '';
      const markdown = raw.endsWith('.md');
      const slug = markdown ? raw.slice(0, -3) : raw;
      if (!s || !SLUG.test(slug)) return notFound(req, reply);
      const locale = req.params.locale;
      const found = await cached(`article|${locale}|${slug}`, () =>
        kb.findPublicArticleBySlug(app.db, locale, slug),
      );
      if (found.redirectTo)
        return reply.redirect(`${kb.articlePath(found.redirectTo)}${markdown ? '.md' : ''}`, 301);
      // Segment content only for a signed-in customer whose plan grants it; others get the same 404.
      const personal = found.article
        ? undefined
        : await kb.findSegmentArticleBySlug(app.db, locale, slug, await viewerSegments(req));
      const article = found.article ?? personal;
      if (!article) return notFound(req, reply);
      if (markdown) {
        return reply
          .header('cache-control', personal ? 'private, no-store' : 'no-cache')
          .type('text/markdown; charset=utf-8')
          .send(articleMarkdown(s, article));
      }
      // Public parts only (category, translations, related): the same for every reader of this article.
      const [category, translations, related] = await cached(`article-parts|${locale}|${article.id}`, () =>
        Promise.all([
          article.categoryId ? kb.findCategory(app.db, article.categoryId) : undefined,
          kb.listArticleSummaries(app.db, { audience: 'public', translationGroup: article.translationGroup }),
          article.categoryId
            ? kb.listArticles(app.db, {
                audience: 'public',
                locale,
                categoryId: article.categoryId,
                orderBy: 'popular',
                limit: 6,
              })
            : [],
        ]),
      );
      app.articleViews.count(article.id);
      app.eventBuffer.record({
        type: 'article.viewed',
        channel: 'helpcentre',
        ...requestIds(req),
        locale,
        subjectType: 'article',
        subjectId: article.id,
        data: {},
      });
      await recordJourneyStep(app.db, ensureJourney(req, reply), 'helpcentre', {
        kind: 'article',
        articleId: article.id,
        title: article.title,
        locale,
      });
      return sendPage(
        reply,
        articlePage(s, {
          article,
          category,
          translations,
          related: related.filter((r) => r.id !== article.id).slice(0, 5),
          feedbackSent: req.query.feedback === 'sent',
        }),
        200,
        Boolean(personal),
      );
    },
  );

  app.post(
    '/:locale/articles/:slug/feedback',
    { config: { access: 'public', rateLimit: feedbackRateLimit }, schema: { hide: true } },
    async (req: FastifyRequest<{ Params: Params; Body: unknown }>, reply) => {
      const s = await pageSite(req);
      const slug = req.params.slug ?? '';
      if (!s || !SLUG.test(slug)) return notFound(req, reply);
      const found = await kb.findPublicArticleBySlug(app.db, req.params.locale, slug);
      // A segment article takes votes from the signed-in customers who may read it, like its page.
      const segments = await viewerSegments(req);
      const article =
        found.article ??
        found.redirectTo ??
        (await kb.findSegmentArticleBySlug(app.db, req.params.locale, slug, segments));
      if (!article) return notFound(req, reply);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const helpful = body.helpful === 'yes' ? true : body.helpful === 'no' ? false : undefined;
      if (helpful === undefined) return reply.redirect(`${kb.articlePath(article)}#feedback`, 303);
      const comment = typeof body.comment === 'string' ? body.comment.slice(0, 1000) : undefined;
      await kb.recordFeedback(
        app.db,
        req.actor,
        article.id,
        helpful,
        comment,
        { channel: 'helpcentre', ...requestIds(req) },
        segments,
      );
      await recordJourneyStep(app.db, ensureJourney(req, reply), 'helpcentre', {
        kind: 'vote',
        articleId: article.id,
        title: article.title,
        helpful,
        ...(comment?.trim() ? { comment: comment.trim() } : {}),
      });
      return reply.redirect(`${kb.articlePath(article)}?feedback=sent#feedback`, 303);
    },
  );

  // Status page (issue 19): /{locale}/status, incidents, history, feeds, subscriptions.
  await statusPages(app, { pageSite, sendPage, notFound });
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
