/**
 * The matching engine: per-locale inverted indexes, BM25F over answer fields (MaxScore pruning),
 * answer-level character n-grams, a classifier trained on the formulations (classifier.ts), score
 * fusion, calibrated confidence with a content gate; the best matching formulation explains a result.
 */
import {
  detectLocale,
  fold,
  isNonTopicalTerm,
  learnLocaleProfile,
  normalize,
  type Token,
  tokenize,
  withoutElision,
} from './analysis.ts';
import { CLASSIFIER, classify, train } from './classifier.ts';
import { maxEdits, Vocabulary } from './fuzzy.ts';
import type {
  Candidate,
  Engine,
  EngineDocument,
  EngineField,
  EngineOptions,
  FusionWeights,
  Highlight,
  Locale,
  MatchOptions,
  MatchResult,
  SynonymRule,
} from './types.ts';

const FIELDS: EngineField[] = ['title', 'shortAnswer', 'body', 'formulations', 'tags'];
const NF = FIELDS.length;
const TF_BITS = 6;
const TF_MAX = (1 << TF_BITS) - 1;

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

const GRAM_BITS = 20;
const GRAM_MASK = (1 << GRAM_BITS) - 1;
/** Documents re-ranked with answer-level character n-grams, and with formulation-level signals. */
const RERANK = 50;
/** Postings shorter than this are scanned without checking whether they can still matter. */
const PRUNE_MIN_DF = 512;
/** `visOf` value of a removed slot. */
const DEAD = 3;
const FINE = 10;
/** Length of highlighted snippets of long fields (short answer, body). */
const SNIPPET = 220;

export class Term {
  /** Live documents containing the term. */
  df = 0;
  /** Postings: (slot, packed field tfs) pairs in slot order; `n` entries used. */
  docs = new Int32Array(4);
  n = 0;
  deadDocs = 0;
  /** Classifier weight of each posting (pair index), once the classifier has trained on the term. */
  w: Float32Array | null = null;
  /** Stop word (indexed in questions only, lighter weight). */
  stop = false;
  constructor(
    readonly text: string,
    readonly id: number,
  ) {}

  push(slot: number, packed: number): void {
    if (this.n + 2 > this.docs.length) {
      const next = new Int32Array(this.docs.length * 2);
      next.set(this.docs);
      this.docs = next;
      if (this.w) {
        const w = new Float32Array(next.length >> 1);
        w.set(this.w);
        this.w = w;
      }
    }
    if (this.w) this.w[this.n >> 1] = 0;
    this.docs[this.n++] = slot;
    this.docs[this.n++] = packed;
  }
}

interface DocEntry {
  /** The answer as indexed: the caller must not mutate it (removal analyses it again). */
  doc: EngineDocument;
  slot: number;
  vis: number;
  segments: Set<string> | null;
  prior: number;
  /** Term ids of the title and each formulation: [source (-1 title), count, ids…]… */
  units: Int32Array;
  /** Character n-grams of all formulations and the title merged (answer-level profile). */
  grams: Int32Array;
  gramTf: Uint8Array;
  gramLen: number;
}

interface QueryTerm {
  term: Term;
  weight: number;
  stop: boolean;
}

interface Scratch {
  acc: Float64Array;
  state: Uint8Array;
  sel: Float64Array;
}

/** 1 + ln(tf) for small term frequencies. */
const LOG_TF = Float64Array.from({ length: 256 }, (_, i) => (i > 0 ? 1 + Math.log(i) : 0));

/**
 * Exponential search: the first entry index ≥ `from` whose key is ≥ `x`, among `count` entries of
 * `stride` values each, sorted by their first value (keys at `a[i * stride]`).
 */
function gallop(a: Int32Array, count: number, x: number, from: number, stride = 1): number {
  if (from >= count || a[from * stride]! >= x) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < count && a[hi * stride]! < x) {
    lo = hi;
    step <<= 1;
    hi = from + step;
  }
  if (hi > count) hi = count;
  // key(lo) < x, and key(hi) >= x or hi === count
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid * stride]! < x) lo = mid;
    else hi = mid;
  }
  return hi;
}

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

