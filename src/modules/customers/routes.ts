/** Staff API of customer accounts: directory, profile, segments, merge (console: Customers). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Segment } from '../kb/schemas.ts';
import {
  OidcSettingsBody,
  OidcSettingsView,
  presentOidcSettings,
  readOidcSettings,
  writeOidcSettings,
} from './oidc.ts';
import {
  type CustomerRow,
  customerProfile,
  listCustomers,
  mergeCustomers,
  updateCustomerProfile,
} from './service.ts';

const Customer = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  emailVerified: z.boolean().describe('The customer proved they read this address.'),
  name: z.string().nullable(),
  locale: z.string().nullable(),
  externalId: z.string().nullable().describe('The company’s own id (signed widget identity, IdP subject).'),
  segments: z.array(z.string()).describe('Plan / product segments: which segment articles they may read.'),
  consents: z.record(z.string(), z.object({ granted: z.boolean(), at: z.string() })),
  createdAt: z.date(),
  lastSeenAt: z.date().nullable(),
});

const present = (c: CustomerRow) => ({
  id: c.id,
  email: c.email,
  emailVerified: c.emailVerifiedAt !== null,
  name: c.name,
  locale: c.locale,
  externalId: c.externalId,
  segments: c.segments,
  consents: c.consents,
  createdAt: c.createdAt,
  lastSeenAt: c.lastSeenAt,
});

const TicketHeadline = z.object({
  id: z.uuid(),
  reference: z.string(),
  subject: z.string(),
  status: z.string(),
  channel: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const Params = z.strictObject({ id: z.uuid() });

const customerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/customers',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['customers'],
        summary: 'Customer directory: search by e-mail, name or external id.',
        querystring: z.strictObject({
          q: z.string().trim().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ items: z.array(Customer), total: z.number() }) },
      },
    },
    async (req) => {
      const { items, total } = await listCustomers(app.db, req.query);
      return { items: items.map(present), total };
    },
  );

  app.get(
    '/api/v1/customers/:id',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['customers'],
        summary: 'A customer with every ticket of theirs.',
        params: Params,
        response: { 200: Customer.extend({ tickets: z.array(TicketHeadline) }) },
      },
    },
    async (req) => {
      const { customer, tickets } = await customerProfile(app.db, req.params.id);
      return { ...present(customer), tickets };
    },
  );

  app.patch(
    '/api/v1/customers/:id',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['customers'],
        summary: 'Change a customer’s name, locale or segments (audited).',
        params: Params,
        body: z.strictObject({
          name: z.string().trim().min(1).max(200).nullable().optional(),
          locale: z.enum(['fr', 'en', 'en-GB']).nullable().optional(),
          segments: z.array(Segment).max(50).optional(),
        }),
        response: { 200: Customer },
      },
    },
    async (req) => present(await updateCustomerProfile(app.db, req.actor, req.params.id, req.body)),
  );

  app.post(
    '/api/v1/customers/:id/merge',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['customers'],
        summary: 'Merge a duplicate (`sourceId`) into this customer; the duplicate is deleted (audited).',
        params: Params,
        body: z.strictObject({ sourceId: z.uuid().describe('The duplicate to merge into this customer.') }),
        response: { 200: Customer },
      },
    },
    async (req) => present(await mergeCustomers(app.db, req.actor, req.params.id, req.body.sourceId)),
  );

  // Customer single sign-on (OIDC): the client secret is write-only.
  app.get(
    '/api/v1/customer-auth/oidc',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['customers'],
        summary: 'Customer single sign-on settings (the client secret is never returned: `hasSecret`).',
        response: { 200: OidcSettingsView },
      },
    },
    async () => presentOidcSettings(await readOidcSettings(app.db), app.config.publicUrl),
  );

  app.put(
    '/api/v1/customer-auth/oidc',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['customers'],
        summary: 'Configure customer single sign-on with the company’s OpenID Connect provider (audited).',
        body: OidcSettingsBody,
        response: { 200: OidcSettingsView },
      },
    },
    async (req) =>
      presentOidcSettings(await writeOidcSettings(app.db, req.actor, req.body), app.config.publicUrl),
  );
};

export default customerRoutes;
