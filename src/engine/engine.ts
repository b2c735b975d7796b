/**
 * The matching engine's façade: routes answers to per-locale indexes (locale-index.ts), keeps the
 * classifier in step (classifier.ts), turns a query into weighted terms (synonyms, bigrams, prefix
 * completions, typo corrections), ranks (scoring.ts), calibrates (confidence.ts) and explains each
 * result with its highlights and best matching formulation.
 */
import { detectLocale, fold, isNonTopicalTerm, type Token, tokenize, withoutElision } from './analysis.ts';
import { CLASSIFIER, train } from './classifier.ts';
import { calibrate, contentSupport, supportFactor } from './confidence.ts';
import { bigrams, queryGrams } from './features.ts';
import { maxEdits } from './fuzzy.ts';
import { LocaleIndex } from './locale-index.ts';
import type { QueryTerm } from './postings.ts';
import { type ScoredDoc, scoreAnswers } from './scoring.ts';
import {
  DEFAULT_ABSTAIN_THRESHOLD,
  DEFAULT_FIELD_WEIGHTS,
  DEFAULT_FUSION,
  FIELDS,
  TUNING,
} from './tuning.ts';
import type {
  Candidate,
  Engine,
  EngineDocument,
  EngineOptions,
  FusionWeights,
  Highlight,
  Locale,
  MatchOptions,
  MatchResult,
  SynonymRule,
} from './types.ts';

/** Length of highlighted snippets of long fields (short answer, body). */
const SNIPPET = 220;

interface SynonymTable {
  /** Folded token sequence (space-joined) → expansions (raw text). */
  map: Map<string, string[]>;
  maxLen: number;
}

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
    const scored = scoreAnswers(idx, qterms, grams, allowed, this.fieldWeights, this.fusion, limit);
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
    return scoreAnswers(
      idx,
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
