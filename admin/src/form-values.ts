/** Form values ⇄ JSON fields, for the editors that build a JSON document field by field (flows, widget rules). */

export type Row = Record<string, unknown>;

/** A field's value as an input's text. */
export const str = (v: unknown) =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** Optional fields are left out when empty (the schemas refuse an empty text or list). */
export function withOptional(obj: Row, field: string, value: unknown): Row {
  const { [field]: _old, ...rest } = obj;
  const empty = value === '' || value === undefined || (Array.isArray(value) && value.length === 0);
  return empty ? rest : { ...rest, [field]: value };
}

/** A number input's text as a number, or `''` (left out) when empty or not a number. */
export const numberOrEmpty = (text: string) =>
  text.trim() === '' || Number.isNaN(Number(text)) ? '' : Number(text);
