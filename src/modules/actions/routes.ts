/**
 * Self-service actions over HTTP: the staff API (definitions and runs log, `settings:manage`) and
 * the signed-in customer's (`access: 'customer'`, portal session). The widget's routes, for a
 * host-signed identity, live in `widget/actions-proxy.ts` (the site's CORS applies there).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CustomerAction,
  presentCustomerAction,
  presentStaffAction,
  RunBody,
  RunResultView,
  StaffAction,
} from './presenter.ts';
import { ActionDefinition } from './schemas.ts';
import * as actions from './service.ts';

const tags = ['customer-actions'];
const Params = z.strictObject({ id: z.uuid() });

const Run = z.object({
  id: z.uuid(),
  actionId: z.uuid(),
  customerId: z.uuid().nullable(),
  customer: z
    .string()
    .nullable()
    .describe('The customer’s e-mail (or name); null once they deleted their account.'),
  channel: z.enum(['portal', 'widget', 'flow']),
  outcome: z.enum(['succeeded', 'failed', 'refused']),
  reason: z.string().nullable().describe('`http_502`, `timeout`, `rate_limited`…'),
  createdAt: z.date(),
});

const actionRoutes: FastifyPluginAsyncZod = async (app) => {
  const staff = { access: 'settings:manage' as const };

  app.get(
    '/api/v1/customer-actions',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Self-service actions, in display order.',
        response: { 200: z.object({ items: z.array(StaffAction) }) },
      },
    },
    async () => ({ items: (await actions.listActions(app.db)).map(presentStaffAction) }),
  );

  app.post(
    '/api/v1/customer-actions',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Define a self-service action (audited).',
        body: ActionDefinition,
        response: { 201: StaffAction },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentStaffAction(await actions.createAction(app.db, req.actor, req.body))),
  );

  app.get(
    '/api/v1/customer-actions/runs',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Runs log: who ran which action, how it went, when (newest first).',
        querystring: z.strictObject({
          actionId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ items: z.array(Run), total: z.number() }) },
      },
    },
    async (req) => actions.listRuns(app.db, req.query),
  );

  app.get(
    '/api/v1/customer-actions/:id',
    {
      config: staff,
      schema: { tags, summary: 'One action.', params: Params, response: { 200: StaffAction } },
    },
    async (req) => presentStaffAction(await actions.findAction(app.db, req.params.id)),
  );

  app.put(
    '/api/v1/customer-actions/:id',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Replace an action’s definition (audited).',
        params: Params,
        body: ActionDefinition,
        response: { 200: StaffAction },
      },
    },
    async (req) => presentStaffAction(await actions.updateAction(app.db, req.actor, req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/customer-actions/:id',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Remove an action and its runs (audited).',
        params: Params,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await actions.deleteAction(app.db, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  // The signed-in customer (portal session cookie; writes echo the session's CSRF token).
  const me = (actor: { kind: string; id?: string }) => ({
    customerId: actor.id ?? '',
    via: 'portal' as const,
  });

  app.get(
    '/api/v1/account/actions',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        summary: 'The actions the signed-in customer may use.',
        querystring: z.strictObject({ locale: z.enum(['fr', 'en', 'en-GB']).default('fr') }),
        response: { 200: z.object({ items: z.array(CustomerAction) }) },
      },
    },
    async (req) => ({
      items: (await actions.actionsFor(app.db, me(req.actor))).map((a) =>
        presentCustomerAction(a, req.query.locale),
      ),
    }),
  );

  app.post(
    '/api/v1/account/actions/:id/runs',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        summary: 'Run an action for the signed-in customer (after their confirmation).',
        description:
          'Only the verified identity is sent (the fields the action lists). 404 for an action this customer may not use; 429 over its rate limit; 403 `identity-not-verified`.',
        params: Params,
        body: RunBody,
        response: { 200: RunResultView },
      },
    },
    async (req) => actions.runAction(app.db, me(req.actor), req.params.id, req.body),
  );
};

export default actionRoutes;
