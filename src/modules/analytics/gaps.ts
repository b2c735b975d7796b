import { analyze, fold, knownLocales } from '../../engine/index.ts';
import type { Engine } from '../../engine/types.ts';

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

type Vector = Map<string, number>;

/** Word stems (meaning) plus character trigrams (typos, inflections the stemmer misses). */
function features(query: string, locale: string): Map<string, number> {
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

function normalizeVector(v: Vector): Vector {
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

function cosine(a: Vector, b: Vector): number {
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [k, x] of small) dot += x * (big.get(k) ?? 0);
  return dot;
}

/**
 * Greedy clustering on TF-IDF cosine: queries are taken by volume; each joins the closest cluster
 * centroid above `threshold` (same locale), or starts a new one. O(queries × clusters).
 */
export function clusterGaps(input: GapInput[], threshold = 0.3): GapCluster[] {
  const raw = input.map((q) => features(q.query, q.locale));
  const df = new Map<string, number>();
  for (const f of raw) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const total = input.length;
  const vectors = raw.map((f) => {
    const v: Vector = new Map();
    for (const [k, tf] of f) v.set(k, tf * Math.log(1 + total / (df.get(k) ?? 1)));
    return normalizeVector(v);
  });
  const order = input.map((_, i) => i).sort((x, y) => input[y]!.n - input[x]!.n);
  const clusters: Array<{ locale: string; members: number[]; sum: Vector; centroid: Vector }> = [];
  for (const i of order) {
    const v = vectors[i]!;
    let best = -1;
    let bestSim = threshold;
    for (let c = 0; c < clusters.length; c++) {
      if (clusters[c]!.locale !== input[i]!.locale) continue;
      const sim = cosine(v, clusters[c]!.centroid);
      if (sim >= bestSim) {
        best = c;
        bestSim = sim;
      }
    }
    if (best < 0) {
      clusters.push({ locale: input[i]!.locale, members: [i], sum: new Map(v), centroid: new Map(v) });
      continue;
    }
    const c = clusters[best]!;
    c.members.push(i);
    for (const [k, x] of v) c.sum.set(k, (c.sum.get(k) ?? 0) + x);
    c.centroid = normalizeVector(new Map(c.sum));
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

export interface Suggestion {
  articleId: string;
  /** Volume-weighted mean confidence of that answer over the cluster's queries. */
  confidence: number;
}

/**
 * The existing answer the engine finds closest for a cluster, even below its abstain threshold:
 * the candidate to receive the queries as formulations. Null when nothing is related at all.
 */
export function suggestAnswer(engine: Engine, cluster: GapCluster): Suggestion | null {
  const score = new Map<string, number>();
  let weight = 0;
  for (const q of cluster.queries.slice(0, 20)) {
    const result = engine.match(q.query, { locale: cluster.locale, audience: 'internal', limit: 3 });
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
