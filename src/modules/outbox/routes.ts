import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sealSecret } from '../../crypto/secret-box.ts';
import { CONNECTOR_KINDS, OUTBOX_STATUSES } from '../../db/schema.ts';
import { refineOutboundUrl } from '../../net/outbound.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import type { ConnectorRow } from './repository.ts';
import * as repo from './repository.ts';

const Id = z.strictObject({ id: z.uuid() });
// Checked by the outbound guard when saved (no internal address), and again at every delivery.
const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .superRefine(refineOutboundUrl);

/** Non-secret settings each kind needs. */
const SETTINGS = {
  zendesk: z.strictObject({
    url: HttpUrl.describe('https://yourcompany.zendesk.com'),
    email: z.email().describe('Agent e-mail the API token belongs to.'),
  }),
  salesforce: z.strictObject({
    url: HttpUrl.describe('Instance URL, https://yourcompany.my.salesforce.com'),
    apiVersion: z
      .string()
      .regex(/^v\d{2,3}\.\d$/)
      .default('v60.0'),
    externalIdField: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,37}__c$/, 'a custom field API name, e.g. Relais_Reference__c')
      .optional()
      .describe('External id field on Case: deliveries become upserts keyed by the ticket reference.'),
  }),
  webhook: z.strictObject({ url: HttpUrl }),
};

const Connector = z.object({
  id: z.uuid(),
  kind: z.enum(CONNECTOR_KINDS),
  name: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.string()),
  hasSecret: z.boolean().describe('The secret itself is never returned.'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const present = (c: ConnectorRow) => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  enabled: c.enabled,
  settings: c.settings,
  hasSecret: c.secret.length > 0,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

const Secret = z
  .string()
  .min(8)
  .max(2000)
  .describe('Zendesk API token, Salesforce access token, or the webhook signing secret (≥ 8 characters).');

const NewConnector = z.strictObject({
  kind: z.enum(CONNECTOR_KINDS),
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  settings: z.record(z.string(), z.string()),
  secret: Secret,
});

function validSettings(kind: ConnectorRow['kind'], settings: unknown): Record<string, string> {
  const parsed = SETTINGS[kind].safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(`Invalid settings: ${issue.message}`, ['settings', ...issue.path].join('.'));
  }
  return parsed.data as Record<string, string>;
}

const OutboxItem = z.object({
  id: z.uuid(),
  kind: z.enum(['email', 'connector', 'webhook']),
  connectorId: z.string().nullable(),
  ticketId: z.string().nullable(),
  topic: z.string(),
  idempotencyKey: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.date(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});

const outboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/connectors',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['connectors'],
        summary: 'Where escalations are pushed: Zendesk, Salesforce, signed webhooks.',
        response: { 200: z.object({ items: z.array(Connector) }) },
      },
    },
    async () => ({
      items: (await repo.listConnectors(app.db)).map(present),
    }),
  );

  app.post(
    '/api/v1/connectors',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['connectors'],
        summary: 'Add a connector.',
        body: NewConnector,
        response: { 201: Connector },
      },
    },
    async (req, reply) => {
      const settings = validSettings(req.body.kind, req.body.settings);
      const row = await app.db.transaction(async (tx) => {
        const created = await repo.insertConnector(tx, {
          ...req.body,
          settings,
          secret: sealSecret(req.body.secret),
        });
        await recordAudit(tx, req.actor, {
          action: 'connector.created',
          subjectType: 'connector',
          subjectId: created.id,
          details: { kind: created.kind },
        });
        return created;
      });
      return reply.status(201).send(present(row));
    },
  );

  app.patch(
    '/api/v1/connectors/:id',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['connectors'],
        summary: 'Rename, enable/disable, change settings; send `secret` only to replace it.',
        params: Id,
        body: z
          .strictObject({
            name: z.string().trim().min(1).max(100).optional(),
            enabled: z.boolean().optional(),
            settings: z.record(z.string(), z.string()).optional(),
            secret: Secret.optional(),
          })
          .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change.' }),
        response: { 200: Connector },
      },
    },
    async (req) => {
      const current = await repo.findConnector(app.db, req.params.id);
      if (!current) throw new NotFoundError('Connector');
      const { settings, ...rest } = req.body;
      const row = await app.db.transaction(async (tx) => {
        const updated = await repo.updateConnector(tx, current.id, {
          ...rest,
          ...(rest.secret ? { secret: sealSecret(rest.secret) } : {}),
          ...(settings ? { settings: validSettings(current.kind, settings) } : {}),
        });
        await recordAudit(tx, req.actor, {
          action: 'connector.updated',
          subjectType: 'connector',
          subjectId: current.id,
          details: { fields: Object.keys(req.body) },
        });
        return updated;
      });
      return present(row!);
    },
  );

  app.delete(
    '/api/v1/connectors/:id',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['connectors'],
        summary: 'Remove a connector.',
        params: Id,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const deleted = await app.db.transaction(async (tx) => {
        const removed = await repo.deleteConnector(tx, req.params.id);
        if (removed) {
          await recordAudit(tx, req.actor, {
            action: 'connector.deleted',
            subjectType: 'connector',
            subjectId: req.params.id,
          });
        }
        return removed;
      });
      if (!deleted) throw new NotFoundError('Connector');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/outbox',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['connectors'],
        summary:
          'Deliveries (e-mails and connector pushes): pending, delivered, dead letters, undeliverable.',
        querystring: z.strictObject({
          status: z.enum(OUTBOX_STATUSES).optional(),
          ticketId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(OutboxItem) }) },
      },
    },
    async (req) => {
      const items = await repo.listDeliveries(app.db, req.query);
      return { items: items.map(({ payload: _payload, ...rest }) => rest) };
    },
  );

  app.post(
    '/api/v1/outbox/:id/retry',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['connectors'],
        summary:
          'Queue a dead or undeliverable delivery again (same idempotency key), e.g. after fixing a connector.',
        params: Id,
        response: { 200: OutboxItem },
      },
    },
    async (req) => {
      const row = await repo.findDelivery(app.db, req.params.id);
      if (!row) throw new NotFoundError('Delivery');
      if (row.status === 'delivered' || row.status === 'pending') {
        throw new ConflictError(`This delivery is ${row.status}.`);
      }
      const updated = await repo.requeueDelivery(app.db, row.id);
      await recordAudit(app.db, req.actor, {
        action: 'outbox.retried',
        subjectType: 'outbox',
        subjectId: row.id,
      });
      const { payload: _payload, ...rest } = updated!;
      return rest;
    },
  );
};

export default outboxRoutes;
