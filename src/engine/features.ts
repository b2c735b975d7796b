/**
 * What the index takes from text: per-field term frequencies of an answer, adjacent-word pairs, and
 * hashed character n-grams (answer profiles and queries alike).
 */
import { type Token, tokenize } from './analysis.ts';
import { GRAM_MASK, NF, TUNING } from './tuning.ts';
import type { EngineDocument, Locale } from './types.ts';

export function fnvGrams(words: string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const w of words) {
    const s = ` ${w} `;
    const n = s.length;
    for (let i = 0; i < n - 2; i++) {
      let h = 0x811c9dc5;
      for (let k = i; k < n && k < i + 5; k++) {
        h ^= s.charCodeAt(k);
        h = Math.imul(h, 16777619);
        if (k - i >= 2) {
          const g = (h >>> 0) & GRAM_MASK;
          out.set(g, (out.get(g) ?? 0) + 1);
        }
      }
    }
  }
  return out;
}

/** Adjacent term pairs (stop words included): "card_not", "not_arriv". */
export function bigrams(tokens: Token[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const a = tokens[i - 1]!.term;
    const b = tokens[i]!.term;
    if (a && b) out.push(`${a}_${b}`);
  }
  return out;
}

export function gramWords(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (!t.stop || TUNING.stopGrams) out.push(t.folded);
  return out;
}

/**
 * What the index takes from one answer: per term (stems, stop words in question fields, bigrams) its
 * frequency in each field, field lengths, folded surface words → term, and the tokens of the title and
 * of each formulation. Pure, so a removal can recompute it instead of storing it per answer.
 */
export function analyzeAnswer(doc: EngineDocument, locale: Locale) {
  const fieldTexts: string[][] = [
    [doc.title ?? ''],
    [doc.shortAnswer ?? ''],
    [doc.body ?? ''],
    doc.formulations ?? [],
    doc.tags ?? [],
  ];
  const tf = new Map<string, number[]>();
  const count = (term: string, f: number): void => {
    let arr = tf.get(term);
    if (!arr) {
      arr = new Array(NF).fill(0);
      tf.set(term, arr);
    }
    arr[f]!++;
  };
  const lens = new Array<number>(NF).fill(0);
  const surfaces = new Map<string, string>();
  const stopTerms = new Set<string>();
  const unitTokens: Array<{ source: number; tokens: Token[] }> = [];
  for (let f = 0; f < NF; f++) {
    const texts = fieldTexts[f]!;
    const questionField = f === 0 || f === 3;
    for (let i = 0; i < texts.length; i++) {
      const text = f === 4 ? texts[i]!.replace(/[-_]/g, ' ') : texts[i]!;
      const tokens = tokenize(text, locale);
      if (questionField && text.trim()) unitTokens.push({ source: f === 0 ? -1 : i, tokens });
      for (const t of tokens) {
        if (!t.term || (t.stop && !questionField)) continue;
        lens[f]!++;
        count(t.term, f);
        if (t.stop) stopTerms.add(t.term);
        else if (!surfaces.has(t.folded)) surfaces.set(t.folded, t.term);
      }
      if (questionField && TUNING.bigramWeight > 0) for (const bg of bigrams(tokens)) count(bg, f);
    }
  }
  return { tf, lens, surfaces, stopTerms, unitTokens };
}

export function queryGrams(tokens: Token[]): Map<number, number> {
  return fnvGrams(gramWords(tokens));
}
