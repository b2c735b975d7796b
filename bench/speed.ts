/**
 * Speed benchmark: index build time, per-query latency and heap memory of the Relais engine (and, for
 * context, MiniSearch and FlexSearch) on synthetic corpora of 1k, 10k and 100k answers.
 *
 *   npm run bench:speed [-- --sizes 1000,10000 --engines relais --queries 2000]
 *
 * Needs --expose-gc (the npm script passes it) to measure the heap after indexing.
 */
import { memoryUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { Charset, Encoder, Index } from 'flexsearch';
import EnglishPreset from 'flexsearch/lang/en';
import MiniSearch from 'minisearch';
import type { EngineDocument } from '../src/engine/types.ts';
import { loadEngineModule } from '../src/evaluation/engine-ranker.ts';
import { percentile } from '../src/evaluation/metrics.ts';
import { loadSourcePool, syntheticAnswers, syntheticQueries } from './synthetic.ts';
import { markdownTable, millis } from './table.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    engines: { type: 'string', default: 'relais,minisearch,flexsearch' },
    queries: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '100' },
    /** Seconds of querying per row: slow rows stop early (never below 100 queries); the table says so. */
    budget: { type: 'string', default: '120' },
  },
  strict: true,
});

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.error('warning: run with node --expose-gc (npm run bench:speed) to measure memory');

/** Index once, then answer queries (limit 10): what the benchmark times. */
interface SpeedSubject {
  name: string;
  build(answers: EngineDocument[]): unknown;
  query(text: string): void;
}

const engineModule = await loadEngineModule();

const SUBJECTS: Record<string, () => SpeedSubject> = {
  relais: () => {
    let engine: ReturnType<typeof engineModule.createEngine> | undefined;
    return {
      name: 'Relais',
      build(answers) {
        engine = engineModule.createEngine();
        engine.upsert(answers);
        return engine;
      },
      query(text) {
        engine!.match(text, { limit: 10, locale: 'en' });
      },
    };
  },
  minisearch: () => {
    let index: MiniSearch<EngineDocument> | undefined;
    return {
      name: 'MiniSearch',
      build(answers) {
        index = new MiniSearch<EngineDocument>({
          fields: ['title', 'shortAnswer', 'body', 'formulations'],
          extractField: (doc, field) => {
            const value = doc[field as keyof EngineDocument];
            return Array.isArray(value) ? value.join('\n') : String(value ?? '');
          },
          searchOptions: { fuzzy: 0.2, prefix: true, boost: { title: 2, formulations: 1.5 } },
        });
        index.addAll(answers);
        return index;
      },
      query(text) {
        index!.search(text).slice(0, 10);
      },
    };
  },
  flexsearch: () => {
    let index: Index | undefined;
    return {
      name: 'FlexSearch',
      build(answers) {
        const encoder = new (Encoder as unknown as new (...options: unknown[]) => Encoder)(
          Charset.LatinBalance,
          EnglishPreset,
        );
        index = new Index({ tokenize: 'forward', encoder, resolution: 9, context: true });
        answers.forEach((a, i) => {
          index!.add(i, [a.title, a.shortAnswer, a.body, ...a.formulations].join('\n'));
        });
        return index;
      },
      query(text) {
        index!.search(text, { limit: 10, suggest: true });
      },
    };
  },
};

const heapBytes = () => {
  const m = memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const settle = () => {
  gc?.();
  gc?.();
};

const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
const queryCount = Number(values.queries);
const warmupCount = Number(values.warmup);
const budgetMs = Number(values.budget) * 1000;
const pool = await loadSourcePool();
const queries = syntheticQueries(pool, queryCount + warmupCount);
const rows: string[][] = [];

for (const size of sizes) {
  let answers: EngineDocument[] | undefined = syntheticAnswers(pool, size);
  const formulations = answers.reduce((n, a) => n + a.formulations.length, 0);
  console.error(`${size} answers, ${formulations} formulations`);
  for (const key of values.engines.split(',')) {
    const make = SUBJECTS[key.trim()];
    if (!make) throw new Error(`unknown engine "${key}" (known: ${Object.keys(SUBJECTS).join(', ')})`);
    const subject = make();
    settle();
    const before = heapBytes();
    const t0 = performance.now();
    let built: unknown = subject.build(answers);
    const indexMs = performance.now() - t0;
    settle();
    const heapMb = (heapBytes() - before) / 1e6;
    const warmupEnd = performance.now() + budgetMs / 10;
    for (const q of queries.slice(0, warmupCount)) {
      subject.query(q);
      if (performance.now() > warmupEnd) break;
    }
    const times: number[] = [];
    const end = performance.now() + budgetMs;
    for (const q of queries.slice(warmupCount)) {
      const start = performance.now();
      subject.query(q);
      const stop = performance.now();
      times.push(stop - start);
      if (stop > end && times.length >= 100) break;
    }
    const row = [
      subject.name,
      size.toLocaleString('en'),
      millis(indexMs),
      millis(percentile(times, 50)),
      millis(percentile(times, 99)),
      times.length.toLocaleString('en'),
      gc ? heapMb.toFixed(0) : '—',
    ];
    console.error(`  ${row.join('  ')}`);
    rows.push(row);
    built = undefined;
    void built;
  }
  answers = undefined;
}

console.log(
  markdownTable(['engine', 'answers', 'index ms', 'p50 ms', 'p99 ms', 'queries', 'heap MB'], rows, [
    'l',
    'r',
  ]),
);
console.log(
  `\nUp to ${queryCount} queries per row (fewer when a row exceeds ${values.budget} s) after up to ${warmupCount} ` +
    'warm-up queries; limit 10; heap = heapUsed + arrayBuffers after indexing minus before, after gc.',
);
