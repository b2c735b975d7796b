import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

declare module 'fastify' {
  interface FastifyInstance {
    /** Named readiness checks: each resolves to null when ready, or a reason. Modules add theirs. */
    readiness: Map<string, () => Promise<string | null>>;
  }
}

const Health = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.string()).optional(),
});

export default fp(
  async (app: FastifyInstance) => {
    app.decorate('readiness', new Map());

    app.get(
      '/healthz',
      { config: { access: 'public' }, schema: { hide: true, response: { 200: Health } }, logLevel: 'warn' },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        config: { access: 'public' },
        schema: { hide: true, response: { 200: Health, 503: Health } },
        logLevel: 'warn',
      },
      async (_req, reply) => {
        const checks: Record<string, string> = {};
        let ready = true;
        for (const [name, check] of app.readiness) {
          const problem = await check().catch((err: Error) => err.message);
          checks[name] = problem ?? 'ok';
          if (problem) ready = false;
        }
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
      },
    );
  },
  { name: 'relais-health' },
);
