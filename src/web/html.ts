/** HTML that is already safe to emit (escaped, or produced by the sanitizer). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = SafeHtml | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false || part === true) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(part);
}

/**
 * The templating: every interpolated value is escaped unless it is SafeHtml (nested templates,
 * sanitized article bodies). Arrays are concatenated; null/undefined/booleans render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  for (const [i, v] of values.entries()) out += render(v) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks sanitizer output as safe. Only for `renderMarkdown` results. */
export const trusted = (value: string) => new SafeHtml(value);

/**
 * JSON-LD inside <script type="application/ld+json">: `<`, `>`, `&` and line separators are
 * \u-escaped so no content can close the script element or confuse an HTML parser.
 */
export function jsonLd(data: unknown): SafeHtml {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new SafeHtml(`<script type="application/ld+json">${json}</script>`);
}
