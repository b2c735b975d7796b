import { describe, expect, it } from 'vitest';
import { createEngine, createSemanticLayer, type EmbeddingProvider, type EngineDocument } from './index.ts';

/** Toy provider: one dimension per concept keyword, so "similar meaning" is controllable. */
const concepts = ['pay', 'card', 'refund', 'password'];
const provider: EmbeddingProvider = {
  name: 'toy',
  dimensions: concepts.length,
  async embed(texts) {
    return texts.map((t) => Float32Array.from(concepts.map((c) => (t.toLowerCase().includes(c) ? 1 : 0))));
  },
};

const docs: EngineDocument[] = [
  {
    id: 'a',
    locale: 'en',
    title: 'Card payment declined',
    formulations: ['my card pay failed'],
    visibility: 'public',
  },
  { id: 'b', locale: 'en', title: 'Card refund', formulations: ['refund to my card'], visibility: 'public' },
  {
    id: 'secret',
    locale: 'en',
    title: 'Card refund override',
    formulations: ['refund card'],
    visibility: 'internal',
  },
];

describe('semantic layer', () => {
  it('re-ranks lexical candidates by embedding similarity', async () => {
    const engine = createEngine();
    engine.upsert(docs);
    const layer = createSemanticLayer(provider);
    await layer.indexVectors(docs);
    expect(layer.size).toBe(3);
    const lexical = engine.match('card refund please', { locale: 'en', limit: 5 });
    const fused = await layer.rerank('card refund please', lexical, { weight: 0.9 });
    expect(fused.candidates[0]?.id).toBe('b');
    for (const c of fused.candidates) expect(c.confidence).toBeLessThanOrEqual(1);
  });

  it('cannot surface what the engine filtered out', async () => {
    const engine = createEngine();
    engine.upsert(docs);
    const layer = createSemanticLayer(provider);
    await layer.indexVectors(docs);
    const fused = await layer.rerank('refund card', engine.match('refund card', { locale: 'en' }), {
      weight: 1,
    });
    expect(fused.candidates.map((c) => c.id)).not.toContain('secret');
  });
});
