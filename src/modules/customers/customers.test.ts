import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildPublishedArticle,
  buildStaff,
  createTestApp,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { mailText, startSmtp } from '../../../test/receivers.ts';
import { hostSignature } from '../../../test/widget-helpers.ts';
import { articleFeedback, auditLog, customerSignInTokens, events, outbox } from '../../db/schema.ts';
import { resolveWidgetIdentity } from './service.ts';
import { consumeSignInLink, requestSignInLink, SIGN_IN_LINK_TTL_MS } from './sign-in.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ RELAIS_SMTP_URL: smtp.url, LOG_LEVEL: 'info' }, { outboxWorker: false });
});
afterAll(async () => {
  // Outside the demo, sign-in links are never logged.
  // Request logs mask query values (`token=…`); a real token must appear nowhere.
  const leak = t.logs.lines.find((l) => /token=[\w-]{20,}/.test(l));
  expect(leak).toBeUndefined();
  expect(t.logs.text).not.toMatch(/claire\.martin|idor@example|leaving@example/);
  await t?.close();
  await smtp?.close();
});

/** A browser's cookie jar over app.inject: form posts, redirects not followed. */
let visitors = 0;
class Visitor {
  cookies = new Map<string, string>();
  /** Each visitor its own address: the per-IP rate limits apply per visitor, as in real life. */
  ip = `10.0.${Math.floor(++visitors / 250)}.${visitors % 250}`;
  async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const res = await t.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.cookies) {
      if (c.value) this.cookies.set(c.name, c.value);
      else this.cookies.delete(c.name);
    }
    return res;
  }
  /** The CSRF token a customer page carries in its forms. */
  async csrf(url = '/fr/account') {
    const page = await this.send('GET', url);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${url}: ${page.statusCode}`);
    return token;
  }
}

async function lastLinkTo(address: string) {
  await t.app.outbox.drain();
  // The ticket confirmation may go out after the sign-in e-mail: take the last mail carrying a link.
  const links = smtp.mails
    .filter((m) => m.to.includes(address))
    .map((m) => /https?:\/\/\S+\/account\/sign-in\/verify\?token=[\w%-]+/.exec(mailText(m.raw))?.[0])
    .filter((l): l is string => Boolean(l));
  const link = links.at(-1);
  if (!link) throw new Error(`no sign-in link sent to ${address}`);
  return new URL(link);
}

/** Creates a ticket through the help-centre form, as a customer who is not signed in would. */
async function contactAs(email: string, subject: string) {
  const res = await new Visitor().send('POST', '/fr/contact', {
    subject,
    description: `${subject} : la description de ma demande.`,
    email,
  });
  expect(res.statusCode, res.body).toBe(200);
  return /id="reference">(R-[A-Z2-9]{8})</.exec(res.body)![1]!;
}

/** Magic link, from the request to the signed-in portal. */
async function signInAs(email: string) {
  const v = new Visitor();
  const asked = await v.send('POST', '/fr/account/sign-in', { email });
  expect(asked.statusCode).toBe(200);
  const link = await lastLinkTo(email.toLowerCase());
  const landing = await v.send('GET', `${link.pathname}${link.search}`);
  expect(landing.statusCode).toBe(200);
  const signedIn = await v.send('POST', link.pathname, { token: link.searchParams.get('token')! });
  expect(signedIn.statusCode, signedIn.body).toBe(303);
  expect(signedIn.headers.location).toBe('/fr/account');
  return v;
}

describe('magic-link sign-in', () => {
  it('signs a customer in and lists the tickets they created earlier with that address', async () => {
    const reference = await contactAs('Claire.Martin@example.fr', 'Ma facture est fausse');
    const claire = await signInAs('claire.martin@example.fr');
    const cookie = claire.cookies.get('relais_customer');
    expect(cookie).toBeDefined();
    expect(claire.cookies.has('relais_session')).toBe(false);

    const home = await claire.send('GET', '/fr/account');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(reference);
    expect(home.body).toContain('Ma facture est fausse');
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");

    const page = await claire.send('GET', `/fr/account/requests/${reference}`);
    expect(page.statusCode).toBe(200);
    const csrf = await claire.csrf(`/fr/account/requests/${reference}`);
    const replied = await claire.send('POST', `/fr/account/requests/${reference}/reply`, {
      _csrf: csrf,
      body: 'Voici ma facture corrigée en pièce jointe.',
    });
    expect(replied.statusCode).toBe(303);
    const after = await claire.send('GET', `/fr/account/requests/${reference}`);
    expect(after.body).toContain('Voici ma facture corrigée');
    expect(after.body).toContain('En cours');

    // Signed in, a new request joins her account even from another address.
    const other = await claire.send('POST', '/fr/contact', {
      subject: 'Depuis mon adresse pro',
      description: 'Une demande envoyée avec une autre adresse.',
      email: 'c.martin@entreprise.example',
    });
    const second = /id="reference">(R-[A-Z2-9]{8})</.exec(other.body)![1]!;
    expect((await claire.send('GET', '/fr/account')).body).toContain(second);
  });

  it('answers the same for any address, and a link works once within 15 minutes', async () => {
    const known = await new Visitor().send('POST', '/fr/account/sign-in', {
      email: 'claire.martin@example.fr',
    });
    const unknown = await new Visitor().send('POST', '/fr/account/sign-in', { email: 'personne@example.fr' });
    const strip = (s: string) => s.replace(/value="[^"]*"/g, '');
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(strip(unknown.body)).toBe(strip(known.body));

    const link = await lastLinkTo('personne@example.fr');
    const token = link.searchParams.get('token')!;
    const rows = await t.app.db.select().from(customerSignInTokens);
    expect(JSON.stringify(rows)).not.toContain(token);
    const outboxRows = await t.app.db.select().from(outbox);
    expect(JSON.stringify(outboxRows)).not.toContain(token);

    const v = new Visitor();
    expect((await v.send('POST', link.pathname, { token })).statusCode).toBe(303);
    const again = await new Visitor().send('POST', link.pathname, { token });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Ce lien n’est plus valide');

    const old = await requestSignInLink(
      t.app.db,
      { email: 'late@example.fr', locale: 'fr' },
      'http://x',
      new Date(Date.now() - SIGN_IN_LINK_TTL_MS - 1000),
    );
    const oldToken = new URL(old.link!).searchParams.get('token')!;
    expect(await consumeSignInLink(t.app.db, oldToken)).toBeUndefined();
  });

  it('queues at most three links per address per 15 minutes, with the same answer', async () => {
    const before = smtp.mails.length;
    const bodies = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await new Visitor().send('POST', '/en/account/sign-in', { email: 'flood@example.com' });
      expect(res.statusCode).toBe(200);
      bodies.add(res.body.replace(/value="[^"]*"/g, ''));
    }
    await t.app.outbox.drain();
    expect(smtp.mails.slice(before).filter((m) => m.to.includes('flood@example.com'))).toHaveLength(3);
    expect(bodies.size).toBe(1);
  });

  it('holds the per-address limit for requests arriving at once (shared store, as across nodes)', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        requestSignInLink(t.app.db, { email: 'burst@example.fr', locale: 'fr' }, 'http://relais.test'),
      ),
    );
    expect(results.filter((r) => r.queued)).toHaveLength(3);
    const stored = await t.app.db.select().from(customerSignInTokens);
    expect(stored.filter((r) => r.email === 'burst@example.fr')).toHaveLength(3);
  });

  it('limits sign-in requests per IP address', async () => {
    const v = new Visitor();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push((await v.send('POST', '/fr/account/sign-in', { email: `ip${i}@example.fr` })).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 200)).toBe(true);
    expect(codes[10]).toBe(429);
  });

  it('refuses a malformed address with a 400 naming the field', async () => {
    const res = await new Visitor().send('POST', '/en/account/sign-in', { email: 'not an address' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('Enter a valid e-mail address');
  });
});

describe('customer sessions', () => {
  it('sends visitors without a customer session to the sign-in page, staff sessions included', async () => {
    expect((await new Visitor().send('GET', '/fr/account')).headers.location).toBe('/fr/account/sign-in');
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const asStaff = await t.app.inject({
      method: 'GET',
      url: '/en/account',
      headers: { cookie: admin.cookie },
    });
    expect(asStaff.statusCode).toBe(303);
    expect(asStaff.headers.location).toBe('/en/account/sign-in');
  });

  it('refuses a customer write without the CSRF token', async () => {
    const reference = await contactAs('csrf@example.fr', 'Question sans jeton');
    const v = await signInAs('csrf@example.fr');
    const res = await v.send('POST', `/fr/account/requests/${reference}/reply`, { body: 'forged' });
    expect(res.statusCode).toBe(403);
    const wrong = await v.send('POST', `/fr/account/requests/${reference}/reply`, {
      body: 'forged',
      _csrf: 'x'.repeat(43),
    });
    expect(wrong.statusCode).toBe(403);
    expect((await v.send('GET', `/fr/account/requests/${reference}`)).body).not.toContain('forged');
  });

  it('cannot reach the staff API with a customer cookie', async () => {
    const v = await signInAs('nosy@example.fr');
    expect((await v.send('GET', '/api/v1/tickets')).statusCode).toBe(401);
    expect((await v.send('GET', '/api/v1/customers')).statusCode).toBe(401);
  });

  it('signs out: the cookie no longer opens the portal', async () => {
    const v = await signInAs('bye@example.fr');
    const cookie = v.cookies.get('relais_customer')!;
    const csrf = await v.csrf();
    expect((await v.send('POST', '/fr/account/sign-out', { _csrf: csrf })).statusCode).toBe(303);
    const replay = await t.app.inject({
      method: 'GET',
      url: '/fr/account',
      headers: { cookie: `relais_customer=${cookie}` },
    });
    expect(replay.headers.location).toBe('/fr/account/sign-in');
  });
});

describe('one customer across surfaces', () => {
  it('a host-signed widget identity and a magic link resolve to the same customer', async () => {
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/sites',
      headers: admin.headers,
      payload: { key: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] },
    });
    const secret = created.json().identitySecret as string;
    const claims = {
      id: 'crm-42',
      email: 'widget.user@example.fr',
      segments: ['plan=fibre-pro', 'product=mobile'],
      issuedAt: Math.floor(Date.now() / 1000),
    };
    const identified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...claims, signature: hostSignature(secret, claims) },
    });
    expect(identified.statusCode, identified.body).toBe(200);
    const v = await signInAs('widget.user@example.fr');
    const data = JSON.parse((await v.send('GET', '/fr/account/data.json')).body);
    expect(data.account).toMatchObject({
      externalId: 'crm-42',
      segments: ['plan=fibre-pro', 'product=mobile'],
    });
    // The host is the source of truth for segments; the external id finds the same account.
    const again = await resolveWidgetIdentity(t.app.db, {
      externalId: 'crm-42',
      segments: ['product=mobile'],
    });
    expect(again.email).toBe('widget.user@example.fr');
    expect(again.segments).toEqual(['product=mobile']);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...claims, id: 'crm-43', signature: hostSignature(secret, claims) },
    });
    expect(forged.statusCode).toBe(401);
    const staff = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customers?q=crm-43',
      headers: admin.headers,
    });
    expect(staff.json().total).toBe(0);
  });

  it('staff find customers, set segments and merge duplicates (audited)', async () => {
    const agent = await buildStaff(t.app, 'agent');
    const analyst = await buildStaff(t.app, 'analyst');
    const refA = await contactAs('dup.one@example.fr', 'Premier compte');
    const refB = await contactAs('dup.two@example.fr', 'Second compte');
    await signInAs('dup.one@example.fr');
    await signInAs('dup.two@example.fr');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customers?q=dup.',
      headers: agent.headers,
    });
    expect(list.statusCode).toBe(200);
    const [one, two] = ['dup.one@example.fr', 'dup.two@example.fr'].map((e) =>
      list.json().items.find((c: { email: string }) => c.email === e),
    );
    expect(one && two).toBeTruthy();
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/customers', headers: analyst.headers })).statusCode,
    ).toBe(403);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${one.id}`,
      headers: agent.headers,
      payload: { segments: ['plan=fibre-pro'] },
    });
    expect(patched.statusCode).toBe(200);
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${one.id}`,
      headers: agent.headers,
      payload: { segments: ['<script>'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/^segments/);

    const self = await t.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${one.id}/merge`,
      headers: agent.headers,
      payload: { sourceId: one.id },
    });
    expect(self.statusCode).toBe(400);
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${one.id}/merge`,
      headers: agent.headers,
      payload: { sourceId: two.id },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const profile = (
      await t.app.inject({ method: 'GET', url: `/api/v1/customers/${one.id}`, headers: agent.headers })
    ).json();
    expect(profile.tickets.map((tk: { reference: string }) => tk.reference).sort()).toEqual(
      [refA, refB].sort(),
    );
    expect(profile.email).toBe('dup.one@example.fr');
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/customers/${two.id}`, headers: agent.headers }))
        .statusCode,
    ).toBe(404);
    const audit = await t.app.db.select().from(auditLog);
    const entry = audit.find((a) => a.action === 'customer.merged');
    expect(entry).toMatchObject({ subjectId: one.id, details: { mergedId: two.id } });
    expect(JSON.stringify(audit)).not.toContain('dup.two@example.fr');
  });
});

