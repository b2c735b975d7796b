/**
 * Customer single sign-on against a real OpenID Connect provider (`oidc-provider`) on loopback: the
 * redirects are followed by hand, the provider's login and consent forms are submitted as a browser
 * would, and Relais is reached through app.inject.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, buildStaff, createTestApp, freePort, signIn, type TestApp } from '../../../test/helpers.ts';
import {
  OIDC_CLIENT_SECRET as CLIENT_SECRET,
  oidcSettings,
  startOidcProvider,
} from '../../../test/oidc-provider.ts';
import { auditLog, settings } from '../../db/schema.ts';

const PUBLIC_URL = 'http://relais.test';

let t: TestApp;
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let issuer: string;
let admin: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  provider = await startOidcProvider(`${PUBLIC_URL}/account/sso/callback`);
  issuer = provider.issuer;
  t = await createTestApp({ RELAIS_PUBLIC_URL: PUBLIC_URL });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

const ssoSettings = (over: Record<string, unknown> = {}) => oidcSettings(issuer, over);

async function configure(over: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/customer-auth/oidc',
    headers: admin.headers,
    payload: ssoSettings(over),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

/** A browser: one jar for Relais (app.inject), one for the provider (fetch), redirects by hand. */
let visitors = 0;
class Browser {
  relais = new Map<string, string>();
  idp = new Map<string, string>();
  ip = `10.9.${Math.floor(++visitors / 250)}.${visitors % 250}`;

  async relaisGet(url: string) {
    const res = await t.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.ip,
      headers: { cookie: [...this.relais].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.cookies) {
      if (c.value) this.relais.set(c.name, c.value);
      else this.relais.delete(c.name);
    }
    return res;
  }

  async idpRequest(url: string, form?: Record<string, string>) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.idp].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.idp.delete(name);
      else this.idp.set(name, value);
    }
    return res;
  }

  /**
   * From the portal's SSO button to the provider and back: signs in at the provider as `login`,
   * grants consent, and returns the URL the provider sends the browser back to (not yet visited).
   */
  async throughProvider(login: string, locale = 'fr'): Promise<URL> {
    const start = await this.relaisGet(`/${locale}/account/sso`);
    expect(start.statusCode, start.body).toBe(303);
    let next = new URL(start.headers.location as string);
    expect(next.origin).toBe(issuer);
    expect(next.searchParams.get('code_challenge_method')).toBe('S256');
    for (let hop = 0; hop < 12; hop++) {
      if (next.href.startsWith(PUBLIC_URL)) return next;
      let res = await this.idpRequest(next.href);
      if (res.status === 200) {
        // A dev interaction page: the login form, then the consent form.
        const page = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
        const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
        if (!action || !prompt) throw new Error(`unexpected provider page: ${page.slice(0, 300)}`);
        res = await this.idpRequest(
          new URL(action, issuer).href,
          prompt === 'login' ? { prompt, login, password: 'any' } : { prompt },
        );
      }
      if (res.status < 300 || res.status >= 400) throw new Error(`provider answered ${res.status}`);
      next = new URL(res.headers.get('location') as string, issuer);
    }
    throw new Error('too many redirects');
  }

  async back(url: URL) {
    return this.relaisGet(`${url.pathname}${url.search}`);
  }
}

describe('customer single sign-on settings', () => {
  it('is off by default and the portal shows no SSO button', async () => {
    const res = await t.app.inject({ url: '/api/v1/customer-auth/oidc', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      enabled: false,
      hasSecret: false,
      redirectUri: `${PUBLIC_URL}/account/sso/callback`,
    });
    const page = await t.app.inject({ url: '/fr/account/sign-in' });
    expect(page.body).not.toContain('/fr/account/sso');
    const start = await new Browser().relaisGet('/fr/account/sso');
    expect(start.statusCode).toBe(400);
    expect(start.body).toContain('n’est pas proposée');
  });

  it('requires settings:manage', async () => {
    const agent = await buildStaff(t.app, 'agent');
    const read = await t.app.inject({ url: '/api/v1/customer-auth/oidc', headers: agent.headers });
    expect(read.statusCode).toBe(403);
    const write = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/customer-auth/oidc',
      headers: agent.headers,
      payload: ssoSettings(),
    });
    expect(write.statusCode).toBe(403);
    const anonymous = await t.app.inject({ url: '/api/v1/customer-auth/oidc' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses bad input naming the field, in the reader’s language', async () => {
    const internal = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/customer-auth/oidc',
      headers: admin.headers,
      payload: ssoSettings({ issuer: 'http://169.254.169.254/' }),
    });
    expect(internal.statusCode).toBe(400);
    expect(JSON.stringify(internal.json().errors)).toContain('issuer');
    const noSecret = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/customer-auth/oidc',
      headers: { ...admin.headers, 'accept-language': 'fr' },
      payload: ssoSettings({ clientSecret: undefined }),
    });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json().detail).toBe('L’authentification unique nécessite le secret client.');
    const badScope = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/customer-auth/oidc',
      headers: admin.headers,
      payload: ssoSettings({ scopes: ['two words'] }),
    });
    expect(badScope.statusCode).toBe(400);
    expect(JSON.stringify(badScope.json().errors)).toContain('scopes');
  });

  it('stores the client secret sealed, never returns it, audits without it', async () => {
    const saved = await configure();
    expect(saved.body).not.toContain(CLIENT_SECRET);
    expect(saved.json()).toMatchObject({
      enabled: true,
      hasSecret: true,
      clientId: 'relais',
      scopes: ['openid', 'email', 'profile'],
    });
    const read = await t.app.inject({ url: '/api/v1/customer-auth/oidc', headers: admin.headers });
    expect(read.body).not.toContain(CLIENT_SECRET);
    expect(read.json().hasSecret).toBe(true);
    const [row] = await t.app.db.select().from(settings).where(eq(settings.key, 'customers.oidc'));
    if (!row) throw new Error('no customers.oidc settings row');
    expect(JSON.stringify(row.value)).not.toContain(CLIENT_SECRET);
    expect((row.value as { clientSecret: string }).clientSecret).toMatch(/^enc:v1:/);
    const audits = await t.app.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'customers.oidc_updated'));
    expect(audits.length).toBeGreaterThan(0);
    expect(JSON.stringify(audits)).not.toContain(CLIENT_SECRET);
    // Saving without a secret keeps the stored one.
    const kept = await configure({ clientSecret: undefined });
    expect(kept.json().hasSecret).toBe(true);
    const audit = await t.app.inject({ url: '/api/v1/audit?limit=50', headers: admin.headers });
    expect(audit.body).not.toContain(CLIENT_SECRET);
  });
});

