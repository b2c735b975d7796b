/**
 * Quality benchmark: the Relais engine and five peer libraries side by side on the same splits.
 *
 *   npm run bench:quality [-- --engines relais,minisearch --datasets banking77,demo-fr --json out.json]
 *
 * Datasets (10 formulations per answer): BANKING77 dev split, CLINC150 (val, with out-of-scope), and the
 * French and English demo dev sets (bench/data, built by bench/build-demo-dataset.ts). Prints one
 * Markdown table; shares are percentages, latencies per query in process (performance.now).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { engineRanker, loadEngineModule } from '../src/evaluation/engine-ranker.ts';
import { type EvalReport, evaluate, type Ranker } from '../src/evaluation/metrics.ts';
import { type BenchDataset, banking77, clinc150, csvPair, DEMO_DATA_DIR, demo } from './datasets.ts';
import { flexSearchRanker, lunrRanker, miniSearchRanker, nlpjsRanker, oramaRanker } from './peers.ts';
import { fixed, markdownTable, millis, pct } from './table.ts';

const { values } = parseArgs({
  options: {
    engines: { type: 'string' },
    datasets: { type: 'string' },
    json: { type: 'string' },
    /** Extra dataset(s): locale:formulations.csv:queries.csv (repeatable). */
    csv: { type: 'string', multiple: true },
  },
  strict: true,
});

const engine = await loadEngineModule();

/** Each peer in its best configuration measured on the dev sets (see docs/benchmarks.md). */
const ENGINES: Record<string, (ds: BenchDataset) => Ranker> = {
  relais: (ds) => engineRanker(engine.createEngine, { locale: ds.locale, name: 'Relais' }),
  minisearch: () => miniSearchRanker('answer'),
  lunr: (ds) => lunrRanker(ds.locale, 'answer'),
  orama: (ds) => oramaRanker(ds.locale, 'formulation', 0),
  flexsearch: (ds) => flexSearchRanker(ds.locale, 'formulation'),
  nlpjs: (ds) => nlpjsRanker(ds.locale),
};

const DATASETS: Record<string, () => Promise<BenchDataset | null>> = {
  banking77,
  clinc150,
  'demo-fr': () => demo('fr'),
  'demo-en': () => demo('en'),
  'faq-fr': () =>
    csvPair('FAQ FR', 'fr', `${DEMO_DATA_DIR}/faqfr-formulations.csv`, `${DEMO_DATA_DIR}/faqfr-queries.csv`),
};
for (const spec of values.csv ?? []) {
  const [locale, train, test] = spec.split(':');
  if ((locale !== 'fr' && locale !== 'en') || !train || !test) {
    throw new Error(`--csv wants locale:formulations.csv:queries.csv, got "${spec}"`);
  }
  DATASETS[spec] = () =>
    csvPair(
      train
        .split('/')
        .pop()!
        .replace(/\.csv$/, ''),
      locale,
      train,
      test,
    );
}

function pick<T>(all: Record<string, T>, list: string | undefined, what: string): Array<[string, T]> {
  if (!list) return Object.entries(all);
  return list.split(',').map((name) => {
    const item = all[name.trim()];
    if (!item) throw new Error(`unknown ${what} "${name}" (known: ${Object.keys(all).join(', ')})`);
    return [name.trim(), item] as [string, T];
  });
}

const results: Array<{ engine: string; dataset: string; report: EvalReport }> = [];
const started = performance.now();
// With --csv and no --datasets, only the given files are measured.
const selection = values.datasets ?? values.csv?.join(',');
for (const [key, load] of pick(DATASETS, selection, 'dataset')) {
  const ds = await load();
  if (!ds) {
    console.error(`skip ${key}: dataset files missing (run npx tsx bench/build-demo-dataset.ts)`);
    continue;
  }
  const oos = ds.queries.filter((q) => q.label === 'oos').length;
  console.error(
    `${ds.name}: ${ds.answers.length} answers, ${ds.answers.reduce((n, a) => n + a.formulations.length, 0)} formulations, ` +
      `${ds.queries.length - oos} queries + ${oos} oos`,
  );
  for (const [, make] of pick(ENGINES, values.engines, 'engine')) {
    const ranker = make(ds);
    const t0 = performance.now();
    const { report } = await evaluate(ranker, ds.answers, ds.queries);
    results.push({ engine: ranker.name, dataset: ds.name, report });
    console.error(
      `  ${ranker.name.padEnd(10)} top1 ${pct(report.top1).padStart(5)}  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
}
console.error(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);

const header = [
  'engine',
  'dataset',
  'top1 %',
  'top3 %',
  'mrr',
  'coverage %',
  'answeredPrecision %',
  'oosRecall %',
  'p50 ms',
  'p99 ms',
  'index ms',
];
const rows = results.map(({ engine: name, dataset, report: r }) => [
  name,
  dataset,
  pct(r.top1),
  pct(r.top3),
  fixed(r.mrr),
  pct(r.coverage),
  pct(r.answeredPrecision),
  pct(r.oosRecall),
  millis(r.p50Ms),
  millis(r.p99Ms),
  millis(r.indexMs),
]);
console.log(markdownTable(header, rows, ['l', 'l']));
if (values.json) await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
