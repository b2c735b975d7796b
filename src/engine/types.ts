/**
 * The matching engine's public contract. Every surface (help-centre search, search-as-you-type,
 * bot, widget, agents' search, the eval CLI) talks to the engine through these types only.
 * The engine is pure: no I/O, no imports from the rest of Relais.
 */

export type Locale = string; // 'fr' | 'en' | … — adding a locale is configuration
export type Visibility = 'public' | 'internal' | 'segment';

/** One answer as the engine indexes it (a published article in one locale). */
export interface EngineDocument {
  /** Stable id of the answer in this locale (article id, or the label in the eval CLI). */
  id: string;
  locale: Locale;
  title: string;
  shortAnswer?: string;
  body?: string;
  /** Ways customers ask the question: the supervised examples. */
  formulations: string[];
  tags?: string[];
  visibility: Visibility;
  /** For visibility 'segment': the visitor must hold at least one, e.g. 'plan=pro', 'product=fibre'. */
  segments?: string[];
  /** Small priors in [0, 1]; absent means neutral. */
  popularity?: number;
  helpfulness?: number;
}

/** Who is asking: filters are applied inside the engine so restricted content never ranks. */
export interface MatchFilters {
  /** Unknown → detected from the query among the indexed locales. */
  locale?: Locale;
  /** 'public' (default) sees public answers, plus 'segment' answers whose segment the visitor holds;
   *  'internal' (staff) sees everything. */
  audience?: 'public' | 'internal';
  segments?: string[];
}

export interface MatchOptions extends MatchFilters {
  /** Maximum number of candidates (default 5). */
  limit?: number;
  /** As-you-type: the last token is treated as a prefix. */
  prefix?: boolean;
}

export interface Highlight {
  field: 'title' | 'shortAnswer' | 'body' | 'formulation' | 'tags';
  /** The matched text fragment with matches wrapped in «…» markers left to the presenter. */
  text: string;
  /** Character ranges of matched terms inside `text`. */
  ranges: Array<[start: number, end: number]>;
}

export interface Candidate {
  id: string;
  /** Raw fused score, comparable only within one result list. */
  score: number;
  /** Calibrated probability that this candidate is the right answer, in [0, 1]. */
  confidence: number;
  /** Query terms (analyzed) that matched, and the best-matching formulation if any: the "why". */
  matchedTerms: string[];
  matchedFormulation?: string;
  highlights: Highlight[];
}

export interface MatchResult {
  /** Locale used (given or detected). */
  locale: Locale;
  candidates: Candidate[];
  /** Confidence of the first candidate (0 when none). */
  confidence: number;
  /** True when the engine is not sure enough to answer: surfaces offer to rephrase or reach a human. */
  abstain: boolean;
  /** Analyzed query terms, after synonyms: useful for the playground. */
  terms: string[];
}

/** Editors' synonyms per locale: 'mdp' → 'mot de passe' (one-way) or 'box' ↔ 'modem' (two-way). */
export interface SynonymRule {
  locale: Locale;
  terms: string[];
  /** One-way: `terms[0]` is rewritten to the others; two-way: all equivalent. */
  oneWay?: boolean;
}

export type EngineField = 'title' | 'shortAnswer' | 'body' | 'formulations' | 'tags';

/** Tuning knobs; every field is optional and the defaults are calibrated on development data. */
export interface EngineOptions {
  /** `abstain` is true when the top confidence is below this (default calibrated, see NOTES.md). */
  abstainThreshold?: number;
  /** BM25F weights per field. */
  fieldWeights?: Partial<Record<EngineField, number>>;
  /** Typo tolerance on query words unknown to the index (default true). */
  typos?: boolean;
  /** Locale used when it is neither given nor detectable (default: first indexed locale). */
  defaultLocale?: Locale;
  /** Weights of the fused signals (advanced; for evaluation and tuning). */
  fusion?: Partial<FusionWeights>;
}

export interface FusionWeights {
  /** BM25F over the answer's fields, normalised to [0, 1]. */
  bm25: number;
  /** Best cosine between the query and one formulation, TF-IDF over word stems. */
  knnWord: number;
  /** BM25 over the character n-grams of all the answer's formulations (answer-level profile). */
  charDoc: number;
  /** Probability from the classifier trained on the formulations (classifier.ts). */
  classifier: number;
  /** Popularity/helpfulness priors. */
  prior: number;
}

export interface Engine {
  /** Adds or replaces documents (incremental: only these are re-analysed). */
  upsert(docs: EngineDocument[]): void;
  remove(ids: string[]): void;
  setSynonyms(rules: SynonymRule[]): void;
  match(query: string, options?: MatchOptions): MatchResult;
  /** Number of indexed documents. */
  readonly size: number;
}

/** Optional semantic layer: texts → vectors. Implementations live outside the pure engine core. */
export interface EmbeddingProvider {
  readonly name: string;
  readonly dimensions?: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}