function fnvGrams(words: string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const w of words) {
    const s = ` ${w} `;
    const n = s.length;
    for (let i = 0; i < n - 2; i++) {
      let h = 0x811c9dc5;
      for (let k = i; k < n && k < i + 5; k++) {
        h ^= s.charCodeAt(k);
        h = Math.imul(h, 16777619);
        if (k - i >= 2) {
          const g = (h >>> 0) & GRAM_MASK;
          out.set(g, (out.get(g) ?? 0) + 1);
        }
      }
    }
  }
  return out;
}

/** Adjacent term pairs (stop words included): "card_not", "not_arriv". */
function bigrams(tokens: Token[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const a = tokens[i - 1]!.term;
    const b = tokens[i]!.term;
    if (a && b) out.push(`${a}_${b}`);
  }
  return out;
}

function gramWords(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (!t.stop || TUNING.stopGrams) out.push(t.folded);
  return out;
}

/**
 * What the index takes from one answer: per term (stems, stop words in question fields, bigrams) its
 * frequency in each field, field lengths, folded surface words → term, and the tokens of the title and
 * of each formulation. Pure, so a removal can recompute it instead of storing it per answer.
 */
function analyzeAnswer(doc: EngineDocument, locale: Locale) {
  const fieldTexts: string[][] = [
    [doc.title ?? ''],
    [doc.shortAnswer ?? ''],
    [doc.body ?? ''],
    doc.formulations ?? [],
    doc.tags ?? [],
  ];
  const tf = new Map<string, number[]>();
  const count = (term: string, f: number): void => {
    let arr = tf.get(term);
    if (!arr) {
      arr = new Array(NF).fill(0);
      tf.set(term, arr);
    }
    arr[f]!++;
  };
  const lens = new Array<number>(NF).fill(0);
  const surfaces = new Map<string, string>();
  const stopTerms = new Set<string>();
  const unitTokens: Array<{ source: number; tokens: Token[] }> = [];
  for (let f = 0; f < NF; f++) {
    const texts = fieldTexts[f]!;
    const questionField = f === 0 || f === 3;
    for (let i = 0; i < texts.length; i++) {
      const text = f === 4 ? texts[i]!.replace(/[-_]/g, ' ') : texts[i]!;
      const tokens = tokenize(text, locale);
      if (questionField && text.trim()) unitTokens.push({ source: f === 0 ? -1 : i, tokens });
      for (const t of tokens) {
        if (!t.term || (t.stop && !questionField)) continue;
        lens[f]!++;
        count(t.term, f);
        if (t.stop) stopTerms.add(t.term);
        else if (!surfaces.has(t.folded)) surfaces.set(t.folded, t.term);
      }
      if (questionField && TUNING.bigramWeight > 0) for (const bg of bigrams(tokens)) count(bg, f);
    }
  }
  return { tf, lens, surfaces, stopTerms, unitTokens };
}

export class LocaleIndex {
  readonly slots: (DocEntry | undefined)[] = [];
  readonly terms = new Map<string, Term>();
  /** Terms by id (ids are never reused; a term whose last document went is undefined). */
  readonly termById: (Term | undefined)[] = [];
  readonly vocab = new Vocabulary();
  /** Folded surface word → indexed term (so "activee" finds the stem of "activée"). */
  readonly surfaceTerm = new Map<string, string>();
  readonly docGramDf = new Int32Array(1 << GRAM_BITS);
  docGramLenSum = 0;
  readonly fieldLenSum = new Float64Array(NF);
  /** Per field, its length in each slot. */
  fieldLens: Float32Array[] = FIELDS.map(() => new Float32Array(64));
  /** Per slot: 0 public, 1 internal, 2 segment, DEAD removed (scanned without touching the entry). */
  visOf = new Uint8Array(64);
  docCount = 0;
  /** Whether the classifier's weights are in use (see classifier.ts). */
  trained = false;
  /** Answers added since the classifier last trained on everything. */
  changedSinceTraining = 0;
  private scratch: Scratch | null = null;

