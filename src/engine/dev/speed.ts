/* Speed/memory: node --expose-gc --import tsx src/engine/dev/speed.ts 1000 100000 */
import { createEngine, type EngineDocument } from '../index.ts';
import { csv } from './eval.ts';

const rows = [
  ...csv('/work/shared/datasets/banking77/train.csv'),
  ...csv('/work/shared/datasets/clinc150/train.csv'),
];
const words = rows.flatMap((r) => r.text.split(/\s+/));
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
const gc = (globalThis as { gc?: () => void }).gc;
for (const n of process.argv.slice(2).map(Number)) {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const docs: EngineDocument[] = [];
  for (let i = 0; i < n; i++) {
    const forms = Array.from({ length: 8 }, () => pick(rows).text);
    docs.push({
      id: `d${i}`,
      locale: 'en',
      title: forms[0]!,
      shortAnswer: Array.from({ length: 25 }, () => pick(words)).join(' '),
      body: Array.from({ length: 120 }, () => pick(words)).join(' '),
      formulations: forms.slice(1),
      tags: [pick(words)],
      visibility: i % 10 === 0 ? 'internal' : 'public',
    });
  }
  const docsMem = process.memoryUsage().heapUsed;
  const e = createEngine();
  const c0 = process.cpuUsage();
  e.upsert(docs);
  const ci = process.cpuUsage(c0);
  const tIndex = (ci.user + ci.system) / 1000;
  e.match('warmup query card');
  gc?.();
  const mem = process.memoryUsage().heapUsed - docsMem;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const q = pick(rows).text;
    const c0 = process.cpuUsage();
    const s = performance.now();
    e.match(q, { locale: 'en' });
    times.push(performance.now() - s);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const p = (x: number) =>
    `${times[Math.floor(times.length * x)]!.toFixed(2)}/${cpu[Math.floor(cpu.length * x)]!.toFixed(2)}cpu`;
  console.log(
    `n=${n} indexCpu=${(tIndex / 1000).toFixed(1)}s engineHeap=${(mem / 1e6).toFixed(0)}MB (docs ${((docsMem - before) / 1e6).toFixed(0)}MB) p50=${p(0.5)}ms p90=${p(0.9)} p99=${p(0.99)}ms`,
  );
}
