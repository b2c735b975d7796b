/** RFC 4180 CSV. Cells that a spreadsheet would run as a formula (customer-typed queries!) are defused. */
export function toCsv(columns: string[], rows: ReadonlyArray<object>): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' | ') : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c])).join(','))].join('\r\n')}\r\n`;
}
