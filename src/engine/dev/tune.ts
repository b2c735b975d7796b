import iso from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };
import { registerLocale } from '../analysis.ts';
import { TUNING } from '../tuning.ts';
import { loadSets, run } from './eval.ts';

const sets = loadSets((process.env.SETS ?? 'banking,clinc,fr').split(','));
const variants: Record<string, () => void> = JSON.parse(process.env.NOOP ?? 'null') ?? {};
const mode = process.argv[2] ?? 'k1';
const report = (tag: string) => {
  const line = sets.map((s) => {
    const r = run(s, { fusion: { bm25: 1, knnWord: 0, charDoc: 0 } });
    return `${r.name}=${r.top1.toFixed(3)}`;
  });
  console.log(tag.padEnd(24), line.join(' '));
};
void variants;
if (mode === 'k1') {
  for (const k1 of [0.6, 0.9, 1.2, 1.6, 2.2])
    for (const b of [0.3, 0.5, 0.75, 0.9]) {
      TUNING.k1 = k1;
      TUNING.fieldB[3] = b;
      report(`k1=${k1} b=${b}`);
    }
}
if (mode === 'stop') {
  report('default');
  registerLocale({ locale: 'en', stemmer: 'english' });
  registerLocale({
    locale: 'fr',
    stemmer: 'french',
    elisions: ['l', 'd', 'qu', 'j', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu'],
    postStem: (t) => (t.length > 4 && /[sx]$/.test(t) ? t.slice(0, -1) : t),
  });
  report('no stop words');
  const I = iso as unknown as Record<string, string[]>;
  const small = (l: string) => I[l]!.filter((w) => w.length <= 3);
  registerLocale({
    locale: 'en',
    stemmer: 'english',
    stopWords: small('en'),
    keepWords: ['not', 'no', 'how', 'why', 'who', 'can', 'my', 'you'],
  });
  registerLocale({
    locale: 'fr',
    stemmer: 'french',
    stopWords: small('fr'),
    keepWords: ['pas', 'ne', 'non', 'ou', 'qui', 'mon', 'ma'],
    elisions: ['l', 'd', 'qu', 'j', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu'],
    postStem: (t) => (t.length > 4 && /[sx]$/.test(t) ? t.slice(0, -1) : t),
  });
  report('short iso words');
}
if (mode === 'stopw') {
  for (const w of [0, 0.25, 0.5, 0.75, 1]) {
    TUNING.stopWeight = w;
    report(`stopWeight=${w}`);
  }
  TUNING.stopWeight = 0.5;
  TUNING.stopGrams = true;
  report('stopGrams');
}
if (mode === 'k1b') {
  for (const k1 of [2.2, 3, 4, 6]) {
    TUNING.k1 = k1;
    TUNING.fieldB[3] = 0.75;
    report(`k1=${k1}`);
  }
}
const full = (tag: string) => {
  const line = sets.map((s) => {
    const r = run(s);
    return `${r.name}=${r.top1.toFixed(3)}`;
  });
  console.log(tag.padEnd(24), line.join(' '));
};
if (mode === 'bigram') {
  for (const w of [0, 0.25, 0.5, 1]) {
    TUNING.bigramWeight = w;
    full(`bigram=${w}`);
  }
}
if (mode === 'stopdf') {
  for (const w of [0.3, 0.5, 0.8, 1.01]) {
    TUNING.stopMaxDf = w;
    full(`stopMaxDf=${w}`);
  }
}
if (mode === 'char') {
  for (const [k, b] of [
    [1.2, 0.75],
    [2, 0.75],
    [1.2, 0.5],
    [0.8, 0.75],
    [1.2, 0.9],
  ] as const) {
    TUNING.charK1 = k;
    TUNING.charB = b;
    full(`charK1=${k} charB=${b}`);
  }
}
if (mode === 'k1full') {
  for (const k of [1.8, 2.5, 3.2]) {
    TUNING.k1 = k;
    full(`k1=${k}`);
  }
  TUNING.k1 = 2.5;
  for (const b of [0.5, 0.9]) {
    TUNING.fieldB[3] = b;
    full(`b3=${b}`);
  }
}
if (mode === 'typo') {
  for (const [w, f] of [
    [0.8, false],
    [0.8, true],
    [0.5, true],
    [0.001, true],
  ] as const) {
    TUNING.typoWeight = w;
    TUNING.typoSameFirst = f;
    full(`typo w=${w} sameFirst=${f}`);
  }
}
if (mode === 'typo2') {
  for (const [w, f] of [
    [0.8, true],
    [0.8, false],
    [1, true],
    [0.001, true],
  ] as const) {
    TUNING.typoWeight = w;
    TUNING.typoSameFirst = f;
    full(`typo w=${w} sameFirst=${f}`);
  }
}
