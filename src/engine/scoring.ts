/**
 * Ranking a locale's answers for a query: BM25F over the inverted index with MaxScore pruning, then
 * answer-level character n-grams on the best `RERANK`, the priors, the classifier (classifier.ts),
 * and formulation-level cosines on the best `FINE`, fused by the weights given.
 */
import { classify } from './classifier.ts';
import type { LocaleIndex } from './locale-index.ts';
import { gallop, type QueryTerm, type Term } from './postings.ts';
import { DEAD, FINE, NF, PRUNE_MIN_DF, RERANK, TF_BITS, TF_MAX, TUNING } from './tuning.ts';
import type { FusionWeights } from './types.ts';

/** 1 + ln(tf) for small term frequencies. */
const LOG_TF = Float64Array.from({ length: 256 }, (_, i) => (i > 0 ? 1 + Math.log(i) : 0));

/** Value of the k-th largest of the first n entries of `a` (reorders `a`). Quickselect. */
function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}

export interface ScoredDoc {
  slot: number;
  bm25: number;
  knnWord: number;
  charDoc: number;
  /** Best matching formulation: index in `formulations`, -1 title, -2 none. */
  bestSource: number;
  score: number;
}

/**
 * Scores allowed documents for the weighted query terms. Returns the best candidates sorted by
 * fused score: BM25F over the inverted index for all documents, then character n-gram signals on
 * the best `RERANK` only, then formulation-level signals on the best `FINE` only.
 */
