/*
 * Speed/memory on the benchmark's synthetic corpus, with a fingerprint of the results so that a speed
 * change can be checked to rank identically:
 *   node --expose-gc --import tsx src/engine/dev/speed.ts 30000 [queries] [fingerprint-file]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadSourcePool, syntheticAnswers, syntheticQueries } from '../../../bench/synthetic.ts';
import { createEngine } from '../index.ts';
import { TUNING } from '../tuning.ts';

if (process.env.COMMON_DF) TUNING.commonDf = Number(process.env.COMMON_DF);
if (process.env.COMMON_MIN) TUNING.commonMin = Number(process.env.COMMON_MIN);

const [n, count, file] = [Number(process.argv[2] ?? 30000), Number(process.argv[3] ?? 1000), process.argv[4]];
const gc = (globalThis as { gc?: () => void }).gc;
const pool = await loadSourcePool();
const docs = syntheticAnswers(pool, n);
const queries = syntheticQueries(pool, count + 100);
gc?.();
const before = process.memoryUsage().heapUsed;
const engine = createEngine();
const t0 = performance.now();
engine.upsert(docs);
const indexMs = performance.now() - t0;
gc?.();
const heap = process.memoryUsage().heapUsed - before;
for (const q of queries.slice(0, 100)) engine.match(q, { limit: 10, locale: 'en' });
const times: number[] = [];
const out: string[] = [];
for (const q of queries.slice(100)) {
  const s = performance.now();
  const r = engine.match(q, { limit: 10, locale: 'en' });
  times.push(performance.now() - s);
  out.push(r.candidates.map((c) => `${c.id}:${c.score.toFixed(4)}`).join(' '));
}
times.sort((a, b) => a - b);
const p = (x: number) => times[Math.floor(times.length * x)]!.toFixed(2);
console.log(
  `n=${n} index=${(indexMs / 1000).toFixed(1)}s heap=${(heap / 1e6).toFixed(0)}MB p50=${p(0.5)} p90=${p(0.9)} p99=${p(0.99)} ms`,
);
if (file) {
  if (existsSync(file)) {
    const ref = readFileSync(file, 'utf8').split('\n');
    const diff = out.filter((line, i) => line !== ref[i]).length;
    const top1 = out.filter(
      (line, i) => line.split(' ')[0]?.split(':')[0] !== ref[i]?.split(' ')[0]?.split(':')[0],
    ).length;
    console.log(`vs ${file}: ${diff} result lists differ, ${top1} top-1 differ`);
  } else writeFileSync(file, out.join('\n'));
}
