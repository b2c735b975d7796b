import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS } from '../../server/access.ts';
import { type ApiKeyRow, createApiKey, listApiKeys, revokeApiKey } from './service.ts';

const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('Start of the key, to recognise it.'),
  scopes: z.array(z.enum(PERMISSIONS)),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

const present = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: `rls_${k.prefix}`,
  scopes: k.scopes as Array<(typeof PERMISSIONS)[number]>,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/api-keys',
    {
      config: { access: 'api_keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'API keys (secrets are never shown again).',
        response: { 200: z.object({ items: z.array(ApiKey) }) },
      },
    },
    async () => ({ items: (await listApiKeys(app.db)).map(present) }),
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { access: 'api_keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create a key with scopes; the secret is in this response only.',
        body: z.strictObject({
          name: z.string().trim().min(1).max(120),
          scopes: z.array(z.enum(PERMISSIONS)).min(1).describe('Permissions granted to the key.'),
        }),
        response: { 201: ApiKey.extend({ key: z.string().describe('Shown once: store it now.') }) },
      },
    },
    async (req, reply) => {
      const { row, key } = await createApiKey(app.db, req.actor, req.body);
      return reply.status(201).send({ ...present(row), key });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { access: 'api_keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke a key.',
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: ApiKey },
      },
    },
    async (req) => present(await revokeApiKey(app.db, req.actor, req.params.id)),
  );
};

export default apiKeyRoutes;
