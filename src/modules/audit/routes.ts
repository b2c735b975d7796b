import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from './service.ts';

const AuditEntry = z.object({
  id: z.number().int(),
  at: z.date(),
  actorType: z.enum(['user', 'api_key', 'customer', 'system']),
  actorId: z.string().nullable(),
  action: z.string().describe('`noun.past_verb`, e.g. `user.created`.'),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/audit-log',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Staff writes, newest first (keyset pagination with `before`).',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.coerce.number().int().positive().optional().describe('Return entries with a smaller id.'),
          subjectType: z.string().max(64).optional(),
          action: z.string().max(64).optional(),
        }),
        response: { 200: z.object({ items: z.array(AuditEntry) }) },
      },
    },
    async (req) => ({ items: await listAudit(app.db, req.query) }),
  );
};

export default auditRoutes;
