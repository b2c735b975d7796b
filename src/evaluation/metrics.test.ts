import { describe, expect, it } from 'vitest';
import type { EvalAnswer, LabelledText } from './dataset.ts';
import { evaluate, judge, percentile, type Ranker, type RankResult, summarize } from './metrics.ts';

const q = (text: string, label: string): LabelledText => ({ text, label });

/** A ranker that returns canned results per query text. */
function cannedRanker(results: Record<string, RankResult>): Ranker & { indexed: EvalAnswer[]; ks: number[] } {
  const ranker = {
    name: 'canned',
    indexed: [] as EvalAnswer[],
    ks: [] as number[],
    index(answers: EvalAnswer[]) {
      ranker.indexed = answers;
    },
    rank(query: string, k: number): RankResult {
      ranker.ks.push(k);
      return results[query] ?? { ids: [], abstain: true };
    },
  };
  return ranker;
}

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 99)).toBe(4);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
  });
});

describe('judge', () => {
  it('ranks in-scope queries and treats an empty list as abstention', () => {
    expect(judge(q('x', 'a'), { ids: ['b', 'a'], abstain: false })).toMatchObject({
      inScope: true,
      rank: 2,
      answered: true,
      correct: false,
    });
    expect(judge(q('x', 'a'), { ids: ['a'], abstain: true })).toMatchObject({
      rank: 1,
      answered: false,
      correct: false,
    });
    expect(judge(q('x', 'a'), { ids: [], abstain: false })).toMatchObject({ rank: 0, answered: false });
    expect(judge(q('x', 'oos'), { ids: ['a'], abstain: false })).toMatchObject({
      inScope: false,
      rank: 0,
      answered: true,
      correct: false,
    });
  });
});

describe('evaluate', () => {
  // Hand-computed case: 4 in-scope queries, 2 out of scope.
  //  q1 label a: [a, b]      answered  → rank 1, right
  //  q2 label b: [a, b, c]   answered  → rank 2
  //  q3 label c: [a, b, c]   abstained → rank 3
  //  q4 label d: [a, b, c]   answered  → absent (rank 0)
  //  o1 oos:     [a]         answered  → wrong
  //  o2 oos:     []          abstained → right
  const results: Record<string, RankResult> = {
    q1: { ids: ['a', 'b'], abstain: false },
    q2: { ids: ['a', 'b', 'c'], abstain: false },
    q3: { ids: ['a', 'b', 'c'], abstain: true },
    q4: { ids: ['a', 'b', 'c'], abstain: false },
    o1: { ids: ['a'], abstain: false },
    o2: { ids: [], abstain: true },
  };
  const queries = [q('q1', 'a'), q('q2', 'b'), q('q3', 'c'), q('q4', 'd'), q('o1', 'oos'), q('o2', 'oos')];
  const answers: EvalAnswer[] = ['a', 'b', 'c'].map((id) => ({
    id,
    locale: 'en',
    title: '',
    formulations: [id],
    visibility: 'public',
  }));

  it('computes the quality metrics', async () => {
    const ranker = cannedRanker(results);
    const { report, outcomes } = await evaluate(ranker, answers, queries);
    expect(ranker.indexed).toBe(answers);
    expect(ranker.ks.every((k) => k >= 10)).toBe(true);
    expect(outcomes).toHaveLength(6);
    expect(report.queries).toBe(6);
    expect(report.top1).toBe(1 / 4);
    expect(report.top3).toBe(3 / 4);
    expect(report.mrr).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 0) / 4, 12);
    expect(report.coverage).toBe(3 / 4);
    // answered: q1 (right), q2, q4, o1 → 1 / 4
    expect(report.answeredPrecision).toBe(1 / 4);
    expect(report.oosRecall).toBe(1 / 2);
    expect(report.indexMs).toBeGreaterThanOrEqual(0);
    expect(report.p50Ms).toBeGreaterThanOrEqual(0);
    expect(report.p99Ms).toBeGreaterThanOrEqual(report.p50Ms);
  });

  it('awaits async rankers', async () => {
    const sync = cannedRanker(results);
    const ranker: Ranker = {
      name: 'async',
      index: async (a) => sync.index(a),
      rank: async (query, k) => sync.rank(query, k),
    };
    const { report } = await evaluate(ranker, answers, queries);
    expect(report.top1).toBe(1 / 4);
    expect(report.oosRecall).toBe(1 / 2);
  });

  it('reports null where a share has no denominator', () => {
    const report = summarize([judge(q('x', 'a'), { ids: [], abstain: true })], 0);
    expect(report).toMatchObject({
      queries: 1,
      top1: 0,
      coverage: 0,
      answeredPrecision: null,
      oosRecall: null,
    });
    const onlyOos = summarize([judge(q('x', 'oos'), { ids: [], abstain: true })], 0);
    expect(onlyOos).toMatchObject({ top1: null, top3: null, mrr: null, coverage: null, oosRecall: 1 });
  });
});
