import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/shared/access-model.ts';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from './helpers.ts';

/**
 * Property-based fuzzing of every route of the OpenAPI document (plus the help-centre forms, which
 * are not in it), anonymous, with an all-scopes API key and with an admin session: whatever comes in —
 * NUL, lone surrogates, huge strings, repeated parameters, wrong types, unknown fields, deep nesting —
 * the answer is never a 5xx and never carries a stack trace.
 *
 * A small seeded generator instead of fast-check (not a dependency yet): FUZZ_SEED replays a run,
 * FUZZ_CASES sets the cases per route (default 4, about 20 s here).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_112);
const CASES = Number(process.env.FUZZ_CASES ?? 4);

/** mulberry32: tiny, fast, good enough to spread cases; same seed, same run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = ReturnType<typeof rng>;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff', // a valid pair: must be accepted or refused cleanly
  '',
  ' ',
  'é',
  '😀',
  '\u202e\u200b',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../../etc/passwd',
  '%00',
  'null',
  '-1',
  '1e309',
  '9'.repeat(40),
  '00000000-0000-0000-0000-000000000000',
  'a'.repeat(5_000),
];
const HUGE = 'x'.repeat(250_000);
const WRONG_TYPES: unknown[] = [
  42,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  {},
  [1, 'a'],
  { a: { b: 1 } },
  'text',
];

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  pattern?: string;
}

/** A value that mostly fits `schema`, sometimes hostile: the edge and validation must both hold. */
function valueFor(r: Random, schema: Schema | undefined, depth = 0, chaos = 0.15): unknown {
  if (r() < chaos || !schema || depth > 4) {
    return r() < 0.5 ? pick(r, HOSTILE_TEXT) : r() < 0.9 ? pick(r, WRONG_TYPES) : HUGE;
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return valueFor(r, pick(r, options), depth + 1, chaos);
  if (schema.enum?.length) return pick(r, schema.enum);
  const type = Array.isArray(schema.type) ? pick(r, schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(k) || r() < 0.5) out[k] = valueFor(r, s, depth + 1, chaos);
      }
      if (r() < chaos) out[pick(r, ['unknown', '__proto__', 'constructor', 'a\u0000'])] = 1;
      return out;
    }
    case 'array':
      return Array.from({ length: Math.floor(r() * 3) }, () => valueFor(r, schema.items, depth + 1, chaos));
    case 'integer':
    case 'number':
      return pick(r, [0, 1, 7, schema.minimum ?? 1, -5, 2 ** 31, 3.7]);
    case 'boolean':
      return r() < 0.5;
    case 'null':
      return null;
    default:
      if (schema.format === 'uuid') return crypto.randomUUID();
      if (schema.format === 'email') return 'fuzz@relais.test';
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'uri') return 'https://example.com/x';
      return textFor(r, schema);
  }
}

/** Text that passes most schemas, often carrying a NUL or a lone surrogate inside. */
function textFor(r: Random, schema: Schema & { minLength?: number; maxLength?: number }): string {
  const candidates = ['fr', 'en', 'hello world', 'a long enough text for any minimum', 'x'];
  // A pattern (locale, key, site, visitor id…) is met when one of these happens to fit it.
  const fitting = schema.pattern
    ? [...candidates, 'fr-FR', 'demo', 'visitor-123456', 'a=b', '0'.repeat(64)].filter((c) =>
        new RegExp(schema.pattern!).test(c),
      )
    : candidates;
  const base = pick(r, fitting.length ? fitting : candidates);
  const text = base.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? 1_000);
  if (r() < 0.5) return text;
  const at = Math.floor(r() * (text.length + 1));
  return `${text.slice(0, at)}${pick(r, ['\u0000', '\ud800', '\udfff', '\u0000\ud83d'])}${text.slice(at)}`;
}

/** Percent-encodes UTF-16 code units as WTF-8, so lone surrogates reach the server too. */
function encodeAny(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((c) => {
        const code = c.charCodeAt(0);
        if (c.length > 1 || code < 0xd800 || code > 0xdfff) return encodeURIComponent(c);
        const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
        return bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      })
      .join('');
  }
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

interface Operation {
  method: string;
  path: string;
  query: Array<{ name: string; schema?: Schema; required?: boolean }>;
  body?: Schema;
}

