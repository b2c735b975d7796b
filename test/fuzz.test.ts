import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/shared/access-model.ts';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from './helpers.ts';

/**
 * Property-based fuzzing of every route of the OpenAPI document (plus the help-centre forms, which
 * are not in it), anonymous, with an all-scopes API key and with an admin session: whatever comes in —
 * NUL, lone surrogates, huge strings, repeated parameters, wrong types, unknown fields, deep nesting —
 * the answer is never a 5xx and never carries a stack trace.
 *
 * fast-check arbitraries are derived from each route's schemas (mostly valid, sometimes hostile), so
 * that poisoned text gets past validation too. FUZZ_SEED replays a run (the seed is printed with every
 * failure), FUZZ_CASES sets the cases per route (default 4: about 20 s here, well under a minute in CI).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_112);
const CASES = Number(process.env.FUZZ_CASES ?? 4);

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
const POISONS = ['\u0000', '\ud800', '\udfff', '\u0000\ud83d'];

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
  minLength?: number;
  maxLength?: number;
}

/** Any code unit, lone surrogates and NUL included (fast-check's own units leave them out). */
const anyText = fc.string({
  unit: fc.oneof(fc.constantFrom(...POISONS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 24,
});
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [1, 'a'], { a: { b: 1 } }, 1e308, 'text'),
  fc.anything({ maxDepth: 2 }),
);
/** Whatever does not fit: hostile text, a wrong type, or a huge string. */
const chaos: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_TEXT), weight: 4 },
  { arbitrary: anyText, weight: 2 },
  { arbitrary: wrongType, weight: 3 },
  { arbitrary: fc.constant(HUGE), weight: 1 },
);

/** A value that mostly fits `schema`, sometimes hostile (`chaos` = weight of the misfit, 0 = never). */
function arbitraryFor(schema: Schema | undefined, chaosWeight = 1, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return chaos;
  const fitting = fittingArbitraryFor(schema, chaosWeight, depth);
  return chaosWeight
    ? fc.oneof({ arbitrary: fitting, weight: 6 }, { arbitrary: chaos, weight: chaosWeight })
    : fitting;
}

function fittingArbitraryFor(schema: Schema, chaosWeight: number, depth: number): fc.Arbitrary<unknown> {
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => arbitraryFor(o, chaosWeight, depth + 1)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [k, arbitraryFor(s, chaosWeight, depth + 1)]),
      );
      const record = fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      if (!chaosWeight) return record;
      return fc
        .tuple(
          record,
          fc.option(fc.constantFrom('unknown', '__proto__', 'constructor', 'a\u0000'), { freq: 6 }),
        )
        .map(([value, extra]) => (extra === null ? value : { ...value, [extra]: 1 }));
    }
    case 'array':
      return fc.array(arbitraryFor(schema.items, chaosWeight, depth + 1), { maxLength: 3 });
    case 'integer':
    case 'number':
      return fc.oneof(fc.constantFrom(0, 1, 7, schema.minimum ?? 1, -5, 2 ** 31, 3.7), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'email') return fc.constantFrom('fuzz@relais.test', 'x@example.com');
      if (schema.format === 'date-time') return fc.constant(new Date().toISOString());
      if (schema.format === 'uri') return fc.constantFrom('https://example.com/x', 'http://127.0.0.1/');
      return textOf(schema);
  }
}

/** Text that passes most schemas, often carrying a NUL or a lone surrogate inside. */
function textOf(schema: Schema): fc.Arbitrary<string> {
  const candidates = ['fr', 'en', 'hello world', 'a long enough text for any minimum', 'x'];
  // A pattern (locale, key, site, visitor id…) is met when one of these happens to fit it.
  const fitting = schema.pattern
    ? [...candidates, 'fr-FR', 'demo', 'visitor-123456', 'a=b', '0'.repeat(64), '123456'].filter((c) =>
        new RegExp(schema.pattern!).test(c),
      )
    : candidates;
  return fc
    .tuple(
      fc.constantFrom(...(fitting.length ? fitting : candidates)),
      fc.option(fc.constantFrom(...POISONS), { freq: 2 }),
      fc.nat(),
    )
    .map(([base, poison, at]) => {
      const text = base.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? 1_000);
      if (poison === null) return text;
      const i = at % (text.length + 1);
      return `${text.slice(0, i)}${poison}${text.slice(i)}`;
    });
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