  constructor(readonly locale: Locale) {}

  private term(text: string): Term {
    let t = this.terms.get(text);
    if (!t) {
      t = new Term(text, this.termById.length);
      this.terms.set(text, t);
      this.termById.push(t);
    }
    return t;
  }

  add(doc: EngineDocument): void {
    const slot = this.slots.length;
    if (slot >= this.visOf.length) {
      const grow = <T extends Float32Array | Uint8Array>(a: T): T => {
        const next = new (a.constructor as new (n: number) => T)(a.length * 2);
        next.set(a);
        return next;
      };
      this.visOf = grow(this.visOf);
      this.fieldLens = this.fieldLens.map(grow);
    }
    const { tf, lens, surfaces, stopTerms, unitTokens } = analyzeAnswer(doc, this.locale);
    for (let f = 0; f < NF; f++) {
      this.fieldLens[f]![slot] = lens[f]!;
      this.fieldLenSum[f]! += lens[f]!;
    }
    for (const [text, arr] of tf) {
      const term = this.term(text);
      if (stopTerms.has(text)) term.stop = true;
      let packed = 0;
      for (let f = 0; f < NF; f++) packed |= Math.min(arr[f]!, TF_MAX) << (f * TF_BITS);
      term.df++;
      term.push(slot, packed);
    }
    for (const [folded, term] of surfaces) {
      this.vocab.add(folded);
      if (!this.surfaceTerm.has(folded)) this.surfaceTerm.set(folded, term);
    }
    const merged = new Map<number, number>();
    for (const { tokens } of unitTokens) {
      for (const [g, n] of fnvGrams(gramWords(tokens))) merged.set(g, (merged.get(g) ?? 0) + n);
    }
    const units: number[] = [];
    for (const { source, tokens } of unitTokens) {
      const at = units.length;
      units.push(source, 0);
      for (const t of tokens) if (t.term) units.push(this.term(t.term).id);
      units[at + 1] = units.length - at - 2;
    }
    const dkeys = Int32Array.from(merged.keys()).sort();
    const dtf = new Uint8Array(dkeys.length);
    let gramLen = 0;
    for (let i = 0; i < dkeys.length; i++) {
      const n = Math.min(255, merged.get(dkeys[i]!)!);
      dtf[i] = n;
      gramLen += n;
      this.docGramDf[dkeys[i]!]!++;
    }
    this.docGramLenSum += gramLen;
    const vis = doc.visibility === 'internal' ? 1 : doc.visibility === 'segment' ? 2 : 0;
    this.visOf[slot] = vis;
    const pop = doc.popularity;
    const help = doc.helpfulness;
    const prior = (pop === undefined ? 0 : pop - 0.5) + (help === undefined ? 0 : help - 0.5);
    this.slots[slot] = {
      doc,
      slot,
      vis,
      segments: vis === 2 ? new Set(doc.segments ?? []) : null,
      prior,
      units: Int32Array.from(units),
      grams: dkeys,
      gramTf: dtf,
      gramLen,
    };
    this.docCount++;
    if (this.docCount <= 2000) {
      learnLocaleProfile(this.locale, [doc.title, ...(doc.formulations ?? []).slice(0, 3)].join(' '));
    }
  }

