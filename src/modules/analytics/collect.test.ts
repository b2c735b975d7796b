import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildStaff,
  createTestApp,
  problem,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { recordEvent } from '../events/service.ts';
import { rows } from './repository.ts';

let t: TestApp;
let admin: Session;
let analyst: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  analyst = await buildStaff(t.app, 'analyst');
});
afterAll(() => t.close());

const collect = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/events', payload: payload as object, headers });
const stored = () =>
  rows<{ type: string; visitor_id: string | null; session_id: string; data: Record<string, unknown> }>(
    t.app.db,
    sql`SELECT type, visitor_id, session_id, data FROM events ORDER BY id`,
  );
const setSettings = (body: object) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/analytics/settings', headers: admin.headers, payload: body });

describe('POST /api/v1/events', () => {
  it('stores whitelisted browser events with a first-party random id, without the query string', async () => {
    const res = await collect({
      channel: 'widget',
      locale: 'fr',
      events: [{ type: 'widget.opened', data: { page: '/offres?email=jean@exemple.fr#top' } }],
    });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body.visitorId).toMatch(/^[\w-]{16,64}$/);
    const cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
    expect(cookies.relais_vid).toMatchObject({ value: body.visitorId, httpOnly: true, sameSite: 'Lax' });
    expect(cookies.relais_sid?.value).toBe(body.sessionId);
    const [row] = await stored();
    expect(row).toMatchObject({
      type: 'widget.opened',
      visitor_id: body.visitorId,
      data: { page: '/offres' },
    });
    // The IP address is never stored, raw or hashed.
    expect(JSON.stringify(await stored())).not.toContain('127.0.0.1');
  });

  it('refuses server-only types and invalid data, naming the field', async () => {
    const server = await collect({ channel: 'widget', events: [{ type: 'escalation.created', data: {} }] });
    expect(problem(server)).toMatchObject({
      status: 400,
      body: { code: 'validation', field: 'events.0.type' },
    });
    const bad = await collect({
      channel: 'helpcentre',
      events: [{ type: 'search.result_clicked', subjectId: 'a1', data: { rank: 0 } }],
    });
    expect(problem(bad)).toMatchObject({ status: 400, body: { field: 'events.0.data.rank' } });
    const extra = await collect({
      channel: 'helpcentre',
      events: [{ type: 'widget.opened', data: { email: 'x@y.fr' } }],
    });
    expect(problem(extra)).toMatchObject({ status: 400, body: { field: 'events.0.data.email' } });
    const noSubject = await collect({
      channel: 'helpcentre',
      events: [{ type: 'article.viewed', data: {} }],
    });
    expect(problem(noSubject)).toMatchObject({ status: 400, body: { field: 'events.0.subjectId' } });
  });

  it('keeps no persistent id when consent is required and not given', async () => {
    expect((await setSettings({ consentMode: 'required' })).statusCode).toBe(200);
    const pageId = 'page_1234567890abcdef';
    const res = await collect(
      { channel: 'helpcentre', pageId, events: [{ type: 'contact.form_opened', data: {} }] },
      { cookie: 'relais_vid=previous_visitor_id_123' },
    );
    expect(res.json()).toMatchObject({ visitorId: null, sessionId: `p:${pageId}` });
    // The old cookie is cleared, no new one is set.
    expect(res.cookies.find((c) => c.name === 'relais_vid')?.value).toBe('');
    expect(res.cookies.find((c) => c.name === 'relais_sid' && c.value)).toBeUndefined();
    const consented = await collect({
      channel: 'helpcentre',
      consent: true,
      events: [{ type: 'contact.form_opened', data: {} }],
    });
    expect(consented.json().visitorId).toMatch(/^[\w-]{16,}$/);
    await setSettings({ consentMode: 'off' });
  });

  it('is rate-limited', async () => {
    let last = 0;
    for (let i = 0; i < 125 && last !== 429; i++) {
      last = (await collect({ channel: 'widget', events: [] }, { 'x-forwarded-for': '10.0.0.9' })).statusCode;
    }
    expect(last).toBe(429);
  });
});