/** A rarely-true flag (repeated parameters, duplicated form fields, a bracket bomb). */
const rarely = (weight: number) => fc.oneof({ arbitrary: fc.constant(false), weight }, fc.constant(true));

/** One request to `op`: who calls, path parameters, query string, headers and body. */
function requestOf(op: Operation) {
  const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pathValue = (name: string) =>
    fc.oneof(name === 'locale' ? fc.constantFrom('fr', 'en') : fc.uuid(), chaos.map(asText));
  const queryPart = (p: Operation['query'][number]) =>
    fc.record({
      include: p.required ? fc.constant(true) : fc.boolean(),
      value: arbitraryFor(p.schema),
      repeated: rarely(6),
    });
  return fc.record({
    who: fc.constantFrom('anonymous', 'key', 'session'),
    path: fc.tuple(...pathNames.map(pathValue)),
    query: fc.tuple(...op.query.map(queryPart)),
    unknownQuery: fc.option(fc.constantFrom(...HOSTILE_TEXT), { freq: 9 }),
    language: fc.option(fc.constantFrom('fr', 'en', 'x'.repeat(300)), { freq: 4 }),
    // Half the cases keep the shape valid so that poisoned text gets past validation.
    body: op.body ? fc.oneof(arbitraryFor(op.body, 0), arbitraryFor(op.body, 1)) : fc.constant(undefined),
    bracketBomb: rarely(19),
    duplicateField: rarely(9),
  });
}

type RequestCase = ReturnType<typeof requestOf> extends fc.Arbitrary<infer C> ? C : never;

function urlOf(op: Operation, c: RequestCase) {
  let i = 0;
  const path = op.path.replace(/\{(\w+)\}/g, () => encodeAny(asText(c.path[i++])));
  const parts: string[] = [];
  op.query.forEach((p, n) => {
    const q = c.query[n]!;
    if (!q.include) return;
    const value = encodeAny(asText(q.value));
    parts.push(`${p.name}=${value}`);
    if (q.repeated) parts.push(`${p.name}=${value}`);
  });
  if (c.unknownQuery !== null) parts.push(`unknown=${encodeAny(c.unknownQuery)}`);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

describe('fuzzing every route', () => {
  it('never answers 5xx nor shows a stack trace', { timeout: 180_000 }, async () => {
    expect(operations.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const op of operations) {
      // Signing out, or ending one's other sessions, would end the session the other cases use.
      if (op.path.includes('logout') || op.path.includes('revoke-others')) continue;
      const property = fc.asyncProperty(requestOf(op), async (c) => {
        const url = urlOf(op, c);
        const headers: Record<string, string> =
          c.who === 'key'
            ? { authorization: `Bearer ${apiKey}` }
            : c.who === 'session'
              ? { ...session.headers }
              : {};
        if (c.language !== null) headers['accept-language'] = c.language;
        let payload: string | undefined;
        if (op.body && op.method !== 'GET') {
          const value = c.bracketBomb ? `${'['.repeat(2_000)}${']'.repeat(2_000)}` : c.body;
          if (!op.path.startsWith('/api/')) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            const fields = Object.entries(typeof value === 'object' && value ? value : { subject: value });
            if (c.duplicateField && fields[0]) fields.push(fields[0]);
            payload = fields.map(([k, v]) => `${encodeAny(String(k))}=${encodeAny(asText(v))}`).join('&');
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
          throw new Error(
            `${res.statusCode} ${op.method} ${url.slice(0, 200)} as ${c.who}: ${res.body.slice(0, 300)}`,
          );
        }
      });
      try {
        // No shrinking: the seed and path in the report replay the failing case exactly.
        await fc.assert(property, { seed: SEED, numRuns: CASES, endOnFailure: true });
      } catch (err) {
        failures.push(`${op.method} ${op.path} (FUZZ_SEED=${SEED}): ${(err as Error).message.slice(0, 800)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
