import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  createTestApp,
  LogCapture,
  type Session,
  scratchDatabaseUrl,
  signIn,
  type TestApp,
  testConfig,
} from '../../test/helpers.ts';
import { buildApp } from '../app.ts';
import { openDatabase } from '../db/client.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

function expectRefused(res: Res, field: string) {
  expect(res.statusCode).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json();
  expect(body).toMatchObject({ status: 400, code: 'validation', field });
  return body as { detail: string };
}

const form = (url: string, payload: string) =>
  t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

const json = (url: string, payload: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

describe('one edge for text: NUL and lone surrogates', () => {
  it('refuses a NUL in a query string, naming the parameter', async () => {
    const body = expectRefused(await t.app.inject({ url: '/api/v1/search?q=a%00b' }), 'q');
    expect(body.detail).toContain('NUL');
  });

  it('refuses a lone surrogate in a JSON body', async () => {
    expectRefused(await json('/api/v1/answer', '{"question":"x\\ud800y"}'), 'question');
    expectRefused(await json('/api/v1/answer', '{"question":"x\\udc00"}'), 'question');
  });

  it('keeps a well-formed surrogate pair (emoji) and accents', async () => {
    const res = await json('/api/v1/answer', '{"question":"r\\u00e9silier \\ud83d\\ude00"}');
    expect(res.statusCode).toBe(200);
  });

  it('looks deep into bodies and names the nested field', async () => {
    const payload = JSON.stringify({
      channel: 'api',
      subject: 'Hello',
      description: 'A long enough description',
      context: { customer: { email: 'a@b.fr', name: 'Zoé\u0000' } },
    });
    expectRefused(await json('/api/v1/escalations', payload), 'context.customer.name');
  });

  it('refuses a NUL in an object key', async () => {
    const res = await json('/api/v1/answer', '{"question":"x","a\\u0000":1}');
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('a\uFFFD');
  });

  it('refuses a NUL in a path parameter', async () => {
    expectRefused(await t.app.inject({ url: '/fr/articles/a%00b' }), 'slug');
  });

  it('refuses a NUL in a url-encoded form field (help-centre contact form)', async () => {
    const res = await form('/fr/contact', 'subject=a%00b&description=long+enough+text&email=a%40b.fr');
    expectRefused(res, 'subject');
  });

  it('answers in French when the client prefers it', async () => {
    const res = await t.app.inject({
      url: '/api/v1/search?q=a%00b',
      headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
    });
    expect(expectRefused(res, 'q').detail).toMatch(
      /^Requête invalide \(paramètres\)\u00a0: q\u00a0: contient un caractère NUL/,
    );
  });
});

describe('one edge for text: repeated parameters, lengths, redirects', () => {
  it('refuses a repeated query parameter, naming it (the contact page gave a 500)', async () => {
    const res = await t.app.inject({ url: '/fr/contact?subject=a&subject=b' });
    // A help-centre page's problems are in its language.
    expect(expectRefused(res, 'subject').detail).toContain('donné plusieurs fois');
    expectRefused(await t.app.inject({ url: '/api/v1/search?q=a&q=b' }), 'q');
  });

  it('refuses a form field given twice', async () => {
    const res = await form('/fr/contact', 'subject=a&subject=b');
    expectRefused(res, 'subject');
  });

  it('bounds query values and body strings', async () => {
    expectRefused(await t.app.inject({ url: `/api/v1/search?q=${'a'.repeat(5000)}` }), 'q');
    const huge = JSON.stringify({ question: 'x'.repeat(200_001) });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/answer',
      payload: huge,
      headers: { 'content-type': 'application/json' },
    });
    expectRefused(res, 'question');
  });

  it('refuses absurdly nested bodies without a 500', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await json('/api/v1/answer', `{"question":${deep}}`);
    expect(res.statusCode).toBe(400);
  });

  it('never copies a 30,000-character token into a Location header', async () => {
    const res = await form('/tickets/view', `token=${'a'.repeat(30_000)}&body=hello`);
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    const shaped = await form('/tickets/view', `token=${'a'.repeat(43)}`);
    expect(shaped.statusCode).toBe(303);
    expect(shaped.headers.location).toBe(`/tickets/view?token=${'a'.repeat(43)}`);
  });

  it('purge refuses unknown fields', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/purge',
      payload: { olderThan: 0 },
      headers: admin.headers,
    });
    expectRefused(res, 'olderThan');
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/purge', headers: admin.headers });
    expect(ok.statusCode).toBe(200);
  });
});

describe('database errors in the log', () => {
  it('logs code, masked message and frames, never the SQL parameters', async () => {
    const scratch = await scratchDatabaseUrl();
    const database = await openDatabase(scratch.url, '/tmp/relais-unused');
    await database.migrate();
    const logs = new LogCapture();
    const config = { ...testConfig({ LOG_LEVEL: 'error' }), databaseUrl: scratch.url };
    const app = await buildApp({ config, database, logStream: logs, outboxWorker: false });
    const secret = 'zoe.martin@example.fr';
    app.get('/test/db-error', { config: { access: 'public' } }, async () => {
      // A real failed query with a customer's e-mail as parameter: the driver quotes it back too.
      await app.db.execute(sql`select ${secret}::uuid as id`);
      return {};
    });
    await app.ready();
    try {
      const res = await app.inject({ url: '/test/db-error' });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain(secret);
      const text = logs.text;
      expect(text).toContain('"code":"22P02"');
      expect(text).toContain('invalid input syntax for type uuid');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('zoe.martin');
      expect(text).not.toMatch(/params:|Failed query/);
    } finally {
      await app.close(); // closes the database too
      await scratch.drop();
    }
  });
});
