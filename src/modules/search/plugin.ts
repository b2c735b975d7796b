import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { EmbeddingProvider } from '../../engine/types.ts';
import { CONTENT_CHANNEL } from './changes.ts';
import { type DocumentSource, SearchIndex } from './search-index.ts';
import { listSynonyms, SYNONYMS_CHANNEL } from './synonyms.ts';

/** What the search routes show of a matched answer; read from the knowledge base. */
export interface AnswerCard {
  id: string;
  locale: string;
  title: string;
  shortAnswer: string;
  url: string;
}

export interface SearchSource extends DocumentSource {
  /** Cards for these ids that `audience` may see, in any order; others are simply absent. */
  cards(ids: string[], audience: 'public' | 'internal'): Promise<AnswerCard[]>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The matching engine of this node, kept in sync with the knowledge base. */
    searchIndex: SearchIndex;
    searchSource: SearchSource;
  }
}

export interface SearchPluginOptions {
  source: SearchSource;
  embeddings?: EmbeddingProvider | undefined;
}

/** Builds the index when the app is ready and keeps it in sync through database notifications. */
export default fp(
  async (app: FastifyInstance, opts: SearchPluginOptions) => {
    const index = new SearchIndex(opts.source, app.log, opts.embeddings);
    app.decorate('searchIndex', index);
    app.decorate('searchSource', opts.source);
    app.readiness.set('search', async () => (index.ready ? null : 'search index not built yet'));
    const unlisten: Array<() => Promise<void>> = [];

    app.addHook('onReady', async () => {
      unlisten.push(
        await app.database.listen(CONTENT_CHANNEL, (payload) => {
          const change = parseChange(payload);
          void (change === 'all' ? index.rebuild() : index.refresh(change));
        }),
        await app.database.listen(SYNONYMS_CHANNEL, () => {
          void listSynonyms(app.db).then((rules) => index.setSynonyms(rules));
        }),
      );
      await index.setSynonyms(await listSynonyms(app.db));
      await index.rebuild();
    });

    app.addHook('onClose', async () => {
      await Promise.all(unlisten.map((stop) => stop().catch(() => {})));
    });
  },
  { name: 'relais-search', dependencies: ['relais-db', 'relais-health'] },
);

function parseChange(payload: string): 'all' | string[] {
  try {
    const body = JSON.parse(payload) as { all?: boolean; ids?: unknown };
    if (body.all) return 'all';
    return Array.isArray(body.ids) ? body.ids.filter((x): x is string => typeof x === 'string') : 'all';
  } catch {
    return 'all';
  }
}
