import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * Nuvia's "line test", played by Relais itself for the demo guided flows (RELAIS_DEMO=on): what a
 * company endpoint called by a flow action looks like. Deterministic: a line number ending in 0 has a
 * fault, anything else is in sync; the label comes in the flow's language.
 */
export default async function demoLineTest(app: FastifyInstance) {
  app.post(
    '/demo/api/line-test',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        hide: true,
        body: z.strictObject({ line: z.string().max(40), locale: z.enum(['fr', 'en']).default('fr') }),
      },
    },
    async (req) => {
      const { line, locale } = req.body as { line: string; locale: 'fr' | 'en' };
      const fault = line.trim().endsWith('0');
      const fr = locale === 'fr';
      return fault
        ? { status: 'fault', fault: true, syncDown: 0, label: fr ? 'coupure détectée' : 'outage detected' }
        : { status: 'ok', fault: false, syncDown: 312, label: fr ? 'ligne synchronisée' : 'line in sync' };
    },
  );
}
