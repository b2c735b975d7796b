/* Grid search of fusion weights over cached component scores. */
import { MatchEngine } from '../engine.ts';
import { TUNING } from '../tuning.ts';
import { loadSets } from './eval.ts';

const names = process.argv.slice(2).length ? process.argv.slice(2) : ['banking', 'clinc', 'fr'];
const all = { bm25: 1, knnWord: 1, charDoc: 1, prior: 0 };
if (process.env.STOPGRAMS) TUNING.stopGrams = true;
if (process.env.CHARK1) TUNING.charK1 = Number(process.env.CHARK1);
type C = { ok: boolean; f: number[] }[];
const data: { name: string; qs: C[] }[] = [];
for (const set of loadSets(names)) {
  const eng = new MatchEngine({ fusion: all });
  eng.upsert(set.docs);
  const qs: C[] = [];
  for (const q of set.queries) {
    if (q.label === 'oos') continue;
    const sc = eng.debugScores(q.text, set.locale);
    qs.push(
      sc.map((c) => ({
        ok: eng.idOf(set.locale, c.slot) === q.label,
        f: [c.bm25, c.knnWord, c.charDoc],
      })),
    );
  }
  data.push({ name: set.name, qs });
}
const grid = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
const res: { w: number[]; acc: number[]; mean: number }[] = [];
for (const a of grid)
  for (const b of grid)
    for (const c of grid) {
      if (a + b + c === 0) continue;
      const w = [a, b, c];
      const acc = data.map(({ qs }) => {
        let ok = 0;
        for (const cs of qs) {
          let best = -1;
          let bo = false;
          for (const x of cs) {
            const s = w[0]! * x.f[0]! + w[1]! * x.f[1]! + w[2]! * x.f[2]!;
            if (s > best) {
              best = s;
              bo = x.ok;
            }
          }
          if (bo) ok++;
        }
        return ok / qs.length;
      });
      res.push({ w, acc, mean: acc.reduce((s, x) => s + x, 0) / acc.length });
    }
res.sort((x, y) => y.mean - x.mean);
console.log(data.map((d) => d.name).join(' '));
for (const r of res.slice(0, 15))
  console.log(r.w.join(','), r.acc.map((x) => x.toFixed(3)).join(' '), r.mean.toFixed(4));
