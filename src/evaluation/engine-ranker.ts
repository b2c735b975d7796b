/** The Relais engine behind the evaluation `Ranker` interface. */
import type { Engine, Locale } from '../engine/types.ts';
import type { EvalAnswer } from './dataset.ts';
import type { Ranker, RankResult } from './metrics.ts';

export type EngineFactory = () => Engine;

/** What the evaluation needs from the engine module (tests inject a toy one). */
export interface EngineModule {
  createEngine: EngineFactory;
  /** Locale detection, used to give each answer a locale in `--lang auto` mode. */
  detectLocale?: (text: string, candidates: Locale[]) => Locale;
}

/** Loads the engine module lazily, so `--help` and input errors never pay for it. */
export async function loadEngineModule(): Promise<EngineModule> {
  const engine = await import('../engine/index.ts');
  return { createEngine: () => engine.createEngine(), detectLocale: engine.detectLocale };
}

export interface EngineRankerOptions {
  /** Locale of every query; absent → detected per query by the engine. */
  locale?: Locale;
  name?: string;
}

/** Wraps a factory so every `index()` starts from a fresh engine. */
export function engineRanker(createEngine: EngineFactory, options: EngineRankerOptions = {}): Ranker {
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
