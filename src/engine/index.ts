/**
 * Relais matching engine: pure, in-memory, incremental. See NOTES.md for the measured design.
 */
import { MatchEngine } from './engine.ts';
import type { Engine, EngineOptions } from './types.ts';

export {
  analyze,
  detectLocale,
  fold,
  knownLocales,
  type LocaleConfig,
  normalize,
  registerLocale,
  stemWord,
  type Token,
  tokenize,
} from './analysis.ts';
export { damerau, maxEdits } from './fuzzy.ts';
export { cosine, createSemanticLayer, type SemanticLayer, type SemanticOptions } from './semantic.ts';
export { CALIBRATION, DEFAULT_ABSTAIN_THRESHOLD, DEFAULT_FIELD_WEIGHTS, DEFAULT_FUSION } from './tuning.ts';
export type * from './types.ts';

/** Creates an empty engine; feed it with `upsert`. */
export function createEngine(options?: EngineOptions): Engine {
  return new MatchEngine(options);
}
