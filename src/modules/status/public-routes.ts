import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../server/errors.ts';
import { getBranding, listLocales } from '../settings/service.ts';
import { presentSummary, type SpContext, spPage, spStatus } from './presenter.ts';
import { Banner, SpQuery, SpStatusResponse, SpSummary, SubscribeBody, TokenQuery } from './schemas.ts';
import * as status from './service.ts';

const tags = ['status'];
// Anonymous subscription endpoints: cheap to call, hard to flood.
const subscribeLimit = { max: 5, timeWindow: '1 minute' };
const linkLimit = { max: 20, timeWindow: '1 minute' };

/** The status page's public API: subscriptions, the banner, and the Statuspage-shaped JSON under /api/v2. */
export async function publicStatusRoutes(app: Parameters<FastifyPluginAsyncZod>[0]) {
  const { publicUrl } = app.config;
  const pageId = createHash('sha256').update(publicUrl).digest('hex').slice(0, 12);

  // RFC 8058 one-click unsubscribe posts `List-Unsubscribe=One-Click` as a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  // ── public: subscriptions and banner ──

  app.post(
    '/api/v1/status/subscriptions',
    {
      config: { access: 'public', rateLimit: subscribeLimit },
      schema: {
        tags,
        summary: 'Subscribe an e-mail address (double opt-in). Same answer whether the address is known.',
        body: SubscribeBody,
        response: { 202: z.object({ status: z.literal('pending') }) },
      },
    },
    async (req, reply) => {
      await status.subscribe(app.db, req.body);
      reply.status(202);
      return { status: 'pending' as const };
    },
  );

  app.post(
    '/api/v1/status/subscriptions/confirm',
    {
      config: { access: 'public', rateLimit: linkLimit },
      schema: {
        tags,
        summary: 'Confirm a subscription with the link token.',
        querystring: TokenQuery,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      if (!(await status.confirmSubscription(app.db, req.query.token)))
        throw new NotFoundError('Subscription');
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/status/subscriptions/unsubscribe',
    {
      config: { access: 'public', rateLimit: linkLimit },
      schema: {
        tags,
        summary: 'One-click unsubscribe (RFC 8058 `List-Unsubscribe-Post`). Always 204.',
        querystring: TokenQuery,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await status.unsubscribe(app.db, req.query.token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/status/banner',
    {
      config: { access: 'public', rateLimit: { max: 240, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'The incident banner for a locale (help centre, widget, portal), or null.',
        querystring: z.strictObject({
          locale: z
            .string()
            .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
            .default('fr'),
        }),
        response: { 200: z.object({ banner: Banner.nullable() }) },
      },
    },
    async (req) => {
      const b = await status.activeIncidentBanner(app.db, req.query.locale);
      return { banner: b ? { ...b, url: `${publicUrl}${b.path}` } : null };
    },
  );

  // ── Statuspage-compatible public API ──

  const spContext = async (locale: string | undefined): Promise<SpContext> => {
    const [branding, locales] = await Promise.all([getBranding(app.db), listLocales(app.db)]);
    const chosen = locale && locales.includes(locale) ? locale : (locales[0] ?? 'fr');
    return { pageId, name: branding.name, publicUrl, locale: chosen };
  };
  const v2 = { access: 'public' as const, rateLimit: { max: 600, timeWindow: '1 minute' } };

  app.get(
    '/api/v2/summary.json',
    {
      config: v2,
      schema: {
        tags,
        summary: 'Statuspage-compatible summary: page, status, components, open incidents, maintenance.',
        querystring: SpQuery,
        response: { 200: SpSummary },
      },
    },
    async (req, reply) => {
      const [ctx, state] = await Promise.all([spContext(req.query.locale), status.pageState(app.db)]);
      reply.header('cache-control', 'public, max-age=30').header('access-control-allow-origin', '*');
      return presentSummary(ctx, state);
    },
  );

  app.get(
    '/api/v2/status.json',
    {
      config: v2,
      schema: {
        tags,
        summary: 'Statuspage-compatible overall status (indicator and description).',
        querystring: SpQuery,
        response: { 200: SpStatusResponse },
      },
    },
    async (req, reply) => {
      const [ctx, state] = await Promise.all([spContext(req.query.locale), status.pageState(app.db)]);
      reply.header('cache-control', 'public, max-age=30').header('access-control-allow-origin', '*');
      return { page: spPage(ctx, state), status: spStatus(ctx, state) };
    },
  );
}
