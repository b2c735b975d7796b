/**
 * Optional semantic layer: fuses an `EmbeddingProvider` (texts → vectors, implemented outside the
 * engine) with the lexical ranking. It only reorders candidates the engine already returned, so the
 * engine's locale/audience filters still apply: restricted content can never be surfaced by it.
 */
import type { EmbeddingProvider, EngineDocument, MatchResult } from './types.ts';

export interface SemanticOptions {
  /** Weight of the semantic similarity in the fused score, in [0, 1] (default 0.5). */
  weight?: number;
  /** Maximum candidates kept after re-ranking (default: all). */
  limit?: number;
  /** Texts embedded per provider call (default 64). */
  batchSize?: number;
}

export interface SemanticLayer {
  readonly provider: EmbeddingProvider;
  /** Embeds each document's title and formulations (call again for changed documents). */
  indexVectors(docs: EngineDocument[]): Promise<void>;
  remove(ids: string[]): void;
  /** Re-ranks a lexical result by fusing its normalised scores with embedding similarity. */
  rerank(query: string, result: MatchResult, options?: SemanticOptions): Promise<MatchResult>;
  readonly size: number;
}

/** Cosine similarity of two vectors (0 when either is null). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export function createSemanticLayer(
  provider: EmbeddingProvider,
  defaults: SemanticOptions = {},
): SemanticLayer {
  const vectors = new Map<string, Float32Array[]>();
  const batchSize = defaults.batchSize ?? 64;

  async function embedAll(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      out.push(...(await provider.embed(texts.slice(i, i + batchSize))));
    }
    return out;
  }

  return {
    provider,
    get size() {
      return vectors.size;
    },
    async indexVectors(docs) {
      const texts: string[] = [];
      const owners: string[] = [];
      for (const d of docs) {
        for (const t of [d.title, ...d.formulations]) {
          if (t?.trim()) {
            texts.push(t);
            owners.push(d.id);
          }
        }
      }
      const vecs = await embedAll(texts);
      for (const d of docs) vectors.set(d.id, []);
      vecs.forEach((v, i) => {
        vectors.get(owners[i]!)!.push(v);
      });
    },
    remove(ids) {
      for (const id of ids) vectors.delete(id);
    },
    async rerank(query, result, options = {}) {
      const weight = options.weight ?? defaults.weight ?? 0.5;
      const limit = options.limit ?? defaults.limit ?? result.candidates.length;
      if (result.candidates.length === 0 || weight <= 0) return result;
      const [q] = await provider.embed([query]);
      if (!q) return result;
      const scores = result.candidates.map((c) => c.score);
      const max = Math.max(...scores);
      const min = Math.min(...scores, 0);
      const fused = result.candidates.map((c) => {
        let sim = 0;
        for (const v of vectors.get(c.id) ?? []) sim = Math.max(sim, cosine(q, v));
        const lex = max > min ? (c.score - min) / (max - min) : 1;
        const score = (1 - weight) * lex + weight * sim;
        // Confidence: blend the lexical calibration with the semantic similarity.
        const confidence = Math.min(1, Math.max(0, (1 - weight) * c.confidence + weight * sim));
        return { ...c, score, confidence };
      });
      fused.sort((a, b) => b.score - a.score);
      const candidates = fused.slice(0, limit);
      const confidence = candidates[0]?.confidence ?? 0;
      return { ...result, candidates, confidence, abstain: result.abstain && confidence < 0.5 };
    },
  };
}
