import { MatchEngine } from '../engine.ts';
import { loadSets } from './eval.ts';

const [name, n] = [process.argv[2] ?? 'fr', Number(process.argv[3] ?? 25)];
const set = loadSets([name])[0]!;
const eng = new MatchEngine();
eng.upsert(set.docs);
let shown = 0;
for (const q of set.queries) {
  const r = eng.match(q.text, { locale: set.locale, limit: 3 });
  if (r.candidates[0]?.id !== q.label && shown++ < n)
    console.log(
      JSON.stringify(q.text),
      q.label,
      '→',
      r.candidates.map((c) => `${c.id}:${c.score.toFixed(2)}`).join(' '),
      r.terms.join(','),
    );
}
