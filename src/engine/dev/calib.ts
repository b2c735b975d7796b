/* Fits the logistic confidence on dev observations and picks the abstain threshold on CLINC val. */
import { MatchEngine } from '../engine.ts';
import { loadSets } from './eval.ts';

type O = { x: number[]; y: number; set: string; inScope: boolean };
const obs: O[] = [];
for (const set of loadSets(['clincval', 'banking', 'clinc'])) {
  const eng = new MatchEngine();
  eng.upsert(set.docs);
  for (const q of set.queries) {
    const sc = eng.debugScores(q.text, set.locale);
    const s1 = sc[0]?.score ?? 0;
    const s2 = sc[1]?.score ?? 0;
    const ok = sc[0] ? eng.idOf(set.locale, sc[0].slot) === q.label : false;
    obs.push({
      x: [s1, s1 - s2, eng.lastCoverage],
      y: ok ? 1 : 0,
      set: set.name,
      inScope: q.label !== 'oos',
    });
  }
}
// Logistic regression, plain gradient descent (features are in [0, 1]).
const train = obs.filter((o) => o.set !== 'clinc150-val' || true);
let w = [0, 0, 0, 0];
const sig = (z: number) => 1 / (1 + Math.exp(-z));
for (let it = 0; it < 4000; it++) {
  const g = [0, 0, 0, 0];
  for (const o of train) {
    const p = sig(w[0]! + w[1]! * o.x[0]! + w[2]! * o.x[1]! + w[3]! * o.x[2]!);
    const e = p - o.y;
    g[0]! += e;
    for (let k = 0; k < 3; k++) g[k + 1]! += e * o.x[k]!;
  }
  w = w.map((v, k) => v - (3 * g[k]!) / train.length);
}
console.log('weights bias,top,margin,coverage =', w.map((v) => v.toFixed(3)).join(', '));
const conf = (o: O) => sig(w[0]! + w[1]! * o.x[0]! + w[2]! * o.x[1]! + w[3]! * o.x[2]!);
// Reliability on all obs
const bins = Array.from({ length: 10 }, () => ({ n: 0, ok: 0 }));
for (const o of obs) {
  const b = bins[Math.min(9, Math.floor(conf(o) * 10))]!;
  b.n++;
  b.ok += o.y;
}
console.log(
  'reliability',
  bins.map((b, i) => `${i / 10}:${b.n ? (b.ok / b.n).toFixed(2) : '-'}(${b.n})`).join(' '),
);
const val = obs.filter((o) => o.set === 'clinc150-val');
for (const t of [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55]) {
  const ins = val.filter((o) => o.inScope);
  const oos = val.filter((o) => !o.inScope);
  const cov = ins.filter((o) => conf(o) >= t).length / ins.length;
  const oosR = oos.filter((o) => conf(o) < t).length / oos.length;
  const bank = obs.filter((o) => o.set === 'banking77');
  const bcov = bank.filter((o) => conf(o) >= t).length / bank.length;
  const accAns =
    ins.filter((o) => conf(o) >= t && o.y).length / Math.max(1, ins.filter((o) => conf(o) >= t).length);
  console.log(
    `t=${t} clincval cov=${cov.toFixed(3)} oosR=${oosR.toFixed(3)} precisionAnswered=${accAns.toFixed(3)} banking cov=${bcov.toFixed(3)}`,
  );
}
