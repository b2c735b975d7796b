import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendWeeklyDigest } from './digest.ts';
import { purgeExpiredEvents, refreshRollups } from './service.ts';

const REFRESH_EVERY_MS = 60_000;
const PURGE_EVERY_MS = 6 * 3_600_000;
const DIGEST_EVERY_MS = 3_600_000;
const DIGEST_FIRST_MS = 60_000;

/**
 * Background upkeep of analytics on every node: rollups move forward every minute (one node works,
 * the others skip on the advisory lock); events past retention are purged every 6 hours; the weekly
 * content digest is checked hourly (a minute after start, then every hour) and queued once per ISO week.
 */
export default fp(
  async (app: FastifyInstance) => {
    const timers: NodeJS.Timeout[] = [];
    const run = (what: string, job: () => Promise<unknown>) => () => {
      job().catch((err) => app.log.warn({ err, job: what }, 'analytics job failed'));
    };
    const digest = async () => {
      const r = await sendWeeklyDigest(app.db);
      // Owner ids only: addresses and names never reach the logs.
      if (r.status === 'sent')
        app.log.info({ week: r.week, ownerIds: r.ownerIds }, 'analytics: digest queued');
    };
    app.addHook('onReady', async () => {
      timers.push(
        setTimeout(run('digest', digest), DIGEST_FIRST_MS).unref(),
        setInterval(run('digest', digest), DIGEST_EVERY_MS).unref(),
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
      for (const t of timers) clearTimeout(t);
    });
  },
  { name: 'relais-analytics-jobs', dependencies: ['relais-db'] },
);
