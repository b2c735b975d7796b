import { tokenize } from '../analysis.ts';
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
const n = Number(process.argv[2] ?? 1000);
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
const e = new MatchEngine(process.env.NOTYPO ? { typos: false } : {});
e.upsert(docs);
const qs = Array.from({ length: 2000 }, () => pick(rows).text);
const cpu = (f: () => void) => {
  for (let r = 0; r < 2; r++) f();
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1000 / qs.length).toFixed(3);
};
console.log(
  'tokenize',
  cpu(() => {
    for (const q of qs) tokenize(q, 'en');
  }),
);
console.log(
  'debugScores',
  cpu(() => {
    for (const q of qs) e.debugScores(q, 'en');
  }),
);
console.log(
  'match',
  cpu(() => {
    for (const q of qs) e.match(q, { locale: 'en' });
  }),
);
console.log(
  'match no-locale',
  cpu(() => {
    for (const q of qs) e.match(q);
  }),
);
