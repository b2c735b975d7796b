import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSignInLink } from '../src/modules/customers/sign-in.ts';
import { expectAccessible, launchChromium, newPage, signInToConsole } from './browser.ts';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from './helpers.ts';
import { startReceiver } from './receivers.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let crm: Awaited<ReturnType<typeof startReceiver>>;
let admin: Session;

beforeAll(async () => {
  // The company's API on loopback: restarting a box answers when it will be back.
  crm = await startReceiver((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ backOnlineAt: '21:42' }));
  });
  t = await createTestApp({}, { outboxWorker: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/flow-connections/isp',
    headers: admin.headers,
    payload: { baseUrl: crm.url, headers: { 'x-api-key': 'isp-secret' } },
  });
  expect(put.statusCode).toBe(200);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/customer-actions',
    headers: admin.headers,
    payload: {
      key: 'restart-box',
      name: { fr: 'Redémarrer ma box', en: 'Restart my box' },
      description: { fr: 'À distance, sans rien débrancher.', en: 'Remotely, without unplugging anything.' },
      confirmText: {
        fr: 'Internet sera coupé 3\u00a0minutes. Confirmer\u00a0?',
        en: 'Internet will be off for 3 minutes. Confirm?',
      },
      successText: {
        fr: 'Redémarrage lancé\u00a0: de retour vers {{response.backOnlineAt}}.',
        en: 'Restart started: back around {{response.backOnlineAt}}.',
      },
      failureText: { fr: 'Le redémarrage a échoué.', en: 'The restart failed.' },
      connection: 'isp',
      path: '/boxes/{{customer.id}}/restart',
      sendFields: ['id'],
      inputs: [
        {
          name: 'reason',
          kind: 'choice',
          label: { fr: 'Raison', en: 'Reason' },
          choices: [
            { value: 'slow', label: { fr: 'Connexion lente', en: 'Slow connection' } },
            { value: 'down', label: { fr: 'Plus d’internet', en: 'No internet' } },
          ],
        },
      ],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await crm?.close();
});

async function expectFitsPhone(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
}

describe.each([
  {
    locale: 'fr',
    email: 'actions.fr@example.fr',
    signIn: 'Me connecter',
    nav: 'Mes actions',
    choose: 'Choisir «\u00a0Redémarrer ma box\u00a0»',
    confirmTitle: 'Confirmer «\u00a0Redémarrer ma box\u00a0»',
    reason: 'Raison',
    option: 'Plus d’internet',
    confirm: 'Confirmer',
    done: 'C’est fait',
    result: 'Redémarrage lancé\u00a0: de retour vers 21:42.',
  },
  {
    locale: 'en',
    email: 'actions.en@example.com',
    signIn: 'Sign me in',
    nav: 'My actions',
    choose: 'Choose “Restart my box”',
    confirmTitle: 'Confirm “Restart my box”',
    reason: 'Reason',
    option: 'No internet',
    confirm: 'Confirm',
    done: 'Done',
    result: 'Restart started: back around 21:42.',
  },
])('self-service actions in the portal ($locale)', (c) => {
  it('an action calls the company’s HTTP API and the portal shows its result; accessible at 375 px', async () => {
    const { context, page, problems } = await newPage(browser, { locale: c.locale });
    await page.setViewportSize({ width: 375, height: 800 });
    const { link } = await requestSignInLink(t.app.db, { email: c.email, locale: c.locale }, base);
    await page.goto(link!);
    await page.getByRole('button', { name: c.signIn }).click();
    await page.waitForURL(`${base}/${c.locale}/account`);

    await page.getByRole('link', { name: c.nav }).click();
    await page.getByRole('heading', { level: 1, name: c.nav }).waitFor();
    await expectAccessible(page);
    await expectFitsPhone(page);

    await page.getByRole('link', { name: c.choose }).click();
    await page.getByRole('heading', { level: 1, name: c.confirmTitle }).waitFor();
    await expectAccessible(page);
    await expectFitsPhone(page);
    const before = crm.received.length;
    await page.getByLabel(c.reason).selectOption({ label: c.option });
    await page.getByRole('button', { name: c.confirm }).click();

    await page.getByRole('heading', { level: 1, name: c.done }).waitFor();
    expect(await page.getByRole('main').getByRole('status').textContent()).toContain(c.result);
    await expectAccessible(page);
    await expectFitsPhone(page);

    // One call, with the secret header from the connection and only the verified identity.
    expect(crm.received.length).toBe(before + 1);
    const call = crm.received[before]!;
    expect(call.headers['x-api-key']).toBe('isp-secret');
    expect(call.path).toMatch(/^\/boxes\/[0-9a-f-]{36}\/restart$/);
    const body = JSON.parse(call.body);
    expect(body.answers).toEqual({ reason: 'down' });
    expect(Object.keys(body.customer)).toEqual(['id']);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('console', () => {
  it('the Actions screen lists actions and their runs (labels, not ids) and saves an edit; accessible', async () => {
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Self-service actions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Self-service actions' }).waitFor();
    const actions = page.getByRole('table', { name: 'Self-service actions' });
    await actions.getByRole('link', { name: 'Restart my box' }).waitFor();
    // The runs of the portal tests above, by the customers' e-mails.
    const runs = page.getByRole('table', { name: 'Runs' });
    await runs.getByRole('link', { name: 'actions.fr@example.fr' }).waitFor();
    await expectAccessible(page);

    await actions.getByRole('link', { name: 'Restart my box' }).click();
    await page.getByRole('heading', { level: 1, name: 'Restart my box' }).waitFor();
    await page.getByLabel('Name (English)').fill('Restart my router');
    await page.getByLabel('Path').fill('/boxes/{{customer.email}}/restart');
    await page.getByRole('button', { name: 'Save' }).click();
    // {{customer.email}} is not a sent field: the server names the field, shown next to it.
    await page.getByText('{{customer.email}} is not available here.').waitFor();
    await page.getByLabel('Path').fill('/boxes/{{customer.id}}/restart');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Action saved.').waitFor();
    await expectAccessible(page);
    const saved = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customer-actions',
      headers: admin.headers,
    });
    expect(saved.json().items[0].name.en).toBe('Restart my router');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
