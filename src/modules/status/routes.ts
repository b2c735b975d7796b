import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../server/errors.ts';
import { announceStatusChange } from './changes.ts';
import { presentIncident, presentSubscriber } from './presenter.ts';
import { publicStatusRoutes } from './public-routes.ts';
import {
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
  Subscriber,
  Templates,
  UpdateBody,
  WebhookSubscriberBody,
} from './schemas.ts';
import * as status from './service.ts';
import { readTemplates, writeTemplates } from './templates.ts';
import { listIncidents } from './view.ts';

const tags = ['status'];
const staff = { access: 'status:manage' as const };
// Anonymous subscription endpoints: cheap to call, hard to flood.
const _subscribeLimit = { max: 5, timeWindow: '1 minute' };
const _linkLimit = { max: 20, timeWindow: '1 minute' };

/** The status page's API: staff management under /api/v1/status, Statuspage-shaped JSON under /api/v2. */
const statusRoutes: FastifyPluginAsyncZod = async (app) => {
  const { publicUrl } = app.config;
  // Fast paths (issue 24): any staff write here may change the help centre's incident banners.
  app.addHook('onResponse', async (req) => {
    if (req.method !== 'GET') announceStatusChange();
  });

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

  await publicStatusRoutes(app);
};

export default statusRoutes;
