/**
 * Masks personal data in free text before it is stored for analytics: what customers type into a
 * search box or a bot often contains an e-mail, a phone number, an IBAN, a card number or an address.
 * Order matters: international phone numbers before card numbers (both are long digit runs).
 */
const STREET_FR =
  'rue|avenue|av|boulevard|bd|place|all[ée]e|impasse|chemin|route|quai|cours|square|passage|r[ée]sidence|lotissement';
const STREET_EN = 'street|st|road|rd|avenue|ave|lane|ln|drive|boulevard|blvd|parkway|pkwy|terrace|crescent';
const PATTERNS: Array<[RegExp, string]> = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[email]'],
  // IBAN: country code, 2 check digits, 11–30 alphanumerics, optionally grouped by spaces.
  [/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/gi, '[iban]'],
  // International phone numbers: +33…, 0033…, +1 (415)…
  [/(?:\+|\b00)\d{1,3}[ .-]?(?:\(?\d{1,4}\)?[ .-]?){2,5}\d{2,4}\b/g, '[phone]'],
  // Card numbers: 13–19 digits, optionally grouped.
  [/\b(?:\d[ -]?){12,18}\d\b/g, '[card]'],
  // French national numbers (06 12 34 56 78) and North American ones ((415) 555-2671).
  [/\b0\d(?:[ .-]?\d{2}){4}\b|(?:\(\d{3}\)|\b\d{3})[ .-]?\d{3}[ .-]\d{4}\b/g, '[phone]'],
  // French postal address: number, street type, a few words, optional postcode and city.
  [
    new RegExp(
      `\\b\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s+(?:${STREET_FR})\\b(?:[\\s,]+(?!\\d{5}\\b)[\\p{L}'’.-]+){1,5}(?:[\\s,]+\\d{5}(?:\\s+[\\p{L}'’-]+)?)?`,
      'giu',
    ),
    '[address]',
  ],
  // English postal address: number, one to three words, street type.
  [new RegExp(`\\b\\d{1,5}[a-z]?\\s+(?:[\\p{L}'’.-]+\\s+){1,3}(?:${STREET_EN})\\b\\.?`, 'giu'), '[address]'],
  // UK postcodes and US state + ZIP.
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b/g, '[postcode]'],
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
