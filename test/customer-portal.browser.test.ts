import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, newPage } from './browser.ts';
import { createTestApp, type TestApp } from './helpers.ts';
import { mailText, startSmtp } from './receivers.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ RELAIS_DEMO: 'on', RELAIS_SMTP_URL: smtp.url });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await smtp?.close();
});

/** The sign-in link the outbox worker delivered to the loopback SMTP server. */
async function signInLink(address: string, after: number): Promise<string> {
  for (let i = 0; i < 150; i++) {
    for (const m of smtp.mails.slice(after)) {
      const link =
        m.to.includes(address) &&
        /https?:\/\/\S+\/account\/sign-in\/verify\?token=[\w%-]+/.exec(mailText(m.raw))?.[0];
      if (link) {
        const url = new URL(link);
        return `${base}${url.pathname}${url.search}`;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no sign-in link for ${address}`);
}

/** Nothing overflows a 375 px wide screen. */
async function expectFitsPhone(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
}

describe.each([
  {
    locale: 'fr',
    email: 'claire.martin@example.fr',
    sendLink: 'Recevoir un lien de connexion',
    checkMail: 'Vérifiez votre messagerie',
    signIn: 'Me connecter',
    requests: 'Mes demandes',
    reply: 'Votre réponse',
    send: 'Envoyer',
    myData: 'Mes données',
    signOut: 'Se déconnecter',
    contact: {
      subject: 'Objet',
      description: 'Votre demande',
      email: 'Votre e-mail',
      send: 'Envoyer ma demande',
    },
  },
  {
    locale: 'en',
    email: 'john.smith@example.com',
    sendLink: 'Send me a sign-in link',
    checkMail: 'Check your inbox',
    signIn: 'Sign me in',
    requests: 'My requests',
    reply: 'Your reply',
    send: 'Send',
    myData: 'My data',
    signOut: 'Sign out',
    contact: {
      subject: 'Subject',
      description: 'Your request',
      email: 'Your e-mail',
      send: 'Send my request',
    },
  },
])('customer portal ($locale)', (c) => {
  it('magic link from SMTP → signed in → my requests lists the earlier ticket → reply; every page accessible at 375 px', async () => {
    const { context, page, problems } = await newPage(browser, { locale: c.locale });
    await page.setViewportSize({ width: 375, height: 800 });

    // A ticket left through the contact form, before any account exists.
    await page.goto(`${base}/${c.locale}/contact`);
    await page.getByLabel(c.contact.subject).fill('Facture de novembre');
    await page.getByLabel(c.contact.description).fill('Le montant de ma facture de novembre est faux.');
    await page.getByLabel(c.contact.email).fill(c.email);
    await page.getByRole('button', { name: c.contact.send }).click();
    const reference = (await page.locator('#reference').textContent())!.trim();
    expect(reference).toMatch(/^R-/);

    // The portal sends a visitor to the sign-in page.
    await page.goto(`${base}/${c.locale}/account`);
    expect(page.url()).toBe(`${base}/${c.locale}/account/sign-in`);
    await expectAccessible(page);
    await expectFitsPhone(page);
    const before = smtp.mails.length;
    await page.getByLabel(/e-mail/i).fill(c.email);
    await page.getByRole('button', { name: c.sendLink }).click();
    await page.getByRole('heading', { level: 1, name: c.checkMail }).waitFor();
    await expectAccessible(page);

    await page.goto(await signInLink(c.email, before));
    await expectAccessible(page);
    await page.getByRole('button', { name: c.signIn }).click();
    await page.getByRole('heading', { level: 2, name: c.requests }).waitFor();
    expect(page.url()).toBe(`${base}/${c.locale}/account`);
    await expectAccessible(page);
    await expectFitsPhone(page);

    await page.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { level: 1, name: 'Facture de novembre' }).waitFor();
    await expectAccessible(page);
    await expectFitsPhone(page);
    await page.getByLabel(c.reply).fill('Voici le bon montant : 42,90 €.');
    await page.getByRole('button', { name: c.send, exact: true }).click();
    await page.locator('#thread', { hasText: '42,90 €' }).waitFor();

    await page.getByRole('link', { name: c.requests }).click();
    await page.getByRole('link', { name: c.myData }).click();
    await page.getByRole('heading', { level: 1, name: c.myData }).waitFor();
    await expectAccessible(page);
    await expectFitsPhone(page);

    await page.getByRole('button', { name: c.signOut }).click();
    expect(page.url()).toBe(`${base}/${c.locale}/account/sign-in`);
    await page.goto(`${base}/${c.locale}/account`);
    expect(page.url()).toBe(`${base}/${c.locale}/account/sign-in`);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