describe('my data', () => {
  it('downloads what Relais holds, records consents, and deletes the account by anonymising its tickets', async () => {
    const reference = await contactAs('leaving@example.fr', 'Je pars');
    const v = await signInAs('leaving@example.fr');
    const data = await v.send('GET', '/en/account/data.json');
    expect(data.headers['content-disposition']).toContain('attachment');
    const json = JSON.parse(data.body);
    expect(json.account.email).toBe('leaving@example.fr');
    expect(json.tickets[0]).toMatchObject({ reference, subject: 'Je pars' });
    expect(json.tickets[0].thread[0].body).toContain('la description de ma demande');

    const csrf = await v.csrf('/en/account/data');
    await v.send('POST', '/en/account/consents', { _csrf: csrf, analytics: 'on' });
    const after = JSON.parse((await v.send('GET', '/en/account/data.json')).body);
    expect(after.account.consents.analytics.granted).toBe(true);
    expect(after.account.consents.product_news.granted).toBe(false);

    expect((await v.send('POST', '/en/account/delete', { _csrf: csrf })).statusCode).toBe(400);
    const deleted = await v.send('POST', '/en/account/delete', { _csrf: csrf, confirm: 'yes' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.body).toContain('Your account has been deleted.');
    expect((await v.send('GET', '/en/account')).headers.location).toBe('/en/account/sign-in');

    const agent = await buildStaff(t.app, 'agent');
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets?q=${reference}`,
      headers: agent.headers,
    });
    const ticket = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets/${list.json().items[0].id}`,
        headers: agent.headers,
      })
    ).json();
    expect(JSON.stringify(ticket)).not.toContain('leaving@example.fr');
    expect(JSON.stringify(ticket)).not.toContain('la description de ma demande');
  });
});

