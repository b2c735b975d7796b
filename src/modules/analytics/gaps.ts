import { analyze, fold, knownLocales } from '../../engine/index.ts';
import type { MatchOptions, MatchResult } from '../../engine/types.ts';

/** An engine, or a node's search index over one. */
export interface Matcher {
  match(query: string, options: MatchOptions): MatchResult | Promise<MatchResult>;
}

/**
 * Content gaps: what customers asked that Relais could not answer, grouped by meaning.
 * Pure functions: the service feeds them queries from the events and an engine built from the kb.
 */

export interface GapInput {
  query: string;
  locale: string;
  /** How many times it was asked over the period. */
  n: number;
  reasons: string[];
}

export interface GapCluster {
  /** Stable within one response: the most asked query, folded. */
  id: string;
  locale: string;
  label: string;
  volume: number;
  queries: Array<{ query: string; n: number }>;
  reasons: string[];
}

/** Word stems (meaning) plus character trigrams (typos, inflections the stemmer misses). */
export function gapFeatures(query: string, locale: string): Map<string, number> {
  const f = new Map<string, number>();
  const add = (k: string, w: number) => f.set(k, (f.get(k) ?? 0) + w);
  const lang = knownLocales().includes(locale) ? locale : 'fr';
  for (const stem of analyze(query, lang)) add(`w:${stem}`, 1);
  const text = ` ${fold(query)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  for (let i = 0; i + 3 <= text.length; i++) add(`c:${text.slice(i, i + 3)}`, 0.5);
  return f;
}

/** A query as TF-IDF weights over interned feature ids (parallel arrays, unit norm). */
interface SparseVector {
  ids: number[];
  weights: number[];
}

/** One feature's postings: the clusters whose sum holds it, with that sum's weight. */
interface Posting {
  clusters: number[];
  sums: number[];
}

/**
 * Greedy clustering on TF-IDF cosine: queries are taken by volume; each joins the closest cluster
 * centroid above `threshold` (same locale), or starts a new one.
 *
 * A centroid is the normalised sum of its members, so cos(v, centroid) = v·sum / |sum|. The sums live
 * in an inverted index (feature → clusters) with each cluster's squared norm updated in place: scoring
 * a query touches only the clusters sharing a feature with it, and joining costs the query's own
 * features. A generator, so a caller off the request path can yield between queries
 * (`clusterGapsCooperatively`); `clusterGaps` runs it straight through.
 */
function* clusterSteps(input: GapInput[], threshold: number): Generator<void, GapCluster[]> {
  const ids = new Map<string, number>();
  const raw = input.map((q) => {
    const f = gapFeatures(q.query, q.locale);
    return [...f].map(([k, tf]) => {
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
      }
      return [id, tf] as const;
    });
  });
  const df = new Uint32Array(ids.size);
  for (const f of raw) for (const [id] of f) df[id]!++;
  const total = input.length;
  const vectors: SparseVector[] = raw.map((f) => {
    const weights = f.map(([id, tf]) => tf * Math.log(1 + total / df[id]!));
    const norm = Math.sqrt(weights.reduce((s, x) => s + x * x, 0)) || 1;
    return { ids: f.map(([id]) => id), weights: weights.map((x) => x / norm) };
  });
  const order = input.map((_, i) => i).sort((x, y) => input[y]!.n - input[x]!.n);
  const postings: Posting[] = Array.from({ length: ids.size }, () => ({ clusters: [], sums: [] }));
  // Per cluster: where each of its features sits in that feature's postings.
  const clusters: Array<{ locale: string; members: number[]; norm2: number; slots: Map<number, number> }> =
    [];
  let dots = new Float64Array(64);
  const join = (c: number, v: SparseVector) => {
    const cluster = clusters[c]!;
    for (let j = 0; j < v.ids.length; j++) {
      const id = v.ids[j]!;
      const x = v.weights[j]!;
      const p = postings[id]!;
      let slot = cluster.slots.get(id);
      if (slot === undefined) {
        slot = p.clusters.push(c) - 1;
        p.sums.push(0);
        cluster.slots.set(id, slot);
      }
      const old = p.sums[slot]!;
      p.sums[slot] = old + x;
      cluster.norm2 += 2 * old * x + x * x;
    }
  };
  const touched: number[] = [];
  for (const i of order) {
    const v = vectors[i]!;
    const locale = input[i]!.locale;
    if (dots.length < clusters.length) {
      const grown = new Float64Array(dots.length * 2);
      grown.set(dots);
      dots = grown;
    }
    touched.length = 0;
    for (let j = 0; j < v.ids.length; j++) {
      const x = v.weights[j]!;
      const p = postings[v.ids[j]!]!;
      for (let e = 0; e < p.clusters.length; e++) {
        const c = p.clusters[e]!;
        if (dots[c] === 0) touched.push(c);
        dots[c] = dots[c]! + x * p.sums[e]!;
      }
    }
    // The same choice as a scan over every cluster in creation order: the last one at the best similarity.
    touched.sort((a, b) => a - b);
    let best = -1;
    let bestSim = threshold;
    for (const c of touched) {
      const sim = dots[c]! / (Math.sqrt(clusters[c]!.norm2) || 1);
      dots[c] = 0;
      if (clusters[c]!.locale === locale && sim >= bestSim) {
        best = c;
        bestSim = sim;
      }
    }
    if (best < 0) {
      best = clusters.push({ locale, members: [], norm2: 0, slots: new Map() }) - 1;
    }
    clusters[best]!.members.push(i);
    join(best, v);
    yield;
  }
  return clusters
    .map((c) => {
      const queries = c.members.map((i) => ({ query: input[i]!.query, n: input[i]!.n }));
      const label = queries[0]!.query;
      return {
        id: fold(label)
          .replace(/[^\p{L}\p{N}]+/gu, '-')
          .slice(0, 80),
        locale: c.locale,
        label,
        volume: queries.reduce((s, q) => s + q.n, 0),
        queries,
        reasons: [...new Set(c.members.flatMap((i) => input[i]!.reasons))].sort(),
      };
    })
    .sort((x, y) => y.volume - x.volume || x.label.localeCompare(y.label));
}

export function clusterGaps(input: GapInput[], threshold = 0.3): GapCluster[] {
  const steps = clusterSteps(input, threshold);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The same clustering, giving the event loop back every `sliceMs` so requests are never held up. */
export async function clusterGapsCooperatively(
  input: GapInput[],
  threshold = 0.3,
  sliceMs = 10,
): Promise<GapCluster[]> {
  const steps = clusterSteps(input, threshold);
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

export interface Suggestion {
  articleId: string;
  /** Volume-weighted mean confidence of that answer over the cluster's queries. */
  confidence: number;
}

/**
 * The existing answer the engine finds closest for a cluster, even below its abstain threshold:
 * the candidate to receive the queries as formulations. Null when nothing is related at all.
 */
export async function suggestAnswer(engine: Matcher, cluster: GapCluster): Promise<Suggestion | null> {
  const score = new Map<string, number>();
  let weight = 0;
  for (const q of cluster.queries.slice(0, 20)) {
    const result = await engine.match(q.query, { locale: cluster.locale, audience: 'internal', limit: 3 });
    weight += q.n;
    for (const c of result.candidates) score.set(c.id, (score.get(c.id) ?? 0) + c.confidence * q.n);
  }
  let best: Suggestion | null = null;
  for (const [articleId, s] of score) {
    const confidence = s / (weight || 1);
    if (!best || confidence > best.confidence) best = { articleId, confidence };
  }
  return best && best.confidence > 0 ? best : null;
}
