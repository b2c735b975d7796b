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
const n = Number(process.argv[2] ?? 3000);
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
    visibility: 'public',
  });
}
const qs = Array.from({ length: 500 }, () => pick(rows).text);
for (const fusion of [{}, { knnChar: 0 }, { knnChar: 0, charDoc: 0 }]) {
  const e = new MatchEngine({ fusion });
  e.upsert(docs);
  for (const mode of ['match', 'debug']) {
    const t: number[] = [];
    for (const q of qs) {
      const s = performance.now();
      if (mode === 'match') e.match(q, { locale: 'en' });
      else e.debugScores(q, 'en');
      t.push(performance.now() - s);
    }
    t.sort((a, b) => a - b);
    console.log(JSON.stringify(fusion), mode, 'p50', t[250]!.toFixed(2), 'p99', t[495]!.toFixed(2));
  }
}