describe('micro-surveys', () => {
  it('accepts CSAT and CES answers, validates the scale and respects settings', async () => {
    const cfg = await t.app.inject({ method: 'GET', url: '/api/v1/surveys/config' });
    expect(cfg.json()).toEqual({ csat: true, ces: true, sampleRate: 0.2 });
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/surveys/responses',
      payload: { channel: 'helpcentre', kind: 'csat', score: 5, context: 'article', page: '/fr/a?x=1' },
    });
    expect(ok.statusCode, ok.body).toBe(202);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/surveys/responses',
      payload: { channel: 'helpcentre', kind: 'csat', score: 6 },
    });
    expect(problem(wrong)).toMatchObject({ status: 400, body: { field: 'score' } });
    await setSettings({ surveys: { csat: true, ces: false, sampleRate: 0.5 } });
    const off = await t.app.inject({
      method: 'POST',
      url: '/api/v1/surveys/responses',
      payload: { channel: 'widget', kind: 'ces', score: 6 },
    });
    expect(problem(off)).toMatchObject({ status: 400, body: { field: 'kind' } });
    const rows_ = await stored();
    expect(rows_.at(-1)).toMatchObject({
      type: 'survey.answered',
      data: { kind: 'csat', score: 5, page: '/fr/a' },
    });
  });
});

describe('dashboard access, masking, export and purge', () => {
  it('lets analysts and admins read; others are refused', async () => {
    const editor = await buildStaff(t.app, 'editor');
    const url = '/api/v1/analytics/dashboard';
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url, headers: editor.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url, headers: analyst.headers })).statusCode).toBe(200);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/analytics/settings',
      headers: analyst.headers,
      payload: { retentionDays: 10 },
    });
    expect(put.statusCode).toBe(403);
  });

  it('stores searched queries masked, in French and English, and exports them as CSV', async () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const [query, locale] of [
      ['remboursement sur FR76 3000 6000 0112 3456 7890 189', 'fr'],
      ['rappelez-moi au 06 12 34 56 78', 'fr'],
      ['send the invoice to jane.doe@example.com', 'en'],
      ['=HYPERLINK("http://evil")', 'en'],
    ] as Array<[string, string]>) {
      await recordEvent(t.app.db, {
        type: 'search.performed',
        channel: 'helpcentre',
        sessionId: `sess-${query.length}`,
        locale,
        // A minute ago: rollups leave the last 5 seconds for the next run.
        at: new Date(Date.now() - 60_000),
        data: { query, resultCount: 0, confidence: 0, abstained: true },
      });
    }
    const all = JSON.stringify(await stored());
    for (const secret of ['FR76', '06 12 34', 'jane.doe']) expect(all).not.toContain(secret);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analytics/export/searches.csv?from=${today}&to=${today}&locale=fr`,
      headers: analyst.headers,
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(`relais-searches-${today}-${today}-fr.csv`);
    expect(csv.body.split('\r\n').slice(0, 1)).toEqual(['query,count,zeroResults,abstained']);
    expect(csv.body).toContain('remboursement sur [iban],1,1,1');
    expect(csv.body).toContain('rappelez-moi au [phone],1,1,1');
    expect(csv.body).not.toContain('invoice'); // English, filtered out
    const en = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analytics/export/searches.csv?from=${today}&to=${today}&locale=en`,
      headers: analyst.headers,
    });
    expect(en.body).toContain('send the invoice to [email]');
    // A formula typed by a customer is defused for spreadsheets.
    expect(en.body).toContain(`"'=hyperlink(""http://evil"")"`);
  });

  it('purges events past the retention period', async () => {
    await setSettings({ retentionDays: 30 });
    await recordEvent(t.app.db, {
      type: 'widget.opened',
      channel: 'widget',
      at: new Date(Date.now() - 40 * 86_400_000),
    });
    const before = (await stored()).length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/purge',
      headers: admin.headers,
    });
    expect(res.json()).toEqual({ deleted: 1 });
    expect((await stored()).length).toBe(before - 1);
  });
});
