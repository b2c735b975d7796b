import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem } from './errors.ts';
import { frenchTypography, PART_NAMES_FR, problemLanguage } from './problem-language.ts';

/**
 * The one edge for text (docs/api.md, "Text inputs"): every string that comes in — JSON bodies (deep,
 * keys too), url-encoded forms, query strings, path parameters and the headers we read — is checked
 * here, once, before validation and before any handler or database sees it:
 *
 * - a NUL (U+0000) or a lone UTF-16 surrogate is refused (400 naming the field), never normalised:
 *   no browser or honest client sends them (form encoding already turns lone surrogates into U+FFFD),
 *   PostgreSQL cannot store the first, and silently rewriting what a customer typed would hide the
 *   attempt;
 * - a query parameter (or form field) given twice is refused (400 naming it): no route takes a list
 *   in its query string, and picking one value would make the answer depend on which one we picked;
 * - every string is bounded: schemas keep their own tighter limits, this is the ceiling for routes
 *   without one;
 * - a `Location` header is bounded, whatever built it.
 */

/** Longest string anywhere in a body: above every schema's own limit (article bodies: 100,000). */
export const MAX_BODY_STRING = 200_000;
/** Longest query-string, form-key or path-parameter value. */
export const MAX_URL_VALUE = 4_096;
/** Longest value of a header we read. */
export const MAX_HEADER_VALUE = 8_192;
/** Longest `Location` we send: beyond it, proxies and browsers start to refuse the answer. */
export const MAX_LOCATION = 2_048;
/** Deepest JSON nesting accepted (the deepest schema, bot flows, nests far less). */
export const MAX_DEPTH = 64;

/** Headers Relais reads; the others are passed by nobody to anything. */
const READ_HEADERS = [
  'accept-language',
  'authorization',
  'cookie',
  'origin',
  'referer',
  'user-agent',
  'x-csrf-token',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
];

type Flaw = 'nul' | 'surrogate' | 'too-long' | 'repeated' | 'too-deep';

const DETAILS: Record<'fr' | 'en', Record<Flaw, (where: string, field: string) => string>> = {
  en: {
    nul: (w, f) => `Invalid ${w}: ${f}: contains a NUL character (U+0000).`,
    surrogate: (w, f) =>
      `Invalid ${w}: ${f}: contains an unpaired UTF-16 surrogate (not valid Unicode text).`,
    'too-long': (w, f) => `Invalid ${w}: ${f}: too long.`,
    repeated: (w, f) => `Invalid ${w}: ${f}: given more than once; give it once.`,
    'too-deep': (w, f) => `Invalid ${w}: ${f}: nested too deeply.`,
  },
  fr: {
    nul: (w, f) => `Requête invalide (${w}) : ${f} : contient un caractère NUL (U+0000).`,
    surrogate: (w, f) =>
      `Requête invalide (${w}) : ${f} : contient un demi-caractère UTF-16 isolé (texte Unicode non valide).`,
    'too-long': (w, f) => `Requête invalide (${w}) : ${f} : trop long.`,
    repeated: (w, f) => `Requête invalide (${w}) : ${f} : donné plusieurs fois ; donnez-le une seule fois.`,
    'too-deep': (w, f) => `${w} invalide : ${f} : imbrication trop profonde.`,
  },
};
const WHERE: Record<'fr' | 'en', Record<Part, string>> = {
  en: { body: 'body', querystring: 'querystring', params: 'params', headers: 'headers' },
  fr: PART_NAMES_FR,
};
type Part = 'body' | 'querystring' | 'params' | 'headers';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one string, if anything. */
export function textFlaw(s: string, max: number): Flaw | undefined {
  if (s.length > max) return 'too-long';
  if (s.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'surrogate';
  return undefined;
}

interface Finding {
  flaw: Flaw;
  field: string;
}

/**
 * Walks a parsed value without recursion (a hostile body may nest deeply) and returns the first flaw
 * with its dotted path, the same naming as validation errors (`context.customer.name`, `items.2`).
 */
export function findTextFlaw(
  value: unknown,
  opts: { max: number; arrays: boolean; root?: string },
): Finding | undefined {
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [] }];
  const name = (path: string[]) => (path.length ? path.join('.') : (opts.root ?? 'body'));
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const flaw = textFlaw(v, opts.max);
      if (flaw) return { flaw, field: name(path) };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= MAX_DEPTH) return { flaw: 'too-deep', field: name(path) };
    if (Array.isArray(v)) {
      if (!opts.arrays) return { flaw: 'repeated', field: name(path) };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, String(i)] });
      continue;
    }
    for (const [k, child] of Object.entries(v)) {
      const keyFlaw = textFlaw(k, MAX_URL_VALUE);
      if (keyFlaw) return { flaw: keyFlaw, field: name([...path, safeKey(k)]) };
      stack.push({ v: child, path: [...path, k] });
    }
  }
  return undefined;
}