export function scoreAnswers(
  idx: LocaleIndex,
  qterms: QueryTerm[],
  queryGrams: Map<number, number>,
  /** Whether a live, non-public slot may be returned (public ones always may). */
  allowed: (slot: number) => boolean,
  fieldWeights: number[],
  fusion: FusionWeights,
  limit = FINE,
): ScoredDoc[] {
  const { acc, state, sel } = idx.getScratch();
  const touched: number[] = [];
  const N = Math.max(1, idx.docCount);
  // Per-field constants: w_f / (1 - b) and w_f * b / avg_f, so the inner loop is one division.
  const cA = new Float64Array(NF);
  const cB = new Float64Array(NF);
  for (let f = 0; f < NF; f++) {
    const b = TUNING.fieldB[f]!;
    const avg = Math.max(1, idx.fieldLenSum[f]! / N);
    cA[f] = 1 - b;
    cB[f] = b / avg;
  }
  const k1 = TUNING.k1;
  let maxBm25 = 0;
  const hasContent = qterms.some((q) => !q.stop);
  // At scale, frequent terms only add to documents found through rarer ones (bounded candidates).
  const common = Math.max(TUNING.commonMin, TUNING.commonDf * N);
  const hasRare = qterms.some((q) => !q.stop && q.term.df > 0 && q.term.df <= common);
  const ordered = [...qterms].sort((a, b) => Number(a.stop) - Number(b.stop) || a.term.df - b.term.df);
  // Which terms are scored, their weights, and (MaxScore) what the remaining ones can still add.
  const m = ordered.length;
  const wis = new Float64Array(m);
  const bound = new Float64Array(m + 1);
  for (let i = m - 1; i >= 0; i--) {
    const { term, weight, stop } = ordered[i]!;
    // Very frequent stop words carry almost no evidence but cost a full posting scan.
    const skip = term.df <= 0 || (stop && hasContent && term.df > TUNING.stopMaxDf * N && N > 50);
    wis[i] = skip ? 0 : weight * Math.log(1 + (N - term.df + 0.5) / (term.df + 0.5));
    bound[i] = bound[i + 1]! + wis[i]!;
  }
  const vis = idx.visOf;
  let allowedCount = 0;
  // Once no untouched document can reach the best RERANK, later terms only add to touched ones,
  // and the touched set is frozen (sorted once, so long postings are galloped instead of scanned).
  let onlyTouched = false;
  let frozen: Int32Array | null = null;
  for (let qi = 0; qi < m; qi++) {
    const { term, stop } = ordered[qi]!;
    const wi = wis[qi]!;
    if (wi === 0) continue;
    idx.compact(term);
    maxBm25 += wi;
    if (!onlyTouched) {
      onlyTouched = (stop && hasContent) || (hasRare && term.df > common);
      if (!onlyTouched && term.df >= PRUNE_MIN_DF && allowedCount >= RERANK) {
        let k = 0;
        for (const slot of touched) if (state[slot] === 1) sel[k++] = acc[slot]!;
        onlyTouched = bound[qi]! <= kthLargest(sel, k, RERANK);
      }
    }
    const d = term.docs;
    const dn = term.n;
    if (onlyTouched && !frozen) {
      // Documents that cannot reach the current RERANK-th score even with every remaining term
      // are dropped (exact: scores only grow), which leaves few to finish.
      let k = 0;
      for (const slot of touched) if (state[slot] === 1) sel[k++] = acc[slot]!;
      const theta = k > RERANK ? kthLargest(sel, k, RERANK) : Number.NEGATIVE_INFINITY;
      const rest = bound[qi]!;
      const keep: number[] = [];
      for (const slot of touched) {
        if (state[slot] !== 1) continue;
        if (acc[slot]! + rest >= theta) keep.push(slot);
        else state[slot] = 2;
      }
      frozen = Int32Array.from(keep).sort();
    }
    if (frozen && frozen.length * 8 < dn) {
      // Few touched documents, long postings: find each touched document by exponential search.
      let at = 0;
      const pairs = dn >> 1;
      for (const slot of frozen) {
        at = gallop(d, pairs, slot, at, 2);
        if (at >= pairs) break;
        if (d[at * 2] === slot)
          acc[slot]! += wi * saturated(idx, d[at * 2 + 1]!, slot, fieldWeights, cA, cB, k1);
      }
      continue;
    }
    for (let i = 0; i < dn; i += 2) {
      const slot = d[i]!;
      let st = state[slot]!;
      if (st === 0) {
        if (onlyTouched) continue;
        const v = vis[slot]!;
        st = v !== DEAD && (v === 0 || allowed(slot)) ? 1 : 2;
        if (st === 1) allowedCount++;
        state[slot] = st;
        touched.push(slot);
      }
      if (st !== 1) continue;
      acc[slot]! += wi * saturated(idx, d[i + 1]!, slot, fieldWeights, cA, cB, k1);
    }
  }
  // Keep the best RERANK allowed documents by BM25F (quickselect threshold, no full sort).
  let n = 0;
  for (const slot of touched) {
    if (state[slot] === 1) {
      touched[n++] = slot;
      sel[n - 1] = acc[slot]!;
    } else acc[slot] = 0; // not allowed, or dropped by the bound above
    state[slot] = 0;
  }
  touched.length = n;
  const cut = n > RERANK ? kthLargest(sel, n, RERANK) : -Infinity;
  const cands: ScoredDoc[] = [];
  for (const slot of touched) {
    const v = acc[slot]!;
    acc[slot] = 0;
    if (v < cut || cands.length >= RERANK * 2) continue;
    const bm = maxBm25 > 0 ? v / maxBm25 : 0;
    cands.push({
      slot,
      bm25: bm,
      knnWord: 0,
      charDoc: 0,
      bestSource: -2,
      score: fusion.bm25 * bm,
    });
  }
  const qk = Int32Array.from(queryGrams.keys()).sort();
  if (fusion.charDoc > 0 && qk.length > 0) {
    // Answer-level BM25 over character n-grams.
    const qd = new Float64Array(qk.length);
    let qdMax = 0;
    for (let i = 0; i < qk.length; i++) {
      const df = idx.docGramDf[qk[i]!]!;
      const w = df > 0 ? Math.log(1 + (N - df + 0.5) / (df + 0.5)) : 0;
      qd[i] = w;
      qdMax += w;
    }
    const avgGram = Math.max(1, idx.docGramLenSum / N);
    const ck1 = TUNING.charK1;
    const cb = TUNING.charB;
    if (qdMax > 0) {
      for (const c of cands) {
        const e = idx.slots[c.slot]!;
        const g = e.grams;
        const gt = e.gramTf;
        const lnorm = ck1 * (1 - cb + (cb * e.gramLen) / avgGram);
        let sum = 0;
        let j = 0;
        for (let i = 0; i < qk.length && j < g.length; i++) {
          const a = qk[i]!;
          j = gallop(g, g.length, a, j);
          if (j < g.length && g[j] === a) {
            const tf = gt[j]!;
            sum += (qd[i]! * tf) / (tf + lnorm);
          }
        }
        c.charDoc = sum / qdMax;
        c.score += fusion.charDoc * c.charDoc;
      }
    }
  }
  for (const c of cands) c.score += fusion.prior * idx.slots[c.slot]!.prior;
  if (fusion.classifier > 0 && idx.trained) {
    const p = classify(
      idx,
      qterms,
      cands.map((c) => c.slot),
    );
    for (let i = 0; i < cands.length; i++) cands[i]!.score += fusion.classifier * p[i]!;
  }
  cands.sort((a, b) => b.score - a.score);
  // Formulation level (nearest neighbour) on the best few, from the term ids stored per
  // formulation: word TF-IDF cosines, answer-level document frequencies. Without a formulation-level
  // weight this only explains (the best matching formulation): the returned candidates suffice.
  const fine = Math.min(cands.length, fusion.knnWord > 0 ? Math.max(FINE, limit) : limit);
  if (fine > 0) {
    const qw = new Map<Term, number>();
    let qwn = 0;
    for (const { term, weight } of qterms) {
      const w = weight * Math.log(1 + N / Math.max(1, term.df));
      qw.set(term, w);
      qwn += w * w;
    }
    qwn = Math.sqrt(qwn) || 1;
    for (let r = 0; r < fine; r++) {
      const c = cands[r]!;
      const u = idx.slots[c.slot]!.units;
      let bestW = -1;
      for (let p = 0; p < u.length; ) {
        const source = u[p]!;
        const end = p + 2 + u[p + 1]!;
        let wd = 0;
        let wn = 0;
        for (let i = p + 2; i < end; i++) {
          const id = u[i]!;
          let seen = false;
          for (let j = p + 2; j < i && !seen; j++) seen = u[j] === id;
          if (seen) continue;
          let tf = 1;
          for (let j = i + 1; j < end; j++) if (u[j] === id) tf++;
          const term = idx.termById[id];
          const w = LOG_TF[Math.min(255, tf)]! * Math.log(1 + N / Math.max(1, term?.df ?? 1));
          wn += w * w;
          const q = term && qw.get(term);
          if (q !== undefined) wd += q * w;
        }
        const wc = wn > 0 ? wd / (qwn * Math.sqrt(wn)) : 0;
        if (wc > bestW) {
          bestW = wc;
          c.bestSource = source;
        }
        p = end;
      }
      c.knnWord = Math.max(0, bestW);
      c.score += fusion.knnWord * c.knnWord;
    }
    // Only the first `fine` scores changed, and only upwards: re-sort that head.
    const head = cands.slice(0, fine).sort((a, b) => b.score - a.score);
    for (let r = 0; r < fine; r++) cands[r] = head[r]!;
  }
  return cands;
}

/** BM25F term saturation tf'/(k1 + tf') of one posting (packed per-field term frequencies). */
function saturated(
  idx: LocaleIndex,
  packed: number,
  slot: number,
  fieldWeights: number[],
  cA: Float64Array,
  cB: Float64Array,
  k1: number,
): number {
  const lens = idx.fieldLens;
  let tfw = 0;
  for (let f = 0; packed !== 0; f++, packed >>>= TF_BITS) {
    const tf = packed & TF_MAX;
    if (tf === 0) continue;
    tfw += (fieldWeights[f]! * tf) / (cA[f]! + cB[f]! * lens[f]![slot]!);
  }
  return tfw / (k1 + tfw);
}