describe('IDOR matrix: customer A never reads or acts on B', () => {
  it('every customer route answers A about B as if it did not exist, and leaves B untouched', async () => {
    const refB = await contactAs('bob.idor@example.fr', 'Demande de Bob');
    const refA = await contactAs('alice.idor@example.fr', 'Demande d’Alice');
    const bob = await signInAs('bob.idor@example.fr');
    const alice = await signInAs('alice.idor@example.fr');
    const csrf = await alice.csrf();
    const routes: Array<['GET' | 'POST', string, Record<string, string>?]> = [
      ['GET', `/fr/account/requests/${refB}`],
      ['GET', `/en/account/requests/${refB}`],
      ['POST', `/fr/account/requests/${refB}/reply`, { _csrf: csrf, body: 'Alice était là' }],
      ['POST', `/fr/account/requests/${refB}/close`, { _csrf: csrf }],
      ['POST', `/fr/account/requests/${refB}/rate`, { _csrf: csrf, score: '1' }],
    ];
    for (const [method, url, form] of routes) {
      const res = await alice.send(method, url, form);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body, `${method} ${url}`).not.toContain('Demande de Bob');
    }
    // Her own pages and her data never mention Bob's ticket.
    for (const url of ['/fr/account', '/fr/account/data', '/fr/account/data.json']) {
      const res = await alice.send('GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain(refB);
      expect(res.body, url).not.toContain('bob.idor');
    }
    expect((await alice.send('GET', '/fr/account')).body).toContain(refA);
    // Bob's ticket is as he left it; his session still works; deleting Alice leaves Bob alone.
    const bobView = await bob.send('GET', `/fr/account/requests/${refB}`);
    expect(bobView.statusCode).toBe(200);
    expect(bobView.body).not.toContain('Alice était là');
    expect(bobView.body).toContain('Reçue');
    await alice.send('POST', '/fr/account/delete', { _csrf: csrf, confirm: 'yes' });
    const stillBob = await bob.send('GET', `/fr/account/requests/${refB}`);
    expect(stillBob.statusCode).toBe(200);
    expect(stillBob.body).toContain('la description de ma demande');
    // A staff-only id cannot be used: references only, and a forged one is a 404 too.
    expect((await bob.send('GET', '/fr/account/requests/not-a-reference')).statusCode).toBe(404);
    expect((await bob.send('GET', `/fr/account/requests/${refA}`)).statusCode).toBe(404);
  });
});