/** Routes to hit: the OpenAPI document's, and the help-centre pages and forms it leaves out. */
function operationsOf(spec: {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema?: Schema; required?: boolean }>;
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      // Live-chat streams stay open by design (an event stream, a socket upgrade): their input is
      // fuzzed through the same parameters on the chat's other routes, and chat.test.ts drives them.
      if (/\/(events|socket)$/.test(path)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  const form: Schema = {
    type: 'object',
    properties: { subject: {}, description: {}, email: {}, name: {}, reason: {}, token: {}, body: {} },
  };
  ops.push(
    {
      method: 'GET',
      path: '/{locale}/contact',
      query: [{ name: 'subject' }, { name: 'description' }, { name: 'from' }],
    },
    { method: 'POST', path: '/{locale}/contact', query: [], body: form },
    { method: 'GET', path: '/tickets/view', query: [{ name: 'token' }] },
    { method: 'POST', path: '/tickets/view', query: [], body: form },
    { method: 'GET', path: '/{locale}/search', query: [{ name: 'q' }] },
    { method: 'GET', path: '/{locale}/articles/{slug}', query: [] },
    { method: 'POST', path: '/{locale}/articles/{slug}/feedback', query: [], body: form },
  );
  return ops;
}

let t: TestApp;
let session: Session;
let apiKey: string;
let operations: Operation[];
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'silent' }, { outboxWorker: false });
  session = await signIn(t.app, ADMIN.email, ADMIN.password);

  const key = await t.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: session.headers,
    payload: { name: 'fuzz', scopes: [...PERMISSIONS] },
  });
  apiKey = key.json().key;
  expect(apiKey, key.body).toBeTypeOf('string');
  operations = operationsOf((await t.app.inject({ url: '/api/v1/openapi.json' })).json());
}, 180_000);
afterAll(() => t?.close());

describe('fuzzing every route', () => {
  it('never answers 5xx nor shows a stack trace', { timeout: 180_000 }, async () => {
    expect(operations.length).toBeGreaterThan(50);
    const r = rng(SEED);
    const failures: string[] = [];
    for (const op of operations) {
      // Signing out would end the session the other cases use.
      if (op.path.includes('logout')) continue;
      for (let n = 0; n < CASES; n++) {
        const who = pick(r, ['anonymous', 'key', 'session'] as const);
        const url =
          op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
            encodeAny(
              asText(
                r() < 0.5
                  ? name === 'locale'
                    ? pick(r, ['fr', 'en'])
                    : crypto.randomUUID()
                  : valueFor(r, undefined),
              ),
            ),
          ) + queryFor(r, op);
        const headers: Record<string, string> =
          who === 'key'
            ? { authorization: `Bearer ${apiKey}` }
            : who === 'session'
              ? { ...session.headers }
              : {};
        if (r() < 0.2) headers['accept-language'] = pick(r, ['fr', 'en', 'x'.repeat(300)]);
        const isForm = !op.path.startsWith('/api/');
        let payload: string | undefined;
        if (op.body && op.method !== 'GET') {
          // Half the cases keep the shape valid so that poisoned text gets past validation.
          const chaos = r() < 0.5 ? 0 : 0.15;
          const value =
            r() < 0.05 ? `${'['.repeat(2_000)}${']'.repeat(2_000)}` : valueFor(r, op.body, 0, chaos);
          if (isForm) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            payload = Object.entries(typeof value === 'object' && value ? value : { subject: value })
              .flatMap(([k, v]) =>
                r() < 0.1
                  ? [
                      [k, v],
                      [k, v],
                    ]
                  : [[k, v]],
              )
              .map(([k, v]) => `${encodeAny(String(k))}=${encodeAny(asText(v))}`)
              .join('&');
          } else {
            headers['content-type'] = 'application/json';
            payload = typeof value === 'string' && value.startsWith('[') ? value : JSON.stringify(value);
          }
        }
        const res = await t.app.inject({
          method: op.method as 'GET',
          url,
          headers,
          ...(payload !== undefined ? { payload } : {}),
        });
        const stack = /\n\s+at |node_modules|\.ts:\d+:\d+/.test(res.body);
        if (res.statusCode >= 500 || stack) {
          failures.push(
            `${res.statusCode} ${op.method} ${url.slice(0, 200)} as ${who} (seed ${SEED}): ${res.body.slice(0, 300)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

function queryFor(r: Random, op: Operation): string {
  const parts: string[] = [];
  for (const p of op.query) {
    if (!p.required && r() < 0.4) continue;
    const value = encodeAny(asText(valueFor(r, p.schema)));
    parts.push(`${p.name}=${value}`);
    if (r() < 0.15) parts.push(`${p.name}=${value}`); // repeated parameter
  }
  if (r() < 0.1) parts.push(`unknown=${encodeAny(pick(r, HOSTILE_TEXT))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
