import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Gap } from './content.ts';
import { clusterGaps, type GapInput, gapFeatures } from './gaps.ts';
import { GapsCache } from './gaps-cache.ts';
import type { Filters } from './repository.ts';

const F: Filters = { from: '2026-11-01', to: '2026-11-30' };
const gap = (label: string): Gap => ({
  id: label,
  locale: 'fr',
  label,
  volume: 1,
  queries: [{ query: label, n: 1 }],
  reasons: ['abstained'],
  suggestion: null,
});

/** A computation the test finishes by hand. */
function controlled() {
  const pending: Array<(items: Gap[]) => void> = [];
  let calls = 0;
  return {
    compute: () => {
      calls++;
      return new Promise<Gap[]>((resolve) => pending.push(resolve));
    },
    finish: (label: string) => pending.shift()!([gap(label)]),
    get calls() {
      return calls;
    },
  };
}

describe('GapsCache', () => {
  it('answers a first read within its bound, then serves from memory without recomputing', async () => {
    const c = controlled();
    const cache = new GapsCache(c.compute, () => {}, { firstWaitMs: 20 });
    const first = await cache.read(F);
    expect(first).toEqual({ items: [], computedAt: null, refreshing: true });
    // Reads while it runs join the same computation.
    await cache.read(F);
    expect(c.calls).toBe(1);
    c.finish('one');
    await cache.refresh(F);
    const second = await cache.read(F);
    expect(second.items.map((g) => g.label)).toEqual(['one']);
    expect(second.refreshing).toBe(false);
    expect(c.calls).toBe(1);
  });

  it('serves stale items while refreshing after the ttl or an invalidation', async () => {
    let now = 0;
    const c = controlled();
    const cache = new GapsCache(c.compute, () => {}, { ttlMs: 1_000, firstWaitMs: 0, now: () => now });
    void cache.read(F);
    c.finish('old');
    await cache.refresh(F);
    now = 1_500;
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'old' }], refreshing: true });
    c.finish('new');
    await cache.refresh(F);
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'new' }], refreshing: false });

    cache.invalidate();
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'new' }], refreshing: true });
    // Content changes again while that computation runs: its result is served but stays stale.
    cache.invalidate();
    c.finish('during');
    await cache.refresh(F);
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'during' }], refreshing: true });
    c.finish('after');
    await cache.refresh(F);
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'after' }], refreshing: false });
  });

  it('is stale once the search index it was computed from has moved on', async () => {
    let version = 1;
    const c = controlled();
    const cache = new GapsCache(c.compute, () => {}, { firstWaitMs: 0, sourceVersion: () => version });
    void cache.read(F);
    c.finish('before');
    await cache.refresh(F);
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'before' }], refreshing: false });
    version = 2; // the index applied a content change
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'before' }], refreshing: true });
    c.finish('after');
    await cache.refresh(F);
    expect(await cache.read(F)).toMatchObject({ items: [{ label: 'after' }], refreshing: false });
  });

  it('keeps serving the last items when a refresh fails, and reports the error', async () => {
    const errors: unknown[] = [];
    let fail = false;
    const cache = new GapsCache(
      async () => {
        if (fail) throw new Error('database gone');
        return [gap('kept')];
      },
      (err) => errors.push(err),
      { ttlMs: 0 },
    );
    await cache.read(F);
    fail = true;
    await cache.refresh(F);
    expect((await cache.read(F)).items.map((g) => g.label)).toEqual(['kept']);
    expect(errors).toHaveLength(1);
  });
});

/** The plain O(queries × clusters) greedy clustering the inverted index replaced: the reference. */
function referenceClusters(input: GapInput[], threshold = 0.3): number[][] {
  const unit = (v: Map<string, number>) => {
    const norm = Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0)) || 1;
    return new Map([...v].map(([k, x]) => [k, x / norm]));
  };
  const raw = input.map((q) => gapFeatures(q.query, q.locale));
  const df = new Map<string, number>();
  for (const f of raw) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const vectors = raw.map((f) =>
    unit(new Map([...f].map(([k, tf]) => [k, tf * Math.log(1 + input.length / df.get(k)!)]))),
  );
  const order = input.map((_, i) => i).sort((x, y) => input[y]!.n - input[x]!.n);
  const clusters: Array<{ locale: string; members: number[]; sum: Map<string, number> }> = [];
  for (const i of order) {
    let best = -1;
    let bestSim = threshold;
    clusters.forEach((c, ci) => {
      if (c.locale !== input[i]!.locale) return;
      const centroid = unit(c.sum);
      let sim = 0;
      for (const [k, x] of vectors[i]!) sim += x * (centroid.get(k) ?? 0);
      if (sim >= bestSim - 1e-12) {
        best = ci;
        bestSim = sim;
      }
    });
    if (best < 0) best = clusters.push({ locale: input[i]!.locale, members: [], sum: new Map() }) - 1;
    clusters[best]!.members.push(i);
    for (const [k, x] of vectors[i]!) clusters[best]!.sum.set(k, (clusters[best]!.sum.get(k) ?? 0) + x);
  }
  return clusters.map((c) => c.members);
}

describe('clusterGaps', () => {
  const word = fc.constantFrom(
    'box',
    'internet',
    'facture',
    'payer',
    'résilier',
    'forfait',
    'mobile',
    'carte',
    'sim',
    'wifi',
    'lent',
    'coupure',
    'code',
    'puk',
    'offre',
    'moins',
    'chère',
    'plan',
    'cheaper',
    'bill',
  );
  const query = fc.record({
    query: fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' ')),
    locale: fc.constantFrom('fr', 'en'),
    n: fc.integer({ min: 1, max: 9 }),
    reasons: fc.constant<string[]>(['abstained']),
  });

  it('clusters exactly as the plain greedy scan over every centroid does', () => {
    fc.assert(
      fc.property(fc.array(query, { maxLength: 60 }), (input) => {
        const asText = (members: number[]) => members.map((i) => `${input[i]!.locale}|${input[i]!.query}`);
        const expected = referenceClusters(input).map(asText).sort();
        const actual = clusterGaps(input)
          .map((c) => c.queries.map((q) => `${c.locale}|${q.query}`))
          .sort();
        expect(actual).toEqual(expected);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
