/**
 * Masks personal data in free text before it is stored for analytics: what customers type into a
 * search box or a bot often contains an e-mail, a phone number, an IBAN or a card number.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[email]'],
  // IBAN: country code, 2 check digits, 11–30 alphanumerics, optionally grouped by spaces.
  [/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/gi, '[iban]'],
  // Card numbers: 13–19 digits, optionally grouped.
  [/\b(?:\d[ -]?){12,18}\d\b/g, '[card]'],
  // Phone numbers: international or French national formats, 9+ digits with separators.
  [/(?:\+|00)\d{1,3}[ .-]?(?:\(?\d{1,4}\)?[ .-]?){2,5}\d{2,4}\b|\b0\d(?:[ .-]?\d{2}){4}\b/g, '[phone]'],
];

export function maskPersonalData(text: string): string {
  let out = text;
  for (const [re, label] of PATTERNS) out = out.replace(re, label);
  return out;
}

/** Masks every string inside a JSON-like value. */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPersonalData(value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}
