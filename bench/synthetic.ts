/**
 * Deterministic synthetic corpora for the speed benchmark, recombined from the real datasets'
 * sentences and vocabulary (BANKING77 + CLINC150 training rows): answers with a title, a short answer,
 * a body and 5–10 formulations each, and queries that are real sentences with occasional typos.
 */
import { join } from 'node:path';
import type { EngineDocument } from '../src/engine/types.ts';
import { type LabelledText, loadLabelledCsv } from '../src/evaluation/dataset.ts';
import { DATASETS_DIR } from './datasets.ts';

/** Mulberry32: small, fast, seeded PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SourcePool {
  /** Sentences grouped by their label. */
  topics: string[][];
  /** Every word occurrence (sampling from it follows the real word frequencies). */
  words: string[];
  sentences: string[];
}

export async function loadSourcePool(): Promise<SourcePool> {
  const rows: LabelledText[] = [
    ...(await loadLabelledCsv(join(DATASETS_DIR, 'banking77/train.csv'))),
    ...(await loadLabelledCsv(join(DATASETS_DIR, 'clinc150/train.csv'))),
  ];
  const byLabel = new Map<string, string[]>();
  const words: string[] = [];
  for (const { text, label } of rows) {
    const list = byLabel.get(label) ?? [];
    list.push(text);
    byLabel.set(label, list);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) words.push(word);
  }
  return { topics: [...byLabel.values()], words, sentences: rows.map((r) => r.text) };
}

const pickFrom = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const between = (rand: () => number, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

function sentenceOf(rand: () => number, pool: SourcePool, min: number, max: number): string {
  const n = between(rand, min, max);
  const words = Array.from({ length: n }, () => pickFrom(rand, pool.words));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** A variation of a topic sentence: splice two sentences, swap in a random word, add the answer's entity. */
function variation(rand: () => number, pool: SourcePool, topic: string[], entity: string): string {
  let words = pickFrom(rand, topic).split(/\s+/);
  if (rand() < 0.4) {
    const other = pickFrom(rand, topic).split(/\s+/);
    words = [...words.slice(0, Math.ceil(words.length / 2)), ...other.slice(Math.floor(other.length / 2))];
  }
  if (rand() < 0.5 && words.length > 2) words[Math.floor(rand() * words.length)] = pickFrom(rand, pool.words);
  if (rand() < 0.5) words.splice(Math.floor(rand() * (words.length + 1)), 0, entity);
  return words.join(' ');
}

/** `count` answers; the same seed and pool always give the same corpus. */
export function syntheticAnswers(pool: SourcePool, count: number, seed = 42): EngineDocument[] {
  const rand = prng(seed);
  const answers: EngineDocument[] = [];
  for (let i = 0; i < count; i++) {
    const topic = pickFrom(rand, pool.topics);
    // A product-like entity (two real words) makes answers of the same topic distinguishable.
    const entity = `${pickFrom(rand, pool.words)} ${pickFrom(rand, pool.words)}`;
    const formulations = Array.from({ length: between(rand, 5, 10) }, () =>
      variation(rand, pool, topic, entity),
    );
    const title = variation(rand, pool, topic, entity);
    answers.push({
      id: `a${i}`,
      locale: 'en',
      title: `${title[0]!.toUpperCase()}${title.slice(1)}`,
      shortAnswer: sentenceOf(rand, pool, 12, 30),
      body: Array.from({ length: between(rand, 3, 6) }, () => sentenceOf(rand, pool, 10, 25)).join(' '),
      formulations,
      visibility: 'public',
    });
  }
  return answers;
}

/** Real sentences as queries, a third of them with a typo (two adjacent letters swapped). */
export function syntheticQueries(pool: SourcePool, count: number, seed = 7): string[] {
  const rand = prng(seed);
  return Array.from({ length: count }, () => {
    const words = pickFrom(rand, pool.sentences).split(/\s+/);
    if (rand() < 0.33) {
      const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5);
      if (long.length > 0) {
        const [word, index] = pickFrom(rand, long);
        const at = between(rand, 1, word.length - 3);
        words[index] = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
      }
    }
    return words.join(' ');
  });
}
