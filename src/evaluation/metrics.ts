/**
 * Quality and latency metrics of a ranker on a labelled query set. Any ranker plugs in — the Relais
 * engine as well as the peer libraries of the benchmarks — through the small `Ranker` interface.
 */
import { type EvalAnswer, type LabelledText, OOS_LABEL } from './dataset.ts';

/** What a ranker returns for one query: answer ids, best first, and whether it declines to answer. */
export interface RankResult {
  ids: string[];
  abstain: boolean;
}

export interface Ranker {
  readonly name: string;
  /** Builds the index from scratch (may be async, e.g. a classifier's training). */
  index(answers: EvalAnswer[]): void | Promise<void>;
  /** At most `k` answer ids for the query; timed per call. */
  rank(query: string, k: number): RankResult | Promise<RankResult>;
}

/** The judged outcome of one query. */
export interface QueryOutcome {
  text: string;
  label: string;
  inScope: boolean;
  /** 1-based rank of the right answer among the candidates, 0 when absent (or out of scope). */
  rank: number;
  answered: boolean;
  /** Answered with the right answer first (never true for an out-of-scope query). */
  correct: boolean;
  ms: number;
}

export interface EvalReport {
  /** Number of queries (in scope + out of scope). */
  queries: number;
  /** Share of in-scope queries whose first candidate is right, abstention ignored. */
  top1: number | null;
  top3: number | null;
  /** Mean reciprocal rank over in-scope queries (0 when the right answer is absent). */
  mrr: number | null;
  /** Share of in-scope queries answered (not abstained). */
  coverage: number | null;
  /** Share of answered queries (in scope and out of scope) that are right; out of scope answered = wrong. */
  answeredPrecision: number | null;
  /** Share of out-of-scope queries abstained; null when there are none. */
  oosRecall: number | null;
  indexMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** How many candidates to ask for: enough for MRR to be meaningful. */
export const DEFAULT_CANDIDATES = 10;

/** Nearest-rank percentile (p in [0, 100]) of unsorted values; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Judges one query from the ranker's result. A result with no candidate counts as an abstention. */
export function judge(query: LabelledText, result: RankResult, ms = 0): QueryOutcome {
  const inScope = query.label !== OOS_LABEL;
  const answered = !result.abstain && result.ids.length > 0;
  const rank = inScope ? result.ids.indexOf(query.label) + 1 : 0;
  return {
    text: query.text,
    label: query.label,
    inScope,
    rank,
    answered,
    correct: answered && inScope && rank === 1,
    ms,
  };
}

const share = (count: number, total: number): number | null => (total === 0 ? null : count / total);

/** Aggregates judged queries into the report (timings from `ms`, plus the given index time). */
export function summarize(outcomes: readonly QueryOutcome[], indexMs: number): EvalReport {
  const inScope = outcomes.filter((o) => o.inScope);
  const oos = outcomes.filter((o) => !o.inScope);
  const answered = outcomes.filter((o) => o.answered);
  const times = outcomes.map((o) => o.ms);
  return {
    queries: outcomes.length,
    top1: share(inScope.filter((o) => o.rank === 1).length, inScope.length),
    top3: share(inScope.filter((o) => o.rank >= 1 && o.rank <= 3).length, inScope.length),
    mrr: share(
      inScope.reduce((sum, o) => sum + (o.rank > 0 ? 1 / o.rank : 0), 0),
      inScope.length,
    ),
    coverage: share(inScope.filter((o) => o.answered).length, inScope.length),
    answeredPrecision: share(answered.filter((o) => o.correct).length, answered.length),
    oosRecall: share(oos.filter((o) => !o.answered).length, oos.length),
    indexMs,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
  };
}

export interface EvaluateOptions {
  /** Candidates asked per query (default 10; never fewer than 3 so top-3 is defined). */
  candidates?: number;
}

/** Indexes the answers, runs every query once (timed with performance.now) and reports. */
export async function evaluate(
  ranker: Ranker,
  answers: EvalAnswer[],
  queries: readonly LabelledText[],
  options: EvaluateOptions = {},
): Promise<{ report: EvalReport; outcomes: QueryOutcome[] }> {
  const k = Math.max(3, options.candidates ?? DEFAULT_CANDIDATES);
  const indexStart = performance.now();
  await ranker.index(answers);
  const indexMs = performance.now() - indexStart;
  const outcomes: QueryOutcome[] = [];
  for (const query of queries) {
    const start = performance.now();
    let result = ranker.rank(query.text, k);
    let end = performance.now();
    if (result instanceof Promise) {
      result = await result;
      end = performance.now();
    }
    outcomes.push(judge(query, result, end - start));
  }
  return { report: summarize(outcomes, indexMs), outcomes };
}
