import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type EventInput, recordEvents } from './service.ts';

const FLUSH_MS = 1_000;
const FLUSH_AT = 500;
/** Kept for a retry when the database refuses a batch; beyond it, the oldest are dropped. */
const MAX_PENDING = 50_000;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Analytics events of hot read paths (searches, article views), written in batches: the request
     * never waits for them. Events that belong to a write's transaction still use `recordEvent`.
     */
    eventBuffer: { record(input: EventInput): void; flush(): Promise<void> };
  }
}

/**
 * Buffers events in memory and writes them in one insert every second (or at 500), stamped with the
 * time they happened. Analytics reads on this node flush first, so they see its own events at once;
 * a crash loses at most the last second.
 */
export default fp(
  async (app: FastifyInstance) => {
    let pending: EventInput[] = [];
    let writing: Promise<void> = Promise.resolve();
    const write = async (batch: EventInput[]) => {
      try {
        await recordEvents(app.db, batch);
      } catch (err) {
        app.log.warn({ err, events: batch.length }, 'could not record analytics events, retrying');
        pending = [...batch, ...pending].slice(-MAX_PENDING);
      }
    };
    const flush = () => {
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        writing = writing.then(() => write(batch));
      }
      return writing;
    };
    const timer = setInterval(() => void flush(), FLUSH_MS);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await flush();
    });
    app.decorate('eventBuffer', {
      record(input: EventInput) {
        pending.push({ ...input, at: input.at ?? new Date() });
        if (pending.length >= FLUSH_AT) void flush();
      },
      flush,
    });
  },
  { name: 'relais-event-buffer', dependencies: ['relais-db'] },
);
