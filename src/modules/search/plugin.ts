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
    app.decorate('searchSource', {
      load: (ids?: string[]) => opts.source.load(ids),
      cards: cachedCards(opts.source, () => index.generation),
    });
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

const MAX_CACHED_CARDS = 50_000;

/**
 * Result cards read once per content change, not per search: kept until the index applies a change
 * (its `generation`, bumped on every node by the change notifications), then read again. A card
 * absent for an audience (not visible to it) is remembered as absent too.
 */
export function cachedCards(source: Pick<SearchSource, 'cards'>, generation: () => number) {
  let cache = new Map<string, AnswerCard | null>();
  let cachedAt = generation();
  return async function cards(ids: string[], audience: 'public' | 'internal'): Promise<AnswerCard[]> {
    const current = generation();
    if (current !== cachedAt || cache.size > MAX_CACHED_CARDS) {
      cache = new Map();
      cachedAt = current;
    }
    const key = (id: string) => `${audience}|${id}`;
    const missing = ids.filter((id) => !cache.has(key(id)));
    if (missing.length > 0) {
      const read = await source.cards(missing, audience);
      // Read while a change was being applied: good for this answer, not for the next ones.
      if (generation() === cachedAt) {
        const byId = new Map(read.map((c) => [c.id, c]));
        for (const id of missing) cache.set(key(id), byId.get(id) ?? null);
      } else {
        return source.cards(ids, audience);
      }
    }
    return ids.flatMap((id) => cache.get(key(id)) ?? []);
  };
}