  removeSlot(slot: number): void {
    const e = this.slots[slot];
    if (!e) return;
    this.slots[slot] = undefined;
    this.visOf[slot] = DEAD;
    this.docCount--;
    for (let f = 0; f < NF; f++) this.fieldLenSum[f]! -= this.fieldLens[f]![slot] ?? 0;
    // The answer's terms are analysed again rather than kept per answer (memory at 100k answers).
    const { tf, surfaces } = analyzeAnswer(e.doc, this.locale);
    const terms: Term[] = [];
    for (const text of tf.keys()) {
      const t = this.terms.get(text);
      if (!t) continue;
      t.df--;
      t.deadDocs++;
      terms.push(t);
    }
    for (const g of e.grams) this.docGramDf[g]!--;
    this.docGramLenSum -= e.gramLen;
    for (const t of terms) {
      if (t.df > 0) continue;
      this.terms.delete(t.text);
      this.termById[t.id] = undefined;
    }
    for (const folded of surfaces.keys()) {
      this.vocab.release(folded);
      if (!this.vocab.has(folded)) this.surfaceTerm.delete(folded);
    }
  }

  compact(t: Term): void {
    if (t.deadDocs > 8 && t.deadDocs * 4 > t.n / 2) {
      const d = t.docs;
      const cw = t.w;
      let w = 0;
      for (let i = 0; i < t.n; i += 2) {
        if (this.slots[d[i]!]) {
          if (cw) cw[w >> 1] = cw[i >> 1]!;
          d[w++] = d[i]!;
          d[w++] = d[i + 1]!;
        }
      }
      t.n = w;
      if (d.length > 64 && w < d.length / 4) {
        t.docs = d.slice(0, Math.max(4, w * 2));
        if (cw) t.w = cw.slice(0, t.docs.length >> 1);
      }
      t.deadDocs = 0;
    }
  }

  getScratch(): Scratch {
    const ns = this.slots.length;
    let s = this.scratch;
    if (!s || s.acc.length < ns) {
      const cs = Math.max(ns, 16) * 2;
      s = { acc: new Float64Array(cs), state: new Uint8Array(cs), sel: new Float64Array(cs) };
      this.scratch = s;
    }
    return s;
  }

