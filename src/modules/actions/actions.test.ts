import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { startReceiver } from '../../../test/receivers.ts';
import { hostSignature } from '../../../test/widget-helpers.ts';
import { auditLog } from '../../db/schema.ts';
import { updateCustomerProfile } from '../customers/service.ts';
import { requestSignInLink } from '../customers/sign-in.ts';

let t: TestApp;
let crm: Awaited<ReturnType<typeof startReceiver>>;
let admin: Session;
beforeAll(async () => {
  // The company's API: answers per path, like a CRM would.
  crm = await startReceiver((req, res) => {
    if (req.path.startsWith('/fail')) return void res.writeHead(502).end('bad gateway');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ invoice: 'F-2026-11' }));
  });
  t = await createTestApp({}, { outboxWorker: false });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const conn = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/flow-connections/crm',
    headers: admin.headers,
    payload: { baseUrl: crm.url, headers: { authorization: 'Bearer crm-secret' } },
  });
  expect(conn.statusCode, conn.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await crm?.close();
});

const fr = (s: string) => ({ fr: s, en: `${s} (en)` });
function definition(overrides: Record<string, unknown> = {}) {
  return {
    key: 'resend-invoice',
    name: fr('Renvoyer ma dernière facture'),
    description: fr('Nous renvoyons votre dernière facture par e-mail.'),
    confirmText: fr('Renvoyer votre dernière facture ?'),
    successText: {
      fr: 'Facture {{response.invoice}} renvoyée.',
      en: 'Invoice {{response.invoice}} sent again.',
    },
    failureText: fr('Le renvoi a échoué.'),
    connection: 'crm',
    method: 'POST',
    path: '/invoices/{{customer.id}}/resend',
    sendFields: ['id', 'email'],
    rateLimit: { max: 2, windowMinutes: 60 },
    ...overrides,
  };
}

