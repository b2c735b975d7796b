/**
 * The engine's constants: field layout of the postings, BM25F and fusion weights, confidence
 * calibration and how deep each re-ranking stage looks. Measured choices: see NOTES.md.
 */
import type { EngineField, FusionWeights } from './types.ts';

export const FIELDS: EngineField[] = ['title', 'shortAnswer', 'body', 'formulations', 'tags'];
export const NF = FIELDS.length;
export const TF_BITS = 6;
export const TF_MAX = (1 << TF_BITS) - 1;

export const DEFAULT_FIELD_WEIGHTS: Record<EngineField, number> = {
  title: 2.5,
  shortAnswer: 1.2,
  body: 0.6,
  formulations: 1.5,
  tags: 1.5,
};
/** BM25 constants (mutable only for development sweeps). */
export const TUNING = {
  fieldB: [0.5, 0.6, 0.75, 0.75, 0.3],
  k1: 2.5,
  charK1: 1.2,
  charB: 0.75,
  /** Query weight of stop words (they are indexed in titles and formulations only). */
  stopWeight: 0.5,
  /** Stop words in the character n-gram profiles. */
  stopGrams: true,
  /** Stop words in more than this share of documents are ignored when the query has content words. */
  stopMaxDf: 0.8,
  /** Query weight of adjacent-term pairs (indexed in titles and formulations). */
  bigramWeight: 0.3,
  /** Terms in more than max(commonMin, commonDf × N) answers never create candidates on their own. */
  commonDf: 0.02,
  commonMin: 2000,
  /** Query weight of typo corrections (distance 1; ×0.75 at distance 2). */
  typoWeight: 0.8,
  typoSameFirst: true,
};

export const DEFAULT_FUSION: FusionWeights = {
  bm25: 0.55,
  knnWord: 0,
  charDoc: 0.15,
  classifier: 0.15,
  prior: 0.02,
};

/** Logistic calibration of the confidence: features → P(top candidate is right). See NOTES.md. */
export const CALIBRATION = { bias: -2.43, top: 1.0, margin: 15.2, coverage: 1.73 };
export const DEFAULT_ABSTAIN_THRESHOLD = 0.42;

export const GRAM_BITS = 20;
export const GRAM_MASK = (1 << GRAM_BITS) - 1;
/** Documents re-ranked with answer-level character n-grams, and with formulation-level signals. */
export const RERANK = 50;
/** Postings shorter than this are scanned without checking whether they can still matter. */
export const PRUNE_MIN_DF = 512;
/** `visOf` value of a removed slot. */
export const DEAD = 3;
export const FINE = 10;
