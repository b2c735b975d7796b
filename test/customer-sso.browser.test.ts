/**
 * Customer single sign-on in a real browser: the portal's button → the local OpenID Connect provider's
 * login and consent pages → back signed in to the portal; an unverified e-mail ends on a clear page.
 * Every Relais page on the way passes axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { expectAccessible, launchChromium, newPage, signInToConsole } from './browser.ts';
import { ADMIN, createTestApp, freePort, signIn, type TestApp } from './helpers.ts';
import { oidcSettings, startOidcProvider } from './oidc-provider.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  await ensureAdminBuilt();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${base}/account/sso/callback`);
  t = await createTestApp({ RELAIS_PUBLIC_URL: base });
  await t.app.listen({ port, host: '127.0.0.1' });
  const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const saved = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/customer-auth/oidc',
    headers: admin.headers,
    payload: oidcSettings(provider.issuer),
  });
  expect(saved.statusCode, saved.body).toBe(200);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await provider?.close();
});

/** At the provider: the dev login form (any password), then the consent form, until back at Relais. */
async function signInAtProvider(page: Page, login: string) {
  // The provider's dev pages @import a web font this offline machine never gets: wait for the DOM only.
  for (let step = 0; step < 4 && page.url().startsWith(provider.issuer); step++) {
    await page.waitForLoadState('domcontentloaded');
    const here = page.url();
    const loginField = page.locator('input[name="login"]');
    if (await loginField.count()) {
      await loginField.fill(login);
      await page.locator('input[name="password"]').fill('any password');
    }
    await Promise.all([
      page.waitForURL((u) => u.href !== here, { waitUntil: 'commit' }),
      page.locator('button[type="submit"]').first().click({ noWaitAfter: true }),
    ]);
  }
  await page.waitForLoadState('domcontentloaded');
  expect(page.url().startsWith(base)).toBe(true);
}

describe.each([
  {
    locale: 'fr',
    button: 'Se connecter avec Mon compte Acme',
    requests: 'Mes demandes',
    refused: 'n’a pas confirmé votre adresse e-mail',
  },
  {
    locale: 'en',
    button: 'Sign in with my Acme account',
    requests: 'My requests',
    refused: 'did not confirm your e-mail address',
  },
])('customer single sign-on ($locale)', (c) => {
  it('the portal button signs in through the provider; every Relais page accessible at 375 px', async () => {
    const { context, page, problems } = await newPage(browser, { locale: c.locale });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/${c.locale}/account`);
    expect(page.url()).toBe(`${base}/${c.locale}/account/sign-in`);
    await expectAccessible(page);
    const phoneWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await phoneWidth()).toBeLessThanOrEqual(375);
    await page.getByRole('link', { name: c.button }).click();
    await page.waitForURL((u) => u.href.startsWith(provider.issuer), { waitUntil: 'commit' });
    await signInAtProvider(page, 'sso-user');
    await page.getByRole('heading', { level: 2, name: c.requests }).waitFor();
    expect(page.url()).toBe(`${base}/${c.locale}/account`);
    await expect(page.locator('main').textContent()).resolves.toContain('Léa Sso');
    await expectAccessible(page);
    expect(await phoneWidth()).toBeLessThanOrEqual(375);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('an e-mail the provider has not verified ends on a clear, accessible page', async () => {
    const { context, page } = await newPage(browser, { locale: c.locale });
    await page.goto(`${base}/${c.locale}/account/sign-in`);
    await page.getByRole('link', { name: c.button }).click();
    await page.waitForURL((u) => u.href.startsWith(provider.issuer), { waitUntil: 'commit' });
    await signInAtProvider(page, 'unverified-user');
    await expect(page.getByRole('alert').textContent()).resolves.toContain(c.refused);
    await expectAccessible(page);
    const cookies = await context.cookies(base);
    expect(cookies.some((k) => k.name === 'relais_customer')).toBe(false);
    await context.close();
  }, 120_000);
});

it('admins configure single sign-on in the console: the secret is never shown, a bad issuer is named', async () => {
  const { context, page, problems } = await newPage(browser);
  await signInToConsole(page, base, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Customers' }).click();
  await page
    .getByRole('heading', { level: 2, name: 'Customer sign-in with your identity provider (OIDC)' })
    .waitFor();
  await page.getByText('A secret is stored').waitFor();
  await expect(page.getByLabel('Client secret').inputValue()).resolves.toBe('');
  await expect(page.getByLabel('Issuer URL').inputValue()).resolves.toBe(provider.issuer);
  await expectAccessible(page);

  await page.getByLabel('Issuer URL').fill('http://169.254.169.254/');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText(/URL refused/).waitFor();
  await page.getByLabel('Issuer URL').fill(provider.issuer);
  await page.getByLabel('Button label in English (“Sign in with …”)').fill('my Acme login');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Customer sign-in saved.').waitFor();
  const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const saved = await t.app.inject({ url: '/api/v1/customer-auth/oidc', headers: admin.headers });
  expect(saved.json()).toMatchObject({ enabled: true, hasSecret: true, label: { en: 'my Acme login' } });
  expect(problems).toEqual([]);
  await context.close();
}, 120_000);
