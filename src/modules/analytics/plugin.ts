import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { purgeExpiredEvents, refreshRollups } from './service.ts';

const REFRESH_EVERY_MS = 60_000;
const PURGE_EVERY_MS = 6 * 3_600_000;

/**
 * Background upkeep of analytics on every node: rollups move forward every minute (one node works,
 * the others skip on the advisory lock); events past retention are purged every 6 hours.
 */
export default fp(
  async (app: FastifyInstance) => {
    const timers: NodeJS.Timeout[] = [];
    const run = (what: string, job: () => Promise<unknown>) => () => {
      job().catch((err) => app.log.warn({ err, job: what }, 'analytics job failed'));
    };
    app.addHook('onReady', async () => {
      timers.push(
        setInterval(
          run('rollup', () => refreshRollups(app.db)),
          REFRESH_EVERY_MS,
        ).unref(),
        setInterval(
          run('purge', () => purgeExpiredEvents(app.db)),
          PURGE_EVERY_MS,
        ).unref(),
      );
    });
    app.addHook('onClose', async () => {
      for (const t of timers) clearInterval(t);
    });
  },
  { name: 'relais-analytics-jobs', dependencies: ['relais-db'] },
);
