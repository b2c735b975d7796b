/**
 * How sure the engine is: a logistic calibration of a candidate's fused score, its margin and the
 * share of known query words, times a content gate (the answer must hold the question's topical words).
 */
import { isNonTopicalTerm } from './analysis.ts';
import type { LocaleIndex } from './locale-index.ts';
import type { QueryTerm } from './postings.ts';
import { CALIBRATION } from './tuning.ts';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Share of the query's content words (stop words aside) that this answer actually contains: exact
 * terms count fully, typo corrections and prefix completions by their weight. Ranking signals are
 * relative, so on a question the help centre does not cover, some answer always scores best on a
 * stray "quel" or a typo-corrected "météo" → "métro"; this is what tells it apart.
 */
export function contentSupport(idx: LocaleIndex, slot: number, qterms: QueryTerm[], content: number): number {
  if (content === 0) return 1; // a question made only of stop words: nothing to check against
  let matched = 0;
  // Squared weights: a typo correction (0.8) or a prefix completion (0.7) is weaker evidence.
  for (const q of qterms) {
    if (q.stop || isNonTopicalTerm(q.term.text, idx.locale) || !idx.contains(q.term, slot)) continue;
    matched += Math.min(1, q.weight) ** 2;
  }
  return Math.min(1, matched / content);
}

/**
 * Answers backed by at least a third of the question's content words keep their confidence; below, it
 * falls quadratically. Measured with src/engine/dev/curve.ts at equal coverage: on CLINC150 val,
 * out-of-scope recall 0.71 → 0.73 at coverage 0.8 (0.82 → 0.85 at 0.7) for the same precision; on the
 * French demo set, better precision and out-of-scope recall at every coverage. Thresholds 0.25 and 0.5
 * were worse (0.25 gains little; 0.5 costs in-scope precision).
 */
export function supportFactor(support: number): number {
  return Math.min(1, support / SUPPORT_FULL) ** 2;
}
const SUPPORT_FULL = 0.34;

/** Calibrated probability that a candidate is right, from its fused score, its margin over the best
 *  other candidate and the share of query words known to the index. */
export function calibrate(score: number, margin: number, coverage: number): number {
  const c = CALIBRATION;
  return sigmoid(c.bias + c.top * score + c.margin * margin + c.coverage * coverage);
}