  /**
   * Scores allowed documents for the weighted query terms. Returns the best candidates sorted by
   * fused score: BM25F over the inverted index for all documents, then character n-gram signals on
   * the best `RERANK` only, then formulation-level signals on the best `FINE` only.
   */
  score(
    qterms: QueryTerm[],
    queryGrams: Map<number, number>,
    /** Whether a live, non-public slot may be returned (public ones always may). */
    allowed: (slot: number) => boolean,
    fieldWeights: number[],
    fusion: FusionWeights,
    limit = FINE,
  ): ScoredDoc[] {
    const { acc, state, sel } = this.getScratch();
    const touched: number[] = [];
    const N = Math.max(1, this.docCount);
    // Per-field constants: w_f / (1 - b) and w_f * b / avg_f, so the inner loop is one division.
    const cA = new Float64Array(NF);
    const cB = new Float64Array(NF);
    for (let f = 0; f < NF; f++) {
      const b = TUNING.fieldB[f]!;
      const avg = Math.max(1, this.fieldLenSum[f]! / N);
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
    const vis = this.visOf;
    let allowedCount = 0;
    // Once no untouched document can reach the best RERANK, later terms only add to touched ones,
    // and the touched set is frozen (sorted once, so long postings are galloped instead of scanned).
    let onlyTouched = false;
    let frozen: Int32Array | null = null;
    for (let qi = 0; qi < m; qi++) {
      const { term, stop } = ordered[qi]!;
      const wi = wis[qi]!;
      if (wi === 0) continue;
      this.compact(term);
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
            acc[slot]! += wi * this.saturated(d[at * 2 + 1]!, slot, fieldWeights, cA, cB, k1);
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
        acc[slot]! += wi * this.saturated(d[i + 1]!, slot, fieldWeights, cA, cB, k1);
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
        const df = this.docGramDf[qk[i]!]!;
        const w = df > 0 ? Math.log(1 + (N - df + 0.5) / (df + 0.5)) : 0;
        qd[i] = w;
        qdMax += w;
      }
      const avgGram = Math.max(1, this.docGramLenSum / N);
      const ck1 = TUNING.charK1;
      const cb = TUNING.charB;
      if (qdMax > 0) {
        for (const c of cands) {
          const e = this.slots[c.slot]!;
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
    for (const c of cands) c.score += fusion.prior * this.slots[c.slot]!.prior;
    if (fusion.classifier > 0 && this.trained) {
      const p = classify(
        this,
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
        const u = this.slots[c.slot]!.units;
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
            const term = this.termById[id];
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
  private saturated(
    packed: number,
    slot: number,
    fieldWeights: number[],
    cA: Float64Array,
    cB: Float64Array,
    k1: number,
  ): number {
    const lens = this.fieldLens;
    let tfw = 0;
    for (let f = 0; packed !== 0; f++, packed >>>= TF_BITS) {
      const tf = packed & TF_MAX;
      if (tf === 0) continue;
      tfw += (fieldWeights[f]! * tf) / (cA[f]! + cB[f]! * lens[f]![slot]!);
    }
    return tfw / (k1 + tfw);
  }

  /** The indexed term of a folded word, if the index knows the word or its stem. */
  knownWord(folded: string | undefined): string | undefined {
    if (!folded) return undefined;
    const known = this.surfaceTerm.get(folded);
    if (known) return known;
    const token = tokenize(folded, this.locale)[0];
    return token && !token.stop && this.terms.has(token.term) ? token.term : undefined;
  }

  /** Live slots, in order. */
  liveSlots(): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.slots.length; slot++) if (this.visOf[slot] !== DEAD) out.push(slot);
    return out;
  }

  isLive(slot: number): boolean {
    return this.visOf[slot] !== DEAD && slot < this.slots.length;
  }

  /** Pair index of `slot` in the postings of `term`, or -1. */
  postingOf(term: Term, slot: number): number {
    const pairs = term.n >> 1;
    const at = gallop(term.docs, pairs, slot, 0, 2);
    return at < pairs && term.docs[at * 2] === slot ? at : -1;
  }

  /** Whether the live document in `slot` contains `term` (postings are in slot order). */
  contains(term: Term, slot: number): boolean {
    return this.visOf[slot] !== DEAD && this.postingOf(term, slot) >= 0;
  }

  entry(slot: number): DocEntry | undefined {
    return this.slots[slot];
  }
}

export function queryGrams(tokens: Token[]): Map<number, number> {
  return fnvGrams(gramWords(tokens));
}

interface SynonymTable {
  /** Folded token sequence (space-joined) → expansions (raw text). */
  map: Map<string, string[]>;
  maxLen: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class MatchEngine implements Engine {
  private readonly indexes = new Map<Locale, LocaleIndex>();
  private readonly where = new Map<string, { locale: Locale; slot: number }>();
  private synonyms = new Map<Locale, SynonymTable>();
  private readonly fieldWeights: number[];
  private readonly fusion: FusionWeights;
  private readonly threshold: number;
  private readonly typos: boolean;
  /** Query-word coverage of the last `debugScores` call (dev tooling). */
  lastCoverage = 0;

  constructor(private readonly options: EngineOptions = {}) {
    const fw = { ...DEFAULT_FIELD_WEIGHTS, ...options.fieldWeights };
    this.fieldWeights = FIELDS.map((f) => fw[f]);
    this.fusion = { ...DEFAULT_FUSION, ...options.fusion };
    this.threshold = options.abstainThreshold ?? DEFAULT_ABSTAIN_THRESHOLD;
    this.typos = options.typos ?? true;
  }

  get size(): number {
    return this.where.size;
  }

  upsert(docs: EngineDocument[]): void {
    const added = new Map<LocaleIndex, number[]>();
    for (const doc of docs) {
      this.removeOne(doc.id);
      const loc = doc.locale;
      let idx = this.indexes.get(loc);
      if (!idx) {
        idx = new LocaleIndex(loc);
        this.indexes.set(loc, idx);
      }
      const slot = idx.slots.length;
      idx.add(doc);
      this.where.set(doc.id, { locale: loc, slot });
      const list = added.get(idx) ?? [];
      list.push(slot);
      added.set(idx, list);
    }
    if (this.fusion.classifier > 0) for (const [idx, slots] of added) this.retrain(idx, slots);
  }

  /**
   * Keeps the classifier in step: trains on the added answers only (a removed answer's weights are
   * simply ignored), and from scratch once a fifth of the answers changed since the last full training.
   */
  private retrain(idx: LocaleIndex, added: number[], removed = 0): void {
    if (idx.docCount > CLASSIFIER.maxAnswers || idx.docCount === 0) {
      if (idx.trained) for (const t of idx.terms.values()) t.w = null;
      idx.trained = false;
      return;
    }
    idx.changedSinceTraining += added.length + removed;
    if (!idx.trained || idx.changedSinceTraining * 5 > idx.docCount) {
      train(idx);
      idx.changedSinceTraining = 0;
      idx.trained = true;
    } else if (added.length > 0) train(idx, added);
  }

  remove(ids: string[]): void {
    const removed = new Map<LocaleIndex, number>();
    for (const id of ids) {
      const idx = this.removeOne(id);
      if (idx) removed.set(idx, (removed.get(idx) ?? 0) + 1);
    }
    if (this.fusion.classifier > 0) for (const [idx, n] of removed) this.retrain(idx, [], n);
  }

  private removeOne(id: string): LocaleIndex | undefined {
    const w = this.where.get(id);
    if (!w) return undefined;
    const idx = this.indexes.get(w.locale);
    idx?.removeSlot(w.slot);
    this.where.delete(id);
    return idx;
  }

  setSynonyms(rules: SynonymRule[]): void {
    const tables = new Map<Locale, SynonymTable>();
    for (const rule of rules) {
      let t = tables.get(rule.locale);
      if (!t) {
        t = { map: new Map(), maxLen: 1 };
        tables.set(rule.locale, t);
      }
      const keyOf = (s: string): string =>
        tokenize(s, rule.locale)
          .map((x) => x.folded)
          .join(' ');
      const sources = rule.oneWay ? rule.terms.slice(0, 1) : rule.terms;
      for (const src of sources) {
        const key = keyOf(src);
        if (!key) continue;
        t.maxLen = Math.max(t.maxLen, key.split(' ').length);
        const list = t.map.get(key) ?? [];
        for (const other of rule.terms) if (other !== src && keyOf(other) !== key) list.push(other);
        t.map.set(key, list);
      }
    }
    this.synonyms = tables;
  }

  /** Indexed locales (with at least one document). */
  locales(): Locale[] {
    return [...this.indexes].filter(([, i]) => i.docCount > 0).map(([l]) => l);
  }

  match(query: string, options: MatchOptions = {}): MatchResult {
    const limit = options.limit ?? 5;
    const available = this.locales();
    let locale = options.locale;
    if (!locale) {
      locale =
        available.length > 1
          ? detectLocale(query, available)
          : (available[0] ?? this.options.defaultLocale ?? 'en');
    }
    const idx = this.indexes.get(locale);
    const empty: MatchResult = { locale, candidates: [], confidence: 0, abstain: true, terms: [] };
    if (!idx || idx.docCount === 0) return empty;

    const tokens = tokenize(query, locale);
    const { qterms, display, extraTokens, coverage, content, topical } = this.queryTerms(
      idx,
      tokens,
      query,
      options.prefix ?? false,
    );
    if (qterms.length === 0 && tokens.length === 0) return { ...empty, terms: display };

    const audience = options.audience ?? 'public';
    const held = new Set(options.segments ?? []);
    const allowed = (slot: number): boolean => {
      if (audience === 'internal') return true;
      const e = idx.entry(slot);
      if (e?.vis === 2 && e.segments) for (const s of e.segments) if (held.has(s)) return true;
      return false;
    };
    const grams = queryGrams([...tokens, ...extraTokens]);
    const scored = idx.score(qterms, grams, allowed, this.fieldWeights, this.fusion, limit);
    const top = scored.slice(0, limit);
    const s1 = scored[0]?.score ?? 0;
    const s2 = scored[1]?.score ?? 0;
    const termSet = new Set(content);
    const candidates: Candidate[] = top.map((c, i) => {
      const other = i === 0 ? s2 : s1;
      const support = contentSupport(idx, c.slot, qterms, topical);
      const confidence = calibrate(c.score, c.score - other, coverage) * supportFactor(support);
      return this.explain(idx, c, confidence, termSet);
    });
    const confidence = candidates[0]?.confidence ?? 0;
    return { locale, candidates, confidence, abstain: confidence < this.threshold, terms: display };
  }

  private queryTerms(
    idx: LocaleIndex,
    tokens: Token[],
    query: string,
    prefix: boolean,
  ): {
    qterms: QueryTerm[];
    display: string[];
    extraTokens: Token[];
    coverage: number;
    content: string[];
    /** Content words of the question that are not question words or light verbs ("quel", "faire", "how"). */
    topical: number;
  } {
    const weights = new Map<string, number>();
    const add = (term: string, w: number): void => {
      if (!term) return;
      weights.set(term, Math.max(weights.get(term) ?? 0, 0) + w);
    };
    const loc = idx.locale;
    const extraTokens: Token[] = [];
    const stopTerms = new Set<string>();
    let found = 0;
    // Synonyms: longest folded token sequence first.
    const syn = this.synonyms.get(loc);
    if (syn) {
      for (let i = 0; i < tokens.length; i++) {
        for (let n = Math.min(syn.maxLen, tokens.length - i); n >= 1; n--) {
          const key = tokens
            .slice(i, i + n)
            .map((t) => t.folded)
            .join(' ');
          const exp = syn.map.get(key);
          if (!exp) continue;
          for (const text of exp) {
            const et = tokenize(text, loc);
            extraTokens.push(...et);
            for (const t of et) if (!t.stop) add(t.term, 1);
          }
          break;
        }
      }
    }
    if (TUNING.bigramWeight > 0) {
      for (const bg of bigrams(tokens)) if (idx.terms.has(bg)) add(bg, TUNING.bigramWeight);
    }
    const lastIsPrefix = prefix && /[\p{L}\p{N}]$/u.test(query.trimEnd()) && !/\s$/.test(query);
    tokens.forEach((t, i) => {
      const isLast = i === tokens.length - 1;
      if (lastIsPrefix && isLast && t.folded.length >= 1) {
        if (!t.stop && idx.terms.has(t.term)) add(t.term, 1);
        const comps = idx.vocab.completions(t.folded, 12);
        for (const w of comps) add(idx.surfaceTerm.get(w) ?? '', 0.7);
        if (comps.length > 0 && !t.stop && !idx.terms.has(t.term)) found++;
        if (t.stop || idx.terms.has(t.term)) return;
      }
      if (!t.term) return;
      if (t.stop) {
        if (TUNING.stopWeight > 0 && idx.terms.has(t.term)) {
          add(t.term, TUNING.stopWeight);
          stopTerms.add(t.term);
        }
        return;
      }
      if (idx.terms.has(t.term)) {
        add(t.term, 1);
        found++;
        return;
      }
      const known = idx.surfaceTerm.get(t.folded);
      if (known) {
        add(known, 1);
        found++;
        return;
      }
      // An elision typed without its apostrophe: "lassurance", "delectricite".
      const rest = idx.knownWord(withoutElision(t.folded, loc));
      if (rest) {
        add(rest, 1);
        found++;
        return;
      }
      if (!this.typos || /\d/.test(t.folded)) return;
      // Typos rarely hit the first letter; requiring it avoids "vois" → "mois" or "fille" → "ville".
      const cs = idx.vocab
        .corrections(t.folded, maxEdits(t.folded.length), 6)
        .filter((c) => !TUNING.typoSameFirst || c.word[0] === t.folded[0]);
      if (cs.length === 0) return;
      const bestD = cs[0]!.distance;
      found += 0.5;
      for (const c of cs) {
        if (c.distance !== bestD) break;
        add(idx.surfaceTerm.get(c.word) ?? '', TUNING.typoWeight * (bestD === 1 ? 1 : 0.75));
      }
    });
    const qterms: QueryTerm[] = [];
    for (const [text, weight] of weights) {
      const term = idx.terms.get(text);
      if (term) qterms.push({ term, weight, stop: stopTerms.has(text) });
    }
    // Content terms first: frequent stop words then only score documents already found.
    qterms.sort((a, b) => Number(a.stop) - Number(b.stop));
    const contentCount = tokens.filter((t) => !t.stop && t.term).length;
    const coverage = contentCount > 0 ? found / contentCount : stopTerms.size > 0 ? 0.5 : 0;
    const topical = tokens.filter((t) => !t.stop && t.term && !isNonTopicalTerm(t.term, loc)).length;
    const content = [...weights.keys()].filter((t) => !stopTerms.has(t) && !t.includes('_'));
    return { qterms, display: [...weights.keys()], extraTokens, coverage, content, topical };
  }

  private explain(idx: LocaleIndex, c: ScoredDoc, confidence: number, terms: Set<string>): Candidate {
    const e = idx.entry(c.slot)!;
    const doc = e.doc;
    const matched = new Set<string>();
    const highlights: Highlight[] = [];
    const hl = (field: Highlight['field'], text: string | undefined, snippet: boolean): void => {
      if (!text) return;
      let base = 0;
      let src = text;
      if (snippet && text.length > SNIPPET) {
        // Long text: locate the first plausible match on the folded text (stems are mostly
        // prefixes of the words), then analyse only a window around it.
        const folded = fold(text);
        let first = -1;
        for (const t of stems) {
          const at = folded.indexOf(t);
          if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first < 0) return;
        base = Math.max(0, first - 60);
        while (base > 0 && /[\p{L}\p{N}]/u.test(text[base - 1]!)) base--;
        src = text.slice(base, base + SNIPPET);
      }
      const ranges: Array<[number, number]> = [];
      for (const t of tokenize(src, idx.locale)) {
        if (!t.stop && terms.has(t.term)) {
          ranges.push([t.start, t.end]);
          matched.add(t.term);
        }
      }
      if (ranges.length === 0) return;
      highlights.push({ field, text: src, ranges });
    };
    const stems = [...terms].filter((t) => t.length >= 2);
    hl('title', doc.title, false);
    const matchedFormulation =
      c.bestSource >= 0 ? doc.formulations[c.bestSource] : c.bestSource === -1 ? doc.title : undefined;
    if (c.bestSource >= 0) hl('formulation', matchedFormulation, false);
    hl('shortAnswer', doc.shortAnswer, true);
    hl('body', doc.body, true);
    hl('tags', doc.tags?.join(', '), false);
    const out: Candidate = {
      id: doc.id,
      score: c.score,
      confidence,
      matchedTerms: [...matched],
      highlights,
    };
    if (matchedFormulation !== undefined) out.matchedFormulation = matchedFormulation;
    return out;
  }

  /** Raw scored list for evaluation and calibration (dev tooling). */
  debugScores(query: string, locale: Locale): ScoredDoc[] & { ids?: string[] } {
    const idx = this.indexes.get(locale);
    if (!idx) return [];
    const tokens = tokenize(query, locale);
    const { qterms, extraTokens, coverage } = this.queryTerms(idx, tokens, query, false);
    this.lastCoverage = coverage;
    return idx.score(
      qterms,
      queryGrams([...tokens, ...extraTokens]),
      () => true,
      this.fieldWeights,
      this.fusion,
    );
  }

  idOf(locale: Locale, slot: number): string | undefined {
    return this.indexes.get(locale)?.entry(slot)?.doc.id;
  }
}

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

export { fold, normalize };
