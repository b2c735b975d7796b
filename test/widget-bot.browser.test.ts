import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, tickets } from '../src/db/schema.ts';
import { buildWidget } from '../widget/build.ts';
import { expectAccessible, launchChromium } from './browser.ts';
import { ADMIN, signIn, type TestApp } from './helpers.ts';
import { createWidgetTestApp, startHostileHost } from './widget-helpers.ts';

let t: TestApp;
let relais: string;
let host: Awaited<ReturnType<typeof startHostileHost>> | undefined;
let shop: string;
let browser: Browser;

// The same hostile host as widget.browser.test.ts: CSS reset to nothing, strict CSP, another origin.
const HOSTILE_CSS = `* { all: unset !important; }
div, button, section, ul, p, form, input, textarea { display: none !important; }
html, body { font-size: 3px !important; color: red !important; }
`;

beforeAll(async () => {
  await buildWidget();
  t = await createWidgetTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  relais = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  host = await startHostileHost({
    relais,
    css: HOSTILE_CSS,
    page: () => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Shop</title>
<link rel="stylesheet" href="/hostile.css">
<script src="${relais}/widget.js" data-relais-site="shop" async></script>
</head><body><h1>Shop</h1></body></html>`,
  });
  shop = host.url;
  const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [shop] },
  });
  expect(site.statusCode).toBe(201);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.close();
});

function watch(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

const activeTag = (page: Page) =>
  page.evaluate(() => {
    const a = document.querySelector('relais-widget')?.shadowRoot?.activeElement as HTMLElement | null;
    return a ? `${a.tagName}#${a.id}` : null;
  });

describe('widget chat and contact form on a hostile cross-origin page', () => {
  it('asks the bot (keyboard only), runs a flow, resumes after reload, escalates with the form', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${shop}/account`);
    const launcher = page.getByRole('button', { name: "Besoin d'aide ?" });
    await launcher.waitFor();
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog.waitFor();

    // Keyboard only: from the search box, Tab to "chat", Enter, type, Enter.
    await page.keyboard.press('Tab');
    expect(await activeTag(page)).toBe('BUTTON#');
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: 'Assistant' }).waitFor();
    await expect.poll(() => activeTag(page)).toBe('INPUT#rl-m');
    await page.keyboard.type('ma box ne marche plus');
    await page.keyboard.press('Enter');

    const log = dialog.getByRole('log');
    const guide = dialog.getByRole('button', { name: 'Me guider pas à pas' });
    await guide.waitFor();
    expect(await log.textContent()).toContain('ma box ne marche plus');
    await expectAccessible(page, 'relais-widget');

    // A flow step or two.
    await guide.click();
    await log.getByText('De quelle couleur est le voyant de votre box ?').waitFor();
    await dialog.getByRole('button', { name: 'Rouge', exact: true }).click();
    await log.getByText('Internet fonctionne-t-il de nouveau ?').waitFor();
    expect(await dialog.getByRole('button', { name: 'Non', exact: true }).isVisible()).toBe(true);

    // Resume after a reload: same conversation, same choices on offer.
    await page.reload();
    await launcher.waitFor();
    await launcher.click();
    await dialog.getByRole('button', { name: "Discuter avec l'assistant" }).click();
    await log.getByText('Internet fonctionne-t-il de nouveau ?').waitFor();
    await dialog.getByRole('button', { name: 'Non', exact: true }).waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('relais:conv:shop'));
    const { id: conversationId } = JSON.parse(stored ?? '{}') as { id: string };
    expect(conversationId).toBeTruthy();

    // Escalate through the form: pre-filled, editable, field errors from problem+json.
    await dialog.getByRole('button', { name: 'Écrire à un conseiller' }).first().click();
    await dialog.getByRole('heading', { name: 'Contacter un conseiller' }).waitFor();
    expect(await dialog.getByLabel('Objet').inputValue()).toBe('ma box ne marche plus');
    expect(await dialog.getByLabel('Votre demande').inputValue()).toContain('ma box ne marche plus');
    await dialog.getByLabel('Votre demande').fill('ma box ne marche plus, voyant rouge après redémarrage');
    await dialog.getByLabel('E-mail').fill('pas-un-email');
    await dialog.getByRole('button', { name: 'Envoyer la demande' }).click();
    const email = dialog.getByLabel('E-mail');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.locator('#rl-f-email-e').textContent()).toBeTruthy();
    expect(await activeTag(page)).toBe('INPUT#rl-f-email');
    await expectAccessible(page, 'relais-widget');

    await email.fill('camille@example.com');
    await dialog.getByLabel('Nom (facultatif)').fill('Camille');
    await dialog.getByRole('button', { name: 'Envoyer la demande' }).click();
    const done = dialog.getByRole('heading', { name: /Votre référence : / });
    await done.waitFor();
    const reference = (await done.textContent())?.split(': ').at(-1);
    expect(await dialog.getByText(/Réponse estimée sous \d+ minutes/).isVisible()).toBe(true);

    const [ticket] = await t.app.db
      .select()
      .from(tickets)
      .where(eq(tickets.reference, reference ?? ''));
    expect(ticket?.source).toBe('widget');
    expect(ticket?.customerEmail).toBe('camille@example.com');
    const ctx = ticket?.context as Record<string, unknown>;
    expect(ctx.pageUrl).toBe(`${shop}/account`);
    expect(ctx.conversationId).toBe(conversationId);
    expect(JSON.stringify(ctx.transcript)).toContain('De quelle couleur');
    expect(ctx.device).toBeTruthy();
    expect(ctx.selfServiceMs).toBeGreaterThan(0);
    const [conv] = await t.app.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv?.status).toBe('escalated');
    expect(await page.evaluate(() => localStorage.getItem('relais:conv:shop'))).toBeNull();
    // The one 400 is the form's deliberate invalid e-mail: no CSP violation, no script error.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await page.close();
  });
});
