/* Dev: precision of answered queries at equal coverage, to compare confidence models (not a test).
 * Usage: npx tsx src/engine/dev/curve.ts clincval fr   (NOGATE=1 to disable the content-support gate) */
import { MatchEngine } from '../engine.ts';
import { loadSets } from './eval.ts';

for (const set of loadSets(process.argv.slice(2))) {
  const engine = new MatchEngine();
  engine.upsert(set.docs);
  const obs = set.queries.map((q) => {
    const r = engine.match(q.text, { locale: set.locale, limit: 1 });
    return {
      conf: r.candidates[0]?.confidence ?? 0,
      right: r.candidates[0]?.id === q.label,
      oos: q.label === 'oos',
    };
  });
  const inScope = obs.filter((o) => !o.oos).length;
  const sorted = [...obs].sort((a, b) => b.conf - a.conf);
  const row: string[] = [];
  for (const target of [0.6, 0.7, 0.8, 0.9]) {
    let answered = 0;
    let right = 0;
    let inAnswered = 0;
    for (const o of sorted) {
      if (inAnswered >= target * inScope) break;
      answered++;
      if (o.right) right++;
      if (!o.oos) inAnswered++;
    }
    const oosAnswered = answered - inAnswered;
    const oosTotal = obs.length - inScope;
    row.push(
      `cov ${target}: prec ${(right / answered).toFixed(3)} oosR ${oosTotal ? (1 - oosAnswered / oosTotal).toFixed(3) : '-'}`,
    );
  }
  console.log(set.name.padEnd(14), row.join(' | '));
}
