import { MatchEngine } from '../engine.ts';
import type { EngineDocument } from '../types.ts';
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
const docs: EngineDocument[] = [];
for (let i = 0; i < 1000; i++) {
  const forms = Array.from({ length: 8 }, () => pick(rows).text);
  docs.push({
    id: `d${i}`,
    locale: 'en',
    title: forms[0]!,
    shortAnswer: Array.from({ length: 25 }, () => pick(words)).join(' '),
    body: Array.from({ length: 120 }, () => pick(words)).join(' '),
    formulations: forms.slice(1),
    visibility: 'public',
  });
}
const e = new MatchEngine();
e.upsert(docs);
const qs = Array.from({ length: 3000 }, () => pick(rows).text);
for (const q of qs) e.match(q, { locale: 'en' });
const res: [number, string][] = [];
for (const q of qs) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const s = performance.now();
    e.match(q, { locale: 'en' });
    best = Math.min(best, performance.now() - s);
  }
  res.push([best, q]);
}
res.sort((a, b) => a[0] - b[0]);
const p = (x: number) => res[Math.floor(res.length * x)]![0].toFixed(2);
console.log('min-of-3 p50', p(0.5), 'p90', p(0.9), 'p99', p(0.99), 'max', p(0.9999));
for (const [t, q] of res.slice(-8)) console.log(t.toFixed(2), q);
