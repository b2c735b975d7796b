import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { addViews } from './service.ts';

const FLUSH_MS = 10_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts article views from every surface (help centre, widget) without a write per view. */
    articleViews: { count(articleId: string): void };
  }
}

/**
 * Views are counted in memory and written in one statement every few seconds, so reading an article
 * never waits for a write (they feed the engine's popularity prior, not a live display). A crash loses
 * at most the last few seconds of counts.
 */
export default fp(
  async (app: FastifyInstance) => {
    let views = new Map<string, number>();
    const flush = async () => {
      if (!views.size) return;
      const batch = views;
      views = new Map();
      await addViews(app.db, batch).catch((err: Error) =>
        app.log.warn({ err }, 'could not record page views'),
      );
    };
    const timer = setInterval(() => void flush(), FLUSH_MS);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await flush();
    });
    app.decorate('articleViews', {
      count: (id: string) => {
        views.set(id, (views.get(id) ?? 0) + 1);
      },
    });
  },
  { name: 'relais-article-views', dependencies: ['relais-db'] },
);
