import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../server/errors.ts';
import { getBranding, listLocales } from '../settings/service.ts';
import {
  presentIncident,
  presentSubscriber,
  presentSummary,
  type SpContext,
  spPage,
  spStatus,
} from './presenter.ts';
import {
  Banner,
  Component,
  ComponentBody,
  Group,
  GroupBody,
  IdParams,
  Incident,
  IncidentBody,
  IncidentPatchBody,
  IncidentQuery,
  LinkBody,
  LinkParams,
  SpQuery,
  SpStatusResponse,
  SpSummary,
  SubscribeBody,
  Subscriber,
  Templates,
  TokenQuery,
  UpdateBody,
  WebhookSubscriberBody,
} from './schemas.ts';
import * as status from './service.ts';
import { readTemplates, writeTemplates } from './templates.ts';
import { listIncidents } from './view.ts';

const tags = ['status'];
const staff = { access: 'status:manage' as const };
// Anonymous subscription endpoints: cheap to call, hard to flood.
const subscribeLimit = { max: 5, timeWindow: '1 minute' };
const linkLimit = { max: 20, timeWindow: '1 minute' };

/** The status page's API: staff management under /api/v1/status, Statuspage-shaped JSON under /api/v2. */
const statusRoutes: FastifyPluginAsyncZod = async (app) => {
  const { publicUrl } = app.config;
  const pageId = createHash('sha256').update(publicUrl).digest('hex').slice(0, 12);

  // RFC 8058 one-click unsubscribe posts `List-Unsubscribe=One-Click` as a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const withStatus = async () => {
    const state = await status.pageState(app.db);
    const byId = new Map(state.components.map((c) => [c.component.id, c.status]));
    return (c: status.ComponentRow) => ({ ...c, status: byId.get(c.id) ?? ('operational' as const) });
  };

  // ── components ──

  app.get(
    '/api/v1/status/components',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Component groups and components, with their current status.',
        response: { 200: z.object({ groups: z.array(Group), components: z.array(Component) }) },
      },
    },
    async () => {
      const [groups, components, present] = await Promise.all([
        status.listGroups(app.db),
        status.listComponents(app.db),
        withStatus(),
      ]);
      return { groups, components: components.map(present) };
    },
  );

  app.post(
    '/api/v1/status/components',
    {
      config: staff,
      schema: { tags, summary: 'Add a component.', body: ComponentBody, response: { 201: Component } },
    },
    async (req, reply) => {
      const row = await status.createComponent(app.db, req.actor, req.body);
      reply.status(201);
      return (await withStatus())(row);
    },
  );

  app.patch(
    '/api/v1/status/components/:id',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Change a component.',
        params: IdParams,
        body: ComponentBody.partial(),
        response: { 200: Component },
      },
    },
    async (req) =>
      (await withStatus())(await status.updateComponent(app.db, req.actor, req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/status/components/:id',
    { config: staff, schema: { tags, summary: 'Remove a component.', params: IdParams } },
    async (req, reply) => {
      await status.deleteComponent(app.db, req.actor, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/status/groups',
    {
      config: staff,
      schema: { tags, summary: 'Add a component group.', body: GroupBody, response: { 201: Group } },
    },
    async (req, reply) => {
      reply.status(201);
      return status.createGroup(app.db, req.actor, req.body);
    },
  );

  app.delete(
    '/api/v1/status/groups/:id',
    {
      config: staff,
      schema: { tags, summary: 'Remove a group (its components stay, ungrouped).', params: IdParams },
    },
    async (req, reply) => {
      await status.deleteGroup(app.db, req.actor, req.params.id);
      return reply.status(204).send();
    },
  );

  // ── incidents and maintenance ──

  app.get(
    '/api/v1/status/incidents',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Incidents and maintenance windows, newest first.',
        querystring: IncidentQuery,
        response: { 200: z.object({ items: z.array(Incident) }) },
      },
    },
    async (req) => {
      const { kind, open, limit, offset } = req.query;
      const items = await listIncidents(app.db, {
        ...(kind ? { kind } : {}),
        open: open === 'true',
        limit,
        offset,
      });
      return { items: items.map((f) => presentIncident(f)) };
    },
  );

  const fullIncident = async (id: string) => {
    const f = await status.loadIncident(app.db, id);
    if (!f) throw new NotFoundError('Incident');
    return presentIncident(f, await status.linkedTickets(app.db, id));
  };

  app.post(
    '/api/v1/status/incidents',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Open an incident or schedule a maintenance window; subscribers are told.',
        body: IncidentBody,
        response: { 201: Incident },
      },
    },
    async (req, reply) => {
      const row = await status.createIncident(app.db, req.actor, req.body);
      reply.status(201);
      return fullIncident(row.id);
    },
  );

  app.get(
    '/api/v1/status/incidents/:id',
    {
      config: staff,
      schema: {
        tags,
        summary: 'One incident with its updates and linked tickets.',
        params: IdParams,
        response: { 200: Incident },
      },
    },
    async (req) => fullIncident(req.params.id),
  );

  app.patch(
    '/api/v1/status/incidents/:id',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Correct titles, impacts, the window, or write the post-incident note (no notification).',
        params: IdParams,
        body: IncidentPatchBody,
        response: { 200: Incident },
      },
    },
    async (req) => {
      await status.patchIncident(app.db, req.actor, req.params.id, req.body);
      return fullIncident(req.params.id);
    },
  );

  app.delete(
    '/api/v1/status/incidents/:id',
    {
      config: staff,
      schema: { tags, summary: 'Delete an incident (created by mistake).', params: IdParams },
    },
    async (req, reply) => {
      await status.deleteIncident(app.db, req.actor, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/status/incidents/:id/updates',
    {
      config: staff,
      schema: {
        tags,
        summary:
          'Post an update (status and text); subscribers are told; resolving replies once to linked tickets.',
        params: IdParams,
        body: UpdateBody,
        response: { 201: Incident },
      },
    },
    async (req, reply) => {
      await status.addUpdate(app.db, req.actor, req.params.id, req.body, { publicUrl });
      reply.status(201);
      return fullIncident(req.params.id);
    },
  );

  // ── tickets ──

  app.post(
    '/api/v1/status/incidents/:id/tickets',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Link a ticket to an incident.',
        params: IdParams,
        body: LinkBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await status.linkTicket(app.db, req.actor, req.params.id, req.body.ticketId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/status/incidents/:id/tickets/:ticketId',
    {
      config: { access: 'tickets:write' },
      schema: { tags, summary: 'Unlink a ticket.', params: LinkParams },
    },
    async (req, reply) => {
      await status.unlinkTicket(app.db, req.actor, req.params.id, req.params.ticketId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/status/tickets/:id/incidents',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags,
        summary: "A ticket's linked incidents, and the open ones it could be linked to.",
        params: IdParams,
        response: {
          200: z.object({
            linked: z.array(
              z.object({ id: z.uuid(), title: z.record(z.string(), z.string()), status: z.string() }),
            ),
            open: z.array(
              z.object({ id: z.uuid(), title: z.record(z.string(), z.string()), status: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const [linked, open] = await Promise.all([
        status.incidentsOfTicket(app.db, req.params.id),
        listIncidents(app.db, { open: true, kind: 'incident', limit: 50 }),
      ]);
      const brief = (i: status.IncidentRow) => ({ id: i.id, title: i.titles, status: i.status });
      return { linked: linked.map((l) => brief(l.incident)), open: open.map((f) => brief(f.incident)) };
    },
  );

  // ── templates ──

  app.get(
    '/api/v1/status/templates',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Incident templates (titles and texts per locale).',
        response: { 200: z.object({ items: Templates }) },
      },
    },
    async () => ({ items: await readTemplates(app.db) }),
  );

  app.put(
    '/api/v1/status/templates',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Replace the incident templates.',
        body: z.strictObject({ items: Templates }),
        response: { 200: z.object({ items: Templates }) },
      },
    },
    async (req) => ({ items: await writeTemplates(app.db, req.actor, req.body.items) }),
  );

  // ── subscribers ──

  app.get(
    '/api/v1/status/subscribers',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Subscribers (e-mail and webhook), newest first.',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ items: z.array(Subscriber) }) },
      },
    },
    async (req) => ({ items: (await status.listSubscribers(app.db, req.query)).map(presentSubscriber) }),
  );

  app.post(
    '/api/v1/status/subscribers',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Add a signed webhook subscriber; its secret is returned once.',
        body: WebhookSubscriberBody,
        response: {
          201: Subscriber.extend({ secret: z.string().describe('Signing secret, shown only now.') }),
        },
      },
    },
    async (req, reply) => {
      const { row, secret } = await status.createWebhookSubscriber(app.db, req.actor, req.body);
      reply.status(201);
      return { ...presentSubscriber(row), secret };
    },
  );

  app.delete(
    '/api/v1/status/subscribers/:id',
    { config: staff, schema: { tags, summary: 'Remove a subscriber.', params: IdParams } },
    async (req, reply) => {
      await status.removeSubscriber(app.db, req.actor, req.params.id);
      return reply.status(204).send();
    },
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
};

export default statusRoutes;
