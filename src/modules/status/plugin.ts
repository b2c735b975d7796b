import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { announceStatusChange } from './changes.ts';
import { runMaintenance } from './service.ts';

const TICK_MS = 30_000;

/**
 * Starts and completes maintenance windows on time, on every node (rows are claimed with SKIP LOCKED).
 * `clock` is injectable so tests run the job at any instant through `app.statusJobs.tick(now)`.
 */
export default fp(
  async (app: FastifyInstance, opts: { clock?: () => Date }) => {
    const clock = opts.clock ?? (() => new Date());
    // Fast paths (issue 24): a window that starts or ends drops this node's cached banners.
    const tick = (now = clock()) => runMaintenance(app.db, now).finally(announceStatusChange);
    app.decorate('statusJobs', { tick });
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        tick().catch((err) => app.log.warn({ err, job: 'status-maintenance' }, 'status job failed'));
      }, TICK_MS).unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'relais-status-jobs', dependencies: ['relais-db'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    statusJobs: { tick: (now?: Date) => ReturnType<typeof runMaintenance> };
  }
}
