/** Markdown table helpers shared by the benchmarks. */

export function markdownTable(header: string[], rows: string[][], align: Array<'l' | 'r'> = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number) =>
    (align[i] ?? 'r') === 'l' ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => ((align[i] ?? 'r') === 'l' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export const pct = (value: number | null): string => (value === null ? '—' : (value * 100).toFixed(1));
export const fixed = (value: number | null, digits = 3): string =>
  value === null ? '—' : value.toFixed(digits);
export const millis = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