/** A flawed key is named by a printable stand-in, never echoed as is. */
function safeKey(k: string): string {
  // Spreading yields code points: a lone surrogate comes out alone, a valid pair stays whole.
  const shown = [...k.slice(0, 60)].map((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (c.length === 1 && code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : c;
  });
  return shown.join('') + (k.length > 60 ? '…' : '');
}

function refuse(req: FastifyRequest, reply: FastifyReply, part: Part, finding: Finding) {
  const lang = problemLanguage(req);
  const written = DETAILS[lang][finding.flaw](WHERE[lang][part], finding.field);
  const detail = lang === 'fr' ? frenchTypography(written) : written;
  return sendProblem(req, reply, 400, 'validation', detail, {
    field: finding.field,
    errors: [{ field: finding.field, message: detail }],
  });
}

function isForm(req: FastifyRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export default fp(
  async (app: FastifyInstance) => {
    // Headers first, before the auth plugin reads any of them.
    app.addHook('onRequest', async (req, reply) => {
      for (const name of READ_HEADERS) {
        const value = req.headers[name];
        const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
        for (const v of values) {
          const flaw = textFlaw(v, MAX_HEADER_VALUE);
          if (flaw) return refuse(req, reply, 'headers', { flaw, field: name });
        }
      }
    });

    // After parsing, before validation: params, query string, body.
    app.addHook('preValidation', async (req, reply) => {
      const checks: Array<[Part, unknown, { max: number; arrays: boolean }]> = [
        ['params', req.params, { max: MAX_URL_VALUE, arrays: false }],
        ['querystring', req.query, { max: MAX_URL_VALUE, arrays: false }],
        // A form field given twice is a repeated parameter; JSON arrays are data.
        ['body', req.body, { max: MAX_BODY_STRING, arrays: !isForm(req) }],
      ];
      for (const [part, value, opts] of checks) {
        const finding = findTextFlaw(value, { ...opts, root: part });
        if (finding) return refuse(req, reply, part, finding);
      }
    });

    // Whatever built a redirect, a target that long is a bug or an echo of hostile input.
    app.addHook('onSend', async (req, reply, payload) => {
      const location = reply.getHeader('location');
      if (typeof location !== 'string' || location.length <= MAX_LOCATION) return payload;
      req.log.warn({ length: location.length }, 'redirect target too long: refused');
      reply.removeHeader('location');
      reply.code(400).type('application/problem+json');
      return JSON.stringify({
        type: 'urn:relais:problem:validation',
        title: 'Bad Request',
        status: 400,
        detail: 'Redirect target too long.',
        code: 'validation',
        instance: req.url.split('?')[0]?.slice(0, MAX_URL_VALUE) ?? '/',
        requestId: String(req.id),
      });
    });
  },
  { name: 'relais-text-edge', dependencies: ['relais-errors'] },
);
