/* Dev evaluation of the engine (not a test). Usage: npx tsx src/engine/dev/eval.ts [dataset...] */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { MatchEngine } from '../engine.ts';
import type { EngineDocument, EngineOptions } from '../types.ts';

export interface Row {
  text: string;
  label: string;
}
export interface DevSet {
  name: string;
  locale: string;
  docs: EngineDocument[];
  queries: Row[];
}

const DS = '/work/shared/datasets';
export function csv(path: string): Row[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
}

function fewShot(name: string, rows: Row[], k: number, extraQueries: Row[] = [], every = 1): DevSet {
  const by = new Map<string, string[]>();
  const queries: Row[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const n = seen.get(r.label) ?? 0;
    seen.set(r.label, n + 1);
    if (n < k) {
      if (!by.has(r.label)) by.set(r.label, []);
      by.get(r.label)!.push(r.text);
    } else if ((n - k) % every === 0) queries.push(r);
  }
  const docs: EngineDocument[] = [...by].map(([id, f]) => ({
    id,
    locale: 'en',
    title: '',
    formulations: f,
    visibility: 'public',
  }));
  return { name, locale: 'en', docs, queries: [...queries, ...extraQueries] };
}

export function loadSets(names: string[], k = 10): DevSet[] {
  const out: DevSet[] = [];
  for (const n of names) {
    if (n === 'banking') out.push(fewShot('banking77', csv(`${DS}/banking77/train.csv`), k, [], 2));
    if (n === 'bankingtypo') {
      const base = fewShot('banking77-typo', csv(`${DS}/banking77/train.csv`), k, [], 4);
      let seed = 7;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      const typo = (q: string) =>
        q.replace(/[a-z]{5,}/gi, (w) => {
          if (rnd() > 0.5) return w;
          const i = 1 + Math.floor(rnd() * (w.length - 2));
          return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
        });
      out.push({ ...base, queries: base.queries.map((r) => ({ ...r, text: typo(r.text) })) });
    }
    if (n === 'clinc') out.push(fewShot('clinc150', csv(`${DS}/clinc150/train.csv`), k, [], 4));
    if (n === 'clincval') {
      const train = fewShot('clinc150-val', csv(`${DS}/clinc150/train.csv`), k);
      out.push({ ...train, queries: csv(`${DS}/clinc150/val.csv`) });
    }
    if (n === 'faqfr') {
      // Authored French FAQ corpus (bench/data): 15 formulations per answer, held-out queries + oos.
      const base = fewShot('faq-fr', csv('/work/main/bench/data/faqfr-formulations.csv'), 15);
      out.push({
        ...base,
        locale: 'fr',
        docs: base.docs.map((d) => ({ ...d, locale: 'fr' })),
        queries: csv('/work/main/bench/data/faqfr-queries.csv'),
      });
    }
    if (n === 'frcv' || n === 'encv') {
      // Formulations only: the first 8 of each demo answer index it, the others are its queries.
      const loc = n === 'frcv' ? 'fr' : 'en';
      const base = fewShot(`demo-${n}`, csv(`/work/main/bench/data/demo-${loc}-formulations.csv`), 8);
      out.push({ ...base, locale: loc, docs: base.docs.map((d) => ({ ...d, locale: loc })) });
    }
    if (n === 'fr' || n === 'en' || n === 'frbare') {
      const loc = n === 'en' ? 'en' : 'fr';
      const dir = '/work/main/src/demo/content';
      const docs: EngineDocument[] = [];
      const queries: Row[] = [];
      for (const f of ['account', 'billing', 'internet', 'mobile', 'orders', 'plans']) {
        let j: { answers: Array<Record<string, unknown>> };
        try {
          j = JSON.parse(readFileSync(`${dir}/${f}.json`, 'utf8'));
        } catch {
          continue;
        }
        for (const a of j.answers) {
          const l = a[loc] as Record<string, unknown> | undefined;
          if (!l) continue;
          const forms = (l.formulations as string[]) ?? [];
          const bare = n === 'frbare';
          docs.push({
            id: a.key as string,
            locale: loc,
            title: bare ? '' : (l.title as string),
            shortAnswer: bare ? undefined : (l.shortAnswer as string),
            body: bare ? undefined : (l.body as string),
            formulations: bare ? forms.slice(0, 15) : forms,
            tags: bare ? [] : (a.tags as string[]),
            visibility: 'public',
          });
          for (const q of (l.testQueries as string[]) ?? [])
            queries.push({ text: q, label: a.key as string });
        }
      }
      try {
        const oos = JSON.parse(readFileSync(`${dir}/out-of-scope.json`, 'utf8'))[loc] as string[];
        for (const q of oos) queries.push({ text: q, label: 'oos' });
      } catch {}
      out.push({ name: `demo-${n}`, locale: loc, docs, queries });
    }
  }
  return out;
}

export interface Obs {
  correct1: boolean;
  inScope: boolean;
  s1: number;
  s2: number;
  f: number[]; // features of top: bm25, knnWord, charDoc
  rank: number;
}

export function run(set: DevSet, options: EngineOptions = {}) {
  const eng = new MatchEngine(options);
  eng.upsert(set.docs);
  const obs: Obs[] = [];
  let top1 = 0;
  let top3 = 0;
  let inScope = 0;
  let answered = 0;
  let oos = 0;
  let oosAbst = 0;
  const times: number[] = [];
  for (const q of set.queries) {
    const t0 = performance.now();
    const r = eng.match(q.text, { locale: set.locale, limit: 5 });
    times.push(performance.now() - t0);
    const sc = eng.debugScores(q.text, set.locale);
    const ids = r.candidates.map((c) => c.id);
    const rank = ids.indexOf(q.label);
    const isIn = q.label !== 'oos';
    obs.push({
      correct1: rank === 0,
      inScope: isIn,
      s1: sc[0]?.score ?? 0,
      s2: sc[1]?.score ?? 0,
      f: sc[0] ? [sc[0].bm25, sc[0].knnWord, sc[0].charDoc] : [0, 0, 0],
      rank,
    });
    if (isIn) {
      inScope++;
      if (rank === 0) top1++;
      if (rank >= 0 && rank < 3) top3++;
      if (!r.abstain) answered++;
    } else {
      oos++;
      if (r.abstain) oosAbst++;
    }
  }
  times.sort((a, b) => a - b);
  return {
    name: set.name,
    n: set.queries.length,
    top1: top1 / inScope,
    top3: top3 / inScope,
    coverage: answered / inScope,
    oosRecall: oos ? oosAbst / oos : null,
    p50: times[Math.floor(times.length * 0.5)],
    p99: times[Math.floor(times.length * 0.99)],
    obs,
  };
}

const fmt = (x: number | null | undefined) => (x == null ? '  -  ' : x.toFixed(3));
if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : ['banking', 'clinc', 'clincval', 'fr'];
  const opts = process.env.OPTS ? (JSON.parse(process.env.OPTS) as EngineOptions) : {};
  for (const set of loadSets(names)) {
    const r = run(set, opts);
    console.log(
      `${r.name.padEnd(14)} n=${String(r.n).padStart(5)} top1=${fmt(r.top1)} top3=${fmt(r.top3)} cov=${fmt(r.coverage)} oosR=${fmt(r.oosRecall)} p50=${fmt(r.p50)}ms p99=${fmt(r.p99)}ms`,
    );
  }
}
