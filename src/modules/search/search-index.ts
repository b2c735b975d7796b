import type { FastifyBaseLogger } from 'fastify';
import { createEngine, createSemanticLayer, type SemanticLayer } from '../../engine/index.ts';
import type {
  EmbeddingProvider,
  Engine,
  EngineDocument,
  MatchOptions,
  MatchResult,
  SynonymRule,
} from '../../engine/types.ts';

/** Where the index reads answers from: the knowledge base's published content. */
export interface DocumentSource {
  /** Indexable documents; with `ids`, only those still indexable among them. */
  load(ids?: string[]): Promise<EngineDocument[]>;
}

export interface IndexStats {
  documents: number;
  buildMs: number;
  heapDeltaBytes: number;
  builtAt: string | null;
  semantic: string | null;
}

/**
 * The engine's lifecycle inside a Relais node: full build at start, incremental refresh when
 * content changes (announced through the database, so every node converges), atomic swap on rebuild.
 * Refreshes run one at a time, in arrival order.
 */
export class SearchIndex {
  private engine: Engine = createEngine();
  private semantic: SemanticLayer | undefined;
  private synonyms: SynonymRule[] = [];
  private queue: Promise<void> = Promise.resolve();
  ready = false;
  stats: IndexStats = { documents: 0, buildMs: 0, heapDeltaBytes: 0, builtAt: null, semantic: null };

  constructor(
    private readonly source: DocumentSource,
    private readonly log: FastifyBaseLogger,
    embeddings?: EmbeddingProvider,
  ) {
    if (embeddings) this.semantic = createSemanticLayer(embeddings);
  }

  /** Builds a fresh engine from the whole source and swaps it in. */
  rebuild(): Promise<void> {
    return this.enqueue(async () => {
      const started = performance.now();
      const heapBefore = process.memoryUsage().heapUsed;
      const docs = await this.source.load();
      const engine = createEngine();
      engine.setSynonyms(this.synonyms);
      engine.upsert(docs);
      if (this.semantic) {
        this.semantic = createSemanticLayer(this.semantic.provider);
        await this.semantic.indexVectors(docs).catch((err: Error) => {
          this.log.warn({ err: err.message }, 'semantic layer unavailable: lexical ranking only');
        });
      }
      this.engine = engine;
      this.ready = true;
      this.stats = {
        documents: engine.size,
        buildMs: Math.round(performance.now() - started),
        heapDeltaBytes: Math.max(0, process.memoryUsage().heapUsed - heapBefore),
        builtAt: new Date().toISOString(),
        semantic: this.semantic?.provider.name ?? null,
      };
      this.log.info({ search: this.stats }, 'search index built');
    });
  }

  /** Re-reads these answers from the source: updated, added, or removed when no longer indexable. */
  refresh(ids: string[]): Promise<void> {
    return this.enqueue(async () => {
      const docs = await this.source.load(ids);
      const present = new Set(docs.map((d) => d.id));
      this.engine.remove(ids.filter((id) => !present.has(id)));
      this.engine.upsert(docs);
      this.semantic?.remove(ids);
      if (this.semantic) await this.semantic.indexVectors(docs).catch(() => {});
      this.stats = { ...this.stats, documents: this.engine.size };
    });
  }

  setSynonyms(rules: SynonymRule[]): Promise<void> {
    return this.enqueue(async () => {
      this.synonyms = rules;
      this.engine.setSynonyms(rules);
    });
  }

  async match(query: string, options: MatchOptions): Promise<MatchResult> {
    const result = this.engine.match(query, options);
    if (!this.semantic || result.candidates.length === 0 || options.prefix) return result;
    return this.semantic.rerank(query, result).catch(() => result);
  }

  /** Resolves when every refresh queued so far has been applied. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Bumped each time a change has been applied: what was computed from an older index is stale. */
  get generation(): number {
    return this.#generation;
  }
  #generation = 0;

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task).then(() => {
      this.#generation++;
    });
    this.queue = run.catch((err: Error) => {
      this.log.error({ err }, 'search index update failed');
    });
    return run;
  }
}