describe('customer sign-in with the company’s provider', () => {
  beforeAll(async () => {
    await configure();
  });

  it('offers the button on the sign-in page, in French and English', async () => {
    const fr = await t.app.inject({ url: '/fr/account/sign-in' });
    expect(fr.body).toContain('Se connecter avec Mon compte Acme');
    expect(fr.body).toContain('href="/fr/account/sso"');
    const en = await t.app.inject({ url: '/en/account/sign-in' });
    expect(en.body).toContain('Sign in with my Acme account');
  });

  it('signs a customer in through the provider with a verified e-mail', async () => {
    const browser = new Browser();
    await browser.relaisGet('/fr');
    const journey = browser.relais.get('relais_jid');
    const back = await browser.throughProvider('sso-user');
    expect(back.pathname).toBe('/account/sso/callback');
    expect(back.searchParams.get('code')).toBeTruthy();
    const done = await browser.back(back);
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/fr/account');
    expect(browser.relais.get('relais_customer')).toBeTruthy();
    expect(browser.relais.has('relais_oidc')).toBe(false);
    // The help-centre journey survives signing in.
    expect(browser.relais.get('relais_jid')).toBe(journey);
    const portal = await browser.relaisGet('/fr/account');
    expect(portal.statusCode).toBe(200);
    expect(portal.body).toContain('Léa Sso');
    const data = await browser.relaisGet('/fr/account/data.json');
    expect(data.json().account).toMatchObject({
      email: 'lea.sso@example.com',
      name: 'Léa Sso',
      locale: 'fr',
    });
    // The customer exists once, with the verified address, in the staff directory.
    const directory = await t.app.inject({
      url: '/api/v1/customers?q=lea.sso',
      headers: admin.headers,
    });
    expect(directory.json().items).toHaveLength(1);
    expect(directory.json().items[0]).toMatchObject({ email: 'lea.sso@example.com', emailVerified: true });
    // The same callback cannot be replayed: the sealed cookie is spent.
    const replay = await browser.back(back);
    expect(replay.statusCode).toBe(400);
  });

  it('signs the same person into the same account the next time (English)', async () => {
    const browser = new Browser();
    const done = await browser.back(await browser.throughProvider('sso-user', 'en'));
    expect(done.headers.location).toBe('/en/account');
    const directory = await t.app.inject({ url: '/api/v1/customers?q=lea.sso', headers: admin.headers });
    expect(directory.json().items).toHaveLength(1);
  });

  it('refuses a tampered state and opens no session', async () => {
    const browser = new Browser();
    const back = await browser.throughProvider('sso-user');
    back.searchParams.set('state', `${back.searchParams.get('state')}x`);
    const res = await browser.back(back);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('refusée par sécurité');
    expect(browser.relais.has('relais_customer')).toBe(false);
  });

  it('refuses a callback from another browser (no sealed cookie)', async () => {
    const back = await new Browser().throughProvider('sso-user');
    const thief = new Browser();
    const res = await thief.back(back);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('a expiré');
    expect(thief.relais.has('relais_customer')).toBe(false);
  });

  it('refuses a check cookie Relais did not seal', async () => {
    const browser = new Browser();
    const back = await browser.throughProvider('sso-user');
    const forged = {
      state: back.searchParams.get('state'),
      nonce: 'n',
      verifier: 'v',
      locale: 'fr',
      exp: Date.now() + 60_000,
    };
    browser.relais.set('relais_oidc', encodeURIComponent(JSON.stringify(forged)));
    const res = await browser.back(back);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('a expiré');
    expect(browser.relais.has('relais_customer')).toBe(false);
  });

  it('refuses an e-mail the provider has not verified, with a clear page', async () => {
    const browser = new Browser();
    const res = await browser.back(await browser.throughProvider('unverified-user', 'en'));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('did not confirm your e-mail address');
    expect(res.body).toContain('<html lang="en"');
    expect(browser.relais.has('relais_customer')).toBe(false);
    const directory = await t.app.inject({ url: '/api/v1/customers?q=not.verified', headers: admin.headers });
    expect(directory.json().items).toHaveLength(0);
  });

  it('answers a refusal at the provider with a page, not an error', async () => {
    const browser = new Browser();
    const start = await browser.relaisGet('/fr/account/sso');
    const state = new URL(start.headers.location as string).searchParams.get('state');
    const res = await browser.relaisGet(`/account/sso/callback?error=access_denied&state=${state}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('refusée ou annulée');
  });

  it('answers a provider that is down with a page, not a 500', async () => {
    await configure({ issuer: `http://127.0.0.1:${await freePort()}` });
    try {
      const res = await new Browser().relaisGet('/fr/account/sso');
      expect(res.statusCode).toBe(502);
      expect(res.body).toContain('ne répond pas');
    } finally {
      await configure();
    }
  });
});