describe('help-centre personalisation', () => {
  it('shows segment content, in search and a "Recommandé pour vous" block, only to a signed-in customer whose plan grants it', async () => {
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const category = await t.app.inject({
      method: 'POST',
      url: '/api/v1/categories',
      headers: admin.headers,
      payload: { translations: { fr: { title: 'Offres', slug: 'offres' } } },
    });
    expect(category.statusCode, category.body).toBe(201);
    await buildPublishedArticle(t.app, admin, {
      locale: 'fr',
      slug: 'ligne-pro-prioritaire',
      title: 'Activer la ligne prioritaire Pro',
      shortAnswer: 'La ligne prioritaire des clients Pro répond en moins de 5 minutes.',
      body: 'Appelez le numéro prioritaire indiqué dans votre espace.',
      formulations: ['ligne prioritaire pro'],
      categoryId: category.json().id,
      visibility: 'segment',
      segments: ['plan=pro'],
    });
    await t.app.searchIndex.settled();
    const url = '/fr/articles/ligne-pro-prioritaire';

    const anonymous = new Visitor();
    expect((await anonymous.send('GET', url)).statusCode).toBe(404);
    expect((await anonymous.send('GET', '/fr/search?q=ligne%20prioritaire%20pro')).body).not.toContain(
      'Activer la ligne prioritaire Pro',
    );

    const basic = await signInAs('basic.plan@example.fr');
    expect((await basic.send('GET', url)).statusCode).toBe(404);
    expect((await basic.send('GET', '/fr')).body).not.toContain('Recommandé pour vous');

    const pro = await signInAs('pro.plan@example.fr');
    const agent = await buildStaff(t.app, 'agent');
    const found = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customers?q=pro.plan',
      headers: agent.headers,
    });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${found.json().items[0].id}`,
      headers: agent.headers,
      payload: { segments: ['plan=pro'] },
    });
    const page = await pro.send('GET', url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Activer la ligne prioritaire Pro');
    expect(page.headers['cache-control']).toBe('private, no-store');
    const home = await pro.send('GET', '/fr');
    expect(home.body).toContain('Recommandé pour vous');
    expect(home.body).toContain(url);
    expect(home.headers['cache-control']).toBe('private, no-store');
    const search = await pro.send('GET', '/fr/search?q=ligne%20prioritaire%20pro');
    expect(search.body).toContain('Activer la ligne prioritaire Pro');
    // Votes: the customer whose plan grants it may vote (it answered 404); others get the same 404.
    const voted = await pro.send('POST', `${url}/feedback`, { helpful: 'yes' });
    expect(voted.statusCode).toBe(303);
    expect(voted.headers.location).toContain('feedback=sent');
    expect((await basic.send('POST', `${url}/feedback`, { helpful: 'yes' })).statusCode).toBe(404);
    expect((await anonymous.send('POST', `${url}/feedback`, { helpful: 'no' })).statusCode).toBe(404);
    const votes = await t.app.db.select().from(articleFeedback);
    expect(votes.map((v) => v.helpful)).toEqual([true]);
    // A staff cookie beside it does not lend the customer's plan to anyone else, nor the reverse.
    expect((await anonymous.send('GET', url)).statusCode).toBe(404);
  });

  it('keeps the help-centre journey (relais_jid) across sign-in, and lists the articles viewed', async () => {
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    await buildPublishedArticle(t.app, admin, {
      locale: 'fr',
      slug: 'payer-facture-carte',
      title: 'Payer ma facture par carte',
      shortAnswer: 'Depuis votre espace, rubrique Factures.',
      body: 'Choisissez la facture puis « Payer ».',
      formulations: ['payer facture carte'],
    });
    const v = new Visitor();
    await v.send('GET', '/fr/search?q=facture');
    expect((await v.send('GET', '/fr/articles/payer-facture-carte')).statusCode).toBe(200);
    const journey = v.cookies.get('relais_jid');
    expect(journey).toBeDefined();
    await v.send('POST', '/fr/account/sign-in', { email: 'journey@example.fr' });
    const link = await lastLinkTo('journey@example.fr');
    await v.send('POST', link.pathname, { token: link.searchParams.get('token')! });
    expect(v.cookies.get('relais_customer')).toBeDefined();
    expect(v.cookies.get('relais_jid')).toBe(journey);
    const home = await v.send('GET', '/fr/account');
    expect(home.body).toContain('Consultés récemment');
    expect(home.body).toContain('href="/fr/articles/payer-facture-carte"');
  });
});

describe('rating a request', () => {
  it('rates once: a second rating is a 409 problem+json, and nothing is counted twice', async () => {
    const reference = await contactAs('rating.once@example.fr', 'Une seule note');
    const v = await signInAs('rating.once@example.fr');
    const csrf = await v.csrf();
    const base = `/fr/account/requests/${reference}`;
    // Not closed yet: refused, and the refusal leaves the one rating available.
    const early = await v.send('POST', `${base}/rate`, { _csrf: csrf, score: '4' });
    expect(early.statusCode).toBe(409);
    expect((await v.send('POST', `${base}/close`, { _csrf: csrf })).statusCode).toBe(303);
    const first = await v.send('POST', `${base}/rate`, { _csrf: csrf, score: '5' });
    expect(first.statusCode).toBe(303);
    const second = await v.send('POST', `${base}/rate`, { _csrf: csrf, score: '1' });
    expect(second.statusCode).toBe(409);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.json()).toMatchObject({ code: 'conflict', field: 'score' });
    const answered = await t.app.db.select().from(events).where(eq(events.type, 'survey.answered'));
    expect(answered.filter((e) => (e.data as { score?: number }).score === 1)).toHaveLength(0);
  });
});