async function createAction(overrides: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/customer-actions',
    headers: admin.headers,
    payload: definition(overrides),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

/** A customer signed in through a magic link: the portal cookie and the CSRF token of their session. */
async function customer(email: string) {
  const { link } = await requestSignInLink(t.app.db, { email, locale: 'fr' }, 'http://relais.test');
  const token = new URL(link!).searchParams.get('token')!;
  const verified = await t.app.inject({
    method: 'POST',
    url: '/fr/account/sign-in/verify',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${token}`,
  });
  expect(verified.statusCode).toBe(303);
  const cookie = verified.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const page = await t.app.inject({ method: 'GET', url: '/fr/account', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const found = await t.app.inject({
    method: 'GET',
    url: `/api/v1/customers?q=${encodeURIComponent(email)}`,
    headers: admin.headers,
  });
  const id = found.json().items[0].id as string;
  return { cookie, headers: { cookie, 'x-csrf-token': csrf }, id };
}

const run = (who: { headers: Record<string, string> }, id: string, payload: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1/account/actions/${id}/runs`, headers: who.headers, payload });

describe('defining actions', () => {
  it('refuses a definition that names what does not exist, field by field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ connection: 'nowhere' }, 'connection'],
      [{ path: '/x/{{customer.externalId}}' }, 'path'],
      [{ path: '/x/{{answers.reason}}' }, 'path'],
      [{ successText: fr('{{answers.nope}}') }, 'successText.fr'],
      [{ inputs: [{ name: 'when', kind: 'choice', label: fr('Quand') }] }, 'inputs.0.choices'],
      [{ sendFields: ['password'] }, 'sendFields.0'],
      [{ rateLimit: { max: 0, windowMinutes: 60 } }, 'rateLimit.max'],
      [{ name: { fr: 'Sans anglais' } }, 'name.en'],
    ];
    for (const [overrides, field] of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/customer-actions',
        headers: admin.headers,
        payload: definition({ key: 'invalid', ...overrides }),
      });
      expect(res.statusCode, JSON.stringify(overrides)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field, JSON.stringify(overrides)).toBe(field);
    }
  });

  it('needs settings:manage, audits the staff write and refuses a duplicate key', async () => {
    const agent = await buildStaff(t.app, 'agent');
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/customer-actions',
      headers: agent.headers,
      payload: definition({ key: 'by-agent' }),
    });
    expect(denied.statusCode).toBe(403);
    const { id } = await createAction({ key: 'dup-check' });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/customer-actions',
      headers: admin.headers,
      payload: definition({ key: 'dup-check' }),
    });
    expect(again.statusCode).toBe(409);
    const audit = await t.app.db.select().from(auditLog);
    expect(audit.some((a) => a.action === 'customer_action.created' && a.subjectId === id)).toBe(true);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/customer-actions/${id}`,
      headers: admin.headers,
    });
    expect(removed.statusCode).toBe(204);
  });
});

describe('running actions', () => {
  let invoice: string;
  let proOnly: string;
  beforeAll(async () => {
    invoice = (await createAction()).id;
    proOnly = (
      await createAction({
        key: 'suspend-line',
        name: fr('Suspendre ma ligne'),
        path: '/lines/suspend',
        sendFields: ['id'],
        segments: ['plan=pro'],
        inputs: [{ name: 'until', kind: 'date', label: fr('Jusqu’au'), required: true }],
        successText: fr('Ligne suspendue jusqu’au {{answers.until}}.'),
      })
    ).id;
  });

  it('refuses without a signed-in customer (problem+json)', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/account/actions' });
    expect(list.statusCode).toBe(401);
    expect(list.headers['content-type']).toContain('application/problem+json');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/account/actions/${invoice}/runs`,
      payload: {},
    });
    expect(res.statusCode).toBe(401);
    // A staff session is nobody on customer routes.
    const staff = await run(admin, invoice);
    expect(staff.statusCode).toBe(401);
  });

  it('sends only the verified identity, shows the result, records the run and audits it as the customer', async () => {
    const claire = await customer('claire.actions@example.fr');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/account/actions?locale=en',
      headers: claire.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((a: { key: string }) => a.key)).toEqual(['resend-invoice']);
    expect(list.json().items[0]).toMatchObject({ name: 'Renvoyer ma dernière facture (en)' });
    expect(JSON.stringify(list.json())).not.toContain('crm');

    const before = crm.received.length;
    const res = await run(claire, invoice, { locale: 'fr' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ outcome: 'succeeded', message: 'Facture F-2026-11 renvoyée.' });
    const call = crm.received[before]!;
    expect(call.headers.authorization).toBe('Bearer crm-secret');
    expect(call.path).toBe(`/invoices/${claire.id}/resend`);
    expect(JSON.parse(call.body)).toEqual({
      action: 'resend-invoice',
      customer: { id: claire.id, email: 'claire.actions@example.fr' },
      answers: {},
    });

    const runs = await t.app.inject({
      method: 'GET',
      url: `/api/v1/customer-actions/runs?actionId=${invoice}`,
      headers: admin.headers,
    });
    expect(runs.json().items[0]).toMatchObject({
      customerId: claire.id,
      customer: 'claire.actions@example.fr',
      channel: 'portal',
      outcome: 'succeeded',
    });
    const audit = await t.app.db.select().from(auditLog);
    const entry = audit.find((a) => a.action === 'customer_action.ran' && a.actorId === claire.id);
    expect(entry).toMatchObject({ actorType: 'customer', subjectId: invoice });
    expect(JSON.stringify(entry)).not.toContain('claire.actions@');
  });

  it('never takes identity from what the customer types, and checks the inputs', async () => {
    const bob = await customer('bob.actions@example.fr');
    const typed = await run(bob, invoice, { answers: { email: 'claire.actions@example.fr' } });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().field).toBe('answers.email');
    await updateCustomerProfile(t.app.db, { kind: 'anonymous' }, bob.id, { segments: ['plan=pro'] });
    const missing = await run(bob, proOnly, { answers: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().field).toBe('answers.until');
    const bad = await run(bob, proOnly, { answers: { until: '31/12/2026' } });
    expect(bad.json().field).toBe('answers.until');
    const ok = await run(bob, proOnly, { answers: { until: '2026-12-31' }, locale: 'fr' });
    expect(ok.json()).toEqual({ outcome: 'succeeded', message: 'Ligne suspendue jusqu’au 2026-12-31.' });
  });

  it('IDOR: a segment-forbidden action is the same 404 as a missing one; no customer acts as another', async () => {
    const eve = await customer('eve.actions@example.fr');
    const forbidden = await run(eve, proOnly, { answers: { until: '2026-12-31' } });
    const missing = await run(eve, '00000000-0000-4000-8000-000000000000');
    expect(forbidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(forbidden.json().detail).toBe(missing.json().detail);
    // Another customer's id in the body or the URL's query changes nothing: the session decides.
    const before = crm.received.length;
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/v1/account/actions/${invoice}/runs?customerId=00000000-0000-4000-8000-000000000001`,
      headers: eve.headers,
      payload: { customerId: '00000000-0000-4000-8000-000000000001' },
    });
    expect(other.statusCode).toBe(400);
    expect(crm.received.length).toBe(before);
    // Without the session's CSRF token, a cookie alone runs nothing.
    const csrfless = await t.app.inject({
      method: 'POST',
      url: `/api/v1/account/actions/${invoice}/runs`,
      headers: { cookie: eve.cookie },
      payload: {},
    });
    expect(csrfless.statusCode).toBe(403);
  });

  it('limits runs per customer through the shared store, and reports failures', async () => {
    const dan = await customer('dan.actions@example.fr');
    expect((await run(dan, invoice)).statusCode).toBe(200);
    expect((await run(dan, invoice)).statusCode).toBe(200);
    const third = await run(dan, invoice);
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('rate-limited');
    // The limit is per customer: someone else still may.
    const other = await customer('fay.actions@example.fr');
    expect((await run(other, invoice)).statusCode).toBe(200);

    const failing = await createAction({ key: 'restart-box', path: '/fail/restart', sendFields: [] });
    const failed = await run(dan, failing.id, { locale: 'en' });
    expect(failed.json()).toEqual({ outcome: 'failed', message: 'Le renvoi a échoué. (en)' });
    const runs = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customer-actions/runs',
      headers: admin.headers,
    });
    const mine = runs.json().items.filter((r: { customerId: string }) => r.customerId === dan.id);
    expect(mine.map((r: { outcome: string; reason: string | null }) => `${r.outcome}:${r.reason}`)).toEqual([
      'failed:http_502',
      'refused:rate_limited',
      'succeeded:null',
      'succeeded:null',
    ]);
  });

  it('widget: only for a host-signed identity, whose customer it runs for', async () => {
    const site = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/sites',
      headers: admin.headers,
      payload: { key: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] },
    });
    const secret = site.json().identitySecret as string;
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/widget/actions?site=shop' });
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.json().code).toBe('identity-not-verified');
    const forged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/widget/actions/${invoice}/runs?site=shop`,
      payload: { token: 'forged.token' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toContain('application/problem+json');

    const claims = {
      id: 'crm-7',
      email: 'gil.actions@example.fr',
      segments: ['plan=pro'],
      issuedAt: Math.floor(Date.now() / 1000),
    };
    const identified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...claims, signature: hostSignature(secret, claims) },
    });
    const token = identified.json().token as string;
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/widget/actions?site=shop&token=${encodeURIComponent(token)}`,
    });
    expect(list.json().items.map((a: { key: string }) => a.key)).toContain('suspend-line');
    const before = crm.received.length;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/widget/actions/${proOnly}/runs?site=shop`,
      payload: { token, answers: { until: '2027-01-15' }, locale: 'fr' },
    });
    expect(res.json().outcome).toBe('succeeded');
    expect(JSON.parse(crm.received[before]!.body).customer.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('portal pages', () => {
  it('lists, confirms and shows the result; a forbidden action is the portal’s 404', async () => {
    const { id } = await createAction({
      key: 'portal-box',
      name: { fr: 'Redémarrer ma box', en: 'Restart my box' },
      path: '/box/restart',
      inputs: [
        {
          name: 'when',
          kind: 'choice',
          label: { fr: 'Quand', en: 'When' },
          choices: [{ value: 'now', label: { fr: 'Maintenant', en: 'Now' } }],
        },
      ],
    });
    const proOnly = await createAction({ key: 'portal-pro', segments: ['plan=ultra'] });
    const ines = await customer('ines.actions@example.fr');
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: ines.cookie } });
    const post = (url: string, form: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: ines.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: ines.headers['x-csrf-token'], ...form }).toString(),
      });
    const list = await get('/fr/account/actions');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Choisir «\u00a0Redémarrer ma box\u00a0»');
    expect(list.body).not.toContain(proOnly.id);
    const en = await get('/en/account/actions');
    expect(en.body).toContain('Choose “Restart my box”');

    const confirm = await get(`/fr/account/actions/${id}`);
    expect(confirm.body).toContain('Renvoyer votre dernière facture ?');
    expect(confirm.body).toContain('<option value="now"');
    const invalid = await post(`/fr/account/actions/${id}`, { when: 'tomorrow' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Vérifiez le champ «\u00a0Quand\u00a0»');
    const done = await post(`/fr/account/actions/${id}`, { when: 'now' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Facture F-2026-11 renvoyée.');
    expect(done.body).toContain('role="status"');

    for (const res of [
      await get(`/fr/account/actions/${proOnly.id}`),
      await post(`/fr/account/actions/${proOnly.id}`, {}),
    ])
      expect(res.statusCode).toBe(404);
    // Without the session's CSRF token, the form runs nothing.
    const forged = await t.app.inject({
      method: 'POST',
      url: `/fr/account/actions/${id}`,
      headers: { cookie: ines.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'when=now',
    });
    expect(forged.statusCode).toBe(403);
    const signedOut = await t.app.inject({ method: 'GET', url: '/fr/account/actions' });
    expect(signedOut.statusCode).toBe(303);
  });
});
