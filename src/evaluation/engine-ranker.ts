/** The Relais engine behind the evaluation `Ranker` interface. */
import type { Engine, Locale } from '../engine/types.ts';
import type { EvalAnswer } from './dataset.ts';
import type { Ranker, RankResult } from './metrics.ts';

export interface EngineRankerOptions {
  /** Locale of every query; absent → detected per query by the engine. */
  locale?: Locale;
  name?: string;
}

/** Wraps a factory so every `index()` starts from a fresh engine. */
export function engineRanker(createEngine: () => Engine, options: EngineRankerOptions = {}): Ranker {
  let engine: Engine | undefined;
  return {
    name: options.name ?? 'Relais',
    index(answers: EvalAnswer[]): void {
      engine = createEngine();
      engine.upsert(answers);
    },
    rank(query: string, k: number): RankResult {
      if (!engine) throw new Error('rank() called before index()');
      const result = engine.match(query, {
        limit: k,
        ...(options.locale ? { locale: options.locale } : {}),
      });
      return { ids: result.candidates.map((c) => c.id), abstain: result.abstain };
    },
  };
}
