/**
 * One locale's index: answers in slots, an inverted index of their terms (packed per-field term
 * frequencies per posting), answer-level character n-gram profiles, the vocabulary for typos and
 * completions. Incremental: an answer is added in a new slot and removed by analysing it again.
 */
import { learnLocaleProfile, tokenize } from './analysis.ts';
import { analyzeAnswer, fnvGrams, gramWords } from './features.ts';
import { Vocabulary } from './fuzzy.ts';
import { type DocEntry, gallop, type PostingIndex, type Scratch, Term } from './postings.ts';
import { DEAD, FIELDS, GRAM_BITS, NF, TF_BITS, TF_MAX } from './tuning.ts';
import type { EngineDocument, Locale } from './types.ts';

export class LocaleIndex implements PostingIndex {
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
