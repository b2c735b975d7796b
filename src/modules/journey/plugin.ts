import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { purgeExpiredJourneys } from './service.ts';

const PURGE_EVERY_MS = 3_600_000;

/** Journeys past retention (24 h after their last step) are purged every hour, on every node. */
export default fp(
  async (app: FastifyInstance) => {
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        purgeExpiredJourneys(app.db).catch((err) =>
          app.log.warn({ err, job: 'journey-purge' }, 'journey job failed'),
        );
      }, PURGE_EVERY_MS).unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'relais-journey-jobs', dependencies: ['relais-db'] },
);
