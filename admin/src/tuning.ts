/** Search tuning: API shapes and pure helpers (kept apart from the page for reuse and tests). */

export interface SynonymRule {
  locale: string;
  terms: string[];
  oneWay?: boolean;
}

export interface SearchHighlight {
  field: 'title' | 'shortAnswer' | 'body' | 'formulation' | 'tags';
  text: string;
  ranges: Array<[number, number]>;
}

export interface SearchHit {
  id: string;
  locale: string;
  title: string;
  shortAnswer: string;
  url: string;
  score: number;
  confidence: number;
  matchedTerms: string[];
  matchedFormulation?: string;
  highlights: SearchHighlight[];
}

export interface SearchResponse {
  locale: string;
  abstain: boolean;
  confidence: number;
  terms: string[];
  results: SearchHit[];
}

/** `mdp, mot de passe,` → `['mdp', 'mot de passe']`. */
export function splitTerms(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Cuts `text` into plain and matched pieces from `[start, end)` ranges, which may be unsorted,
 * overlapping or out of bounds: rendered as text nodes and <mark>, never as HTML.
 */
export function highlightPieces(
  text: string,
  ranges: ReadonlyArray<readonly [number, number]>,
): Array<{ text: string; match: boolean }> {
  const sorted = ranges
    .map(([s, e]) => [Math.max(0, Math.min(s, text.length)), Math.max(0, Math.min(e, text.length))] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const pieces: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const [s, e] of sorted) {
    const start = Math.max(s, at);
    if (e <= start) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), match: false });
    pieces.push({ text: text.slice(start, e), match: true });
    at = e;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}

/** Problem+json field errors (`rules.3.terms.1`) grouped by rule index. */
export function errorsByRule(fields: Record<string, string>): {
  byRule: Map<number, string>;
  other: string[];
} {
  const byRule = new Map<number, string>();
  const other: string[] = [];
  for (const [field, message] of Object.entries(fields)) {
    const m = /^(?:body\.)?rules\.(\d+)(?:\.(.+))?$/.exec(field);
    if (m) {
      const i = Number(m[1]);
      if (!byRule.has(i)) byRule.set(i, m[2] ? `${m[2]}: ${message}` : message);
    } else other.push(field ? `${field}: ${message}` : message);
  }
  return { byRule, other };
}

/** Stable React keys for lists that may repeat a value: `a`, `a#2`, `b`… */
export function keyed<T>(
  items: readonly T[],
  name: (item: T) => string = String,
): Array<{ key: string; item: T }> {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = name(item);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n === 1 ? base : `${base}#${n}`, item };
  });
}
