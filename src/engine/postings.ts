/**
 * The data of a locale's inverted index that the index, scoring and the classifier share: a term's
 * postings (with the classifier's weight per posting), an indexed answer, and the view of the index
 * the classifier trains on — here so that none of them imports another for its types.
 */
import type { EngineDocument } from './types.ts';

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

export interface DocEntry {
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

export interface QueryTerm {
  term: Term;
  weight: number;
  stop: boolean;
}

export interface Scratch {
  acc: Float64Array;
  state: Uint8Array;
  sel: Float64Array;
}

/** What the classifier reads and trains in a locale's index (`LocaleIndex` implements it). */
export interface PostingIndex {
  readonly terms: ReadonlyMap<string, Term>;
  readonly termById: readonly (Term | undefined)[];
  readonly docCount: number;
  entry(slot: number): DocEntry | undefined;
  /** Live slots, in order. */
  liveSlots(): number[];
  isLive(slot: number): boolean;
  /** Pair index of `slot` in the postings of `term`, or -1. */
  postingOf(term: Term, slot: number): number;
  /** Drops the postings of removed answers once they are a large share of the term's. */
  compact(t: Term): void;
  getScratch(): Scratch;
}

/**
 * Exponential search: the first entry index ≥ `from` whose key is ≥ `x`, among `count` entries of
 * `stride` values each, sorted by their first value (keys at `a[i * stride]`).
 */
export function gallop(a: Int32Array, count: number, x: number, from: number, stride = 1): number {
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
