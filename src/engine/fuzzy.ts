/**
 * Vocabulary of indexed surface words with typo candidates (trigram index + bounded
 * Damerau-Levenshtein verification) and prefix completion. Reference-counted for incremental updates.
 */

export interface Correction {
  word: string;
  distance: number;
  count: number;
}

/** Max edits allowed for a word of this length: 0 below 4, 1 for 4–7, 2 from 8. */
export function maxEdits(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/** Optimal-string-alignment Damerau-Levenshtein distance, or `max + 1` as soon as it exceeds `max`. */
export function damerau(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0 || lb === 0) return Math.max(la, lb);
  const w = lb + 1;
  let prev2 = new Int32Array(w);
  let prev = new Int32Array(w);
  let cur = new Int32Array(w);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}

function trigrams(word: string): string[] {
  const s = `$${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= s.length; i++) out.push(s.slice(i, i + 3));
  return out;
}

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly counts: number[] = [];
  private readonly grams = new Map<string, number[]>();
  private sorted: string[] | null = null;

  get size(): number {
    return this.ids.size;
  }

  has(word: string): boolean {
    const id = this.ids.get(word);
    return id !== undefined && this.counts[id]! > 0;
  }

  count(word: string): number {
    const id = this.ids.get(word);
    return id === undefined ? 0 : this.counts[id]!;
  }

  add(word: string): void {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
      this.counts.push(0);
      for (const g of new Set(trigrams(word))) {
        let p = this.grams.get(g);
        if (!p) {
          p = [];
          this.grams.set(g, p);
        }
        p.push(id);
      }
    }
    if (this.counts[id] === 0) this.sorted = null;
    this.counts[id]!++;
  }

  release(word: string): void {
    const id = this.ids.get(word);
    if (id === undefined || this.counts[id] === 0) return;
    this.counts[id]!--;
    // Dead words stay in the trigram lists (filtered by count) until they come back.
    if (this.counts[id] === 0) this.sorted = null;
  }

  /** Indexed words within the edit bound of `word` (excluding itself), closest first. */
  corrections(word: string, maxDistance = maxEdits(word.length), limit = 3): Correction[] {
    if (maxDistance <= 0) return [];
    const grams = trigrams(word);
    const need = Math.max(1, grams.length - 3 * maxDistance);
    const hits = new Map<number, number>();
    for (const g of new Set(grams)) {
      const p = this.grams.get(g);
      if (!p) continue;
      for (const id of p) hits.set(id, (hits.get(id) ?? 0) + 1);
    }
    const out: Correction[] = [];
    for (const [id, n] of hits) {
      if (n < need || this.counts[id] === 0) continue;
      const w = this.words[id]!;
      if (w === word || Math.abs(w.length - word.length) > maxDistance) continue;
      const bound = Math.min(maxDistance, maxEdits(Math.max(w.length, word.length)));
      const d = damerau(word, w, bound);
      if (d <= bound) out.push({ word: w, distance: d, count: this.counts[id]! });
    }
    out.sort((a, b) => a.distance - b.distance || b.count - a.count);
    return out.slice(0, limit);
  }

  /** Indexed words starting with `prefix` (excluding itself), most frequent first. */
  completions(prefix: string, limit = 20, scan = 5000): string[] {
    if (!this.sorted) {
      this.sorted = [];
      for (let i = 0; i < this.words.length; i++) if (this.counts[i]! > 0) this.sorted.push(this.words[i]!);
      this.sorted.sort();
    }
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < s.length && found.length < scan && s[i]!.startsWith(prefix); i++) {
      if (s[i] !== prefix) found.push(s[i]!);
    }
    if (found.length > limit) {
      found.sort((a, b) => this.count(b) - this.count(a) || a.length - b.length);
      found.length = limit;
    }
    return found;
  }
}
