/**
 * A tiny French/English guesser used by the eval CLI in `--lang auto` mode to give each answer a
 * locale (its formulations together are plenty of text). Queries are left to the engine's own detection.
 */
import type { Locale } from '../engine/types.ts';

const FRENCH = new Set(
  (
    'le la les un une des du de au aux et ou mais je tu il elle on nous vous ils elles mon ma mes ton ta ' +
    'tes son sa ses notre votre leur leurs ce cette ces est sont pas ne plus pour par avec sans dans sur ' +
    'que qui quoi comment pourquoi quand où combien quel quelle quels quelles faire puis peux peut veux ' +
    'suis ai avez avoir être mot passe facture forfait abonnement compte carte merci bonjour'
  ).split(' '),
);
const ENGLISH = new Set(
  (
    'the a an and or but i you he she it we they my your his her our their this that these those is are ' +
    'was were be been not no for by with without in on at to of from what who how why when where which ' +
    'can could would should do does did have has had will want need my me password bill plan account card ' +
    'thanks hello please'
  ).split(' '),
);

/** 'fr' or 'en', whichever fits the text better (ties → 'en'). */
export function guessLocale(text: string): Locale {
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  let fr = 0;
  let en = 0;
  for (const raw of words) {
    for (const word of raw.split("'")) {
      if (FRENCH.has(word)) fr++;
      if (ENGLISH.has(word)) en++;
    }
  }
  fr += (text.match(/[éèêàùçôîœ]/giu) ?? []).length * 0.5;
  return fr > en ? 'fr' : 'en';
}

/**
 * Locales of answers in `--lang auto` mode: each answer's formulations are detected together, then, when
 * at least `majority` of the answers agree (a one-language dataset, the usual case), the others are
 * assumed misdetected and aligned — a stray answer in a second locale would split the index and send
 * queries detected in that locale to it.
 */
export function detectAnswerLocales(
  formulationsByAnswer: string[][],
  detect: (text: string) => Locale,
  majority = 0.8,
): Locale[] {
  const detected = formulationsByAnswer.map((texts) => detect(texts.join('\n')));
  const counts = new Map<Locale, number>();
  for (const locale of detected) counts.set(locale, (counts.get(locale) ?? 0) + 1);
  const [top, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['en', 0];
  return count >= majority * detected.length ? detected.map(() => top) : detected;
}
