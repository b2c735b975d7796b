import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * Nuvia's "line test", played by Relais itself for the demo guided flows (RELAIS_DEMO=on): what a
 * company endpoint called by a flow action looks like. Deterministic: a line number ending in 0 has a
 * fault, anything else is in sync.
 */
export default async function demoLineTest(app: FastifyInstance) {
  app.post(
    '/demo/api/line-test',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { hide: true, body: z.strictObject({ line: z.string().max(40) }) },
    },
    async (req) => {
      const { line } = req.body as { line: string };
      const fault = line.trim().endsWith('0');
      return fault
        ? { status: 'fault', fault: true, syncDown: 0, label: 'coupure détectée / outage detected' }
        : { status: 'ok', fault: false, syncDown: 312, label: 'ligne synchronisée / line in sync' };
    },
  );
}
