/**
 * The formulations as supervised examples: a softmax classifier over answers, trained by SGD on every
 * formulation (and title) of a locale's answers. Its weights live beside the postings — one per
 * (term, answer containing it) — so it costs no lookup structure and learns which of an answer's words
 * tell it apart from the answers it is confused with. Retrained on the changed answers after each
 * update (whole retraining once a fifth of the answers changed); skipped above `CLASSIFIER.maxAnswers`.
 *
 * Measured (src/engine/dev/eval.ts, fusion weight 0.15): top-1 on BANKING77 dev 0.744 → 0.762, CLINC150
 * 0.758 → 0.768, demo FR formulations-only 0.562 → 0.575, FAQ FR 0.883 → 0.889; demo FR (paraphrases,
 * answers with bodies) 0.377 → 0.357. See NOTES.md.
 */
import type { PostingIndex, Term } from './postings.ts';

export const CLASSIFIER = {
  /** Locales with more answers than this rank lexically only (training grows with answers²). */
  maxAnswers: 1000,
  epochs: 15,
  /** Epochs over the changed answers' examples after an incremental update. */
  updateEpochs: 5,
  rate: 1,
  l2: 1e-4,
  /** Feature weight of stop words (content words 1). */
  stopWeight: 0.5,
  /** Terms in more answers than max(commonMin, commonShare × answers) are left to BM25 (cost). */
  commonMin: 200,
  commonShare: 0.05,
};

/** Whether the classifier uses a term as a feature (frequent terms cost O(answers) per example). */
export function isFeature(term: Term, answers: number): boolean {
  return term.df <= Math.max(CLASSIFIER.commonMin, CLASSIFIER.commonShare * answers);
}

interface Example {
  slot: number;
  terms: Term[];
  x: Float64Array;
}

/** Feature vector (unit length) of a term bag: content words 1, stop words lighter, repeats summed. */
function features(terms: Term[]): { terms: Term[]; x: Float64Array } {
  const weights = new Map<Term, number>();
  for (const t of terms) weights.set(t, (weights.get(t) ?? 0) + (t.stop ? CLASSIFIER.stopWeight : 1));
  let norm = 0;
  for (const v of weights.values()) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return { terms: [...weights.keys()], x: Float64Array.from(weights.values(), (v) => v / norm) };
}

function examplesOf(index: PostingIndex, slots: Iterable<number>): Example[] {
  const out: Example[] = [];
  for (const slot of slots) {
    const u = index.entry(slot)?.units;
    if (!u) continue;
    for (let p = 0; p < u.length; ) {
      const end = p + 2 + u[p + 1]!;
      const terms: Term[] = [];
      for (let i = p + 2; i < end; i++) {
        const t = index.termById[u[i]!];
        if (t && isFeature(t, index.docCount)) terms.push(t);
      }
      if (terms.length > 0) out.push({ slot, ...features(terms) });
      p = end;
    }
  }
  return out;
}

/** Trains on the examples of `slots` (all live answers when omitted, from zero weights). */
export function train(index: PostingIndex, slots?: number[]): void {
  const all = slots === undefined;
  const live = index.liveSlots();
  const examples = examplesOf(index, all ? live : slots);
  if (all) for (const t of index.terms.values()) t.w = null;
  const { acc, state } = index.getScratch();
  const touched: number[] = [];
  const classes = live.length;
  let seed = 17;
  const epochs = all ? CLASSIFIER.epochs : CLASSIFIER.updateEpochs;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = examples.length - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      const j = seed % (i + 1);
      const e = examples[i]!;
      examples[i] = examples[j]!;
      examples[j] = e;
    }
    const rate = CLASSIFIER.rate / (1 + epoch * 0.3);
    for (const { slot: y, terms, x } of examples) {
      // Scores of every answer sharing a feature; the others score 0.
      for (let f = 0; f < terms.length; f++) {
        const t = terms[f]!;
        if (!t.w) t.w = new Float32Array(t.docs.length >> 1);
        index.compact(t);
        const d = t.docs;
        const w = t.w;
        for (let i = 0; i < t.n; i += 2) {
          const slot = d[i]!;
          if (!index.isLive(slot)) continue;
          if (state[slot] === 0) {
            state[slot] = 1;
            touched.push(slot);
          }
          acc[slot]! += x[f]! * w[i >> 1]!;
        }
      }
      let max = 0;
      for (const slot of touched) if (acc[slot]! > max) max = acc[slot]!;
      let z = (classes - touched.length) * Math.exp(-max);
      for (const slot of touched) z += Math.exp(acc[slot]! - max);
      for (const slot of touched) acc[slot] = Math.exp(acc[slot]! - max) / z - (slot === y ? 1 : 0);
      for (let f = 0; f < terms.length; f++) {
        const t = terms[f]!;
        const d = t.docs;
        const w = t.w!;
        const xf = x[f]!;
        for (let i = 0; i < t.n; i += 2) {
          const slot = d[i]!;
          if (!index.isLive(slot)) continue;
          const k = i >> 1;
          w[k] = w[k]! - rate * (acc[slot]! * xf + CLASSIFIER.l2 * w[k]!);
        }
      }
      for (const slot of touched) {
        acc[slot] = 0;
        state[slot] = 0;
      }
      touched.length = 0;
    }
  }
}

/**
 * Classifier probabilities of the candidate slots for the query's weighted terms (softmax over all
 * answers, those outside `slots` counted as scoring 0).
 */
export function classify(
  index: PostingIndex,
  qterms: ReadonlyArray<{ term: Term; weight: number }>,
  slots: number[],
): Float64Array {
  const out = new Float64Array(slots.length);
  // Query weights already make stop words lighter (and typo corrections, completions).
  let norm = 0;
  const used = qterms.filter((q) => q.term.w && isFeature(q.term, index.docCount));
  for (const q of used) norm += q.weight ** 2;
  norm = Math.sqrt(norm);
  if (norm === 0) return out;
  for (const q of used) {
    const w = q.term.w!;
    const xv = q.weight / norm;
    for (let c = 0; c < slots.length; c++) {
      const at = index.postingOf(q.term, slots[c]!);
      if (at >= 0) out[c]! += xv * w[at]!;
    }
  }
  let max = 0;
  for (const v of out) if (v > max) max = v;
  let z = (index.docCount - slots.length) * Math.exp(-max);
  for (let c = 0; c < out.length; c++) {
    out[c] = Math.exp(out[c]! - max);
    z += out[c]!;
  }
  for (let c = 0; c < out.length; c++) out[c]! /= z;
  return out;
}
