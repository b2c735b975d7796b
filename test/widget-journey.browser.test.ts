import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../src/db/schema.ts';
import { getBranding } from '../src/modules/settings/service.ts';
import { buildWidget } from '../widget/build.ts';
import { launchChromium } from './browser.ts';
import { ADMIN, freePort, type Session, signIn, type TestApp } from './helpers.ts';
import { createWidgetTestApp, startHostileHost } from './widget-helpers.ts';

let t: TestApp;
let relais: string;
let host: Awaited<ReturnType<typeof startHostileHost>> | undefined;
let shop: string;
let browser: Browser;
let admin: Session;

beforeAll(async () => {
  await buildWidget();
  // Links are built from the public URL: Relais is reached where it says it is.
  const port = await freePort();
  relais = `http://127.0.0.1:${port}`;
  t = await createWidgetTestApp({ RELAIS_PUBLIC_URL: relais });
  await t.app.listen({ port, host: '127.0.0.1' });
  host = await startHostileHost({
    relais,
    css: '',
    page: () => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Shop</title>
<script src="${relais}/widget.js" data-relais-site="shop" async></script>
</head><body><h1>Shop</h1></body></html>`,
  });
  shop = host.url;
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
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

describe('the widget journey reaches the advisor, across a reload', () => {
  it('search, article, guided flow, reload, form → the ticket shows the query, the title and the flow', async () => {
    const page = await browser.newPage();
    await page.goto(`${shop}/account`);
    const launcher = page.getByRole('button', { name: "Besoin d'aide ?" });
    await launcher.waitFor();
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog.waitFor();

    // A guided flow with the assistant first, then back home for a search.
    const started = Date.now();
    await dialog.getByRole('button', { name: "Discuter avec l'assistant" }).click();
    await dialog.getByLabel('Votre message').fill('ma box ne marche plus');
    await page.keyboard.press('Enter');
    const log = dialog.getByRole('log');
    await dialog
      .getByRole('button', { name: 'Me guider pas à pas' })
      .click({ timeout: 15_000 })
      .catch(async (err) => {
        throw new Error(`${err}\n${await log.textContent()}\n${t.logs.text.slice(-3000)}`);
      });
    await log.getByText('De quelle couleur est le voyant de votre box ?').waitFor();
    await dialog.getByRole('button', { name: 'Rouge', exact: true }).click();
    await log.getByText('Internet fonctionne-t-il de nouveau ?').waitFor();
    await dialog
      .getByRole('button', { name: /Retour/ })
      .first()
      .click();
    const query = 'voyant rouge sur ma box';
    await dialog.getByRole('searchbox', { name: 'Votre question' }).fill(query);
    await page.keyboard.press('Enter');
    // The instant answer's "read" button, or the first result when Relais is not sure.
    const read = dialog.locator('.ans button.lk, ul.r button.it').first();
    await read.waitFor({ timeout: 15_000 });
    await read.click();
    const title = (await dialog.locator('#rl-art').textContent())?.trim();
    expect(title).toBeTruthy();

    await new Promise((r) => setTimeout(r, 1500));

    // A reload: the earlier steps are kept on the server under the widget's visitor id.
    await page.reload();
    await launcher.waitFor();
    await launcher.click();
    await dialog.getByRole('button', { name: 'Écrire à un conseiller' }).first().click();
    await dialog.getByLabel('Objet').fill('Voyant rouge');
    await dialog.getByLabel('Votre demande').fill('ma box ne marche plus, voyant rouge après redémarrage');
    await dialog.getByLabel('E-mail').fill('camille@example.com');
    await dialog.getByRole('button', { name: 'Envoyer la demande' }).click();
    const done = dialog.getByRole('heading', { name: /Votre référence : / });
    await done.waitFor();
    const reference = (await done.textContent())?.split(': ').at(-1) ?? '';
    const elapsed = Date.now() - started;

    const [row] = await t.app.db.select().from(tickets).where(eq(tickets.reference, reference));
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${row?.id}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const ticket = res.json();
    type Entry = { kind: string; text: string; detail?: Record<string, unknown> };
    const timeline = ticket.timeline as Entry[];
    const search = timeline.find((e) => e.kind === 'search' && e.text === query);
    expect(search, JSON.stringify(timeline)).toBeDefined();
    expect(search?.detail?.opened).toEqual([title]);
    expect(timeline.find((e) => e.kind === 'article')?.text).toBe(title);
    expect(JSON.stringify(timeline)).not.toMatch(/"text":"[0-9a-f]{8}-[0-9a-f]{4}-/);
    const flow = timeline.filter((e) => e.kind === 'flow');
    expect(flow.map((e) => e.text)).toContainEqual(
      expect.stringMatching(/ · De quelle couleur est le voyant de votre box \?: Rouge$/),
    );
    expect(flow[0]?.detail?.flowName).toBeTruthy();
    // From the first search, across the reload — not from when this page's panel opened.
    const spent = timeline.at(-1)?.detail?.selfServiceMs as number;
    expect(spent).toBeGreaterThanOrEqual(1500);
    expect(spent).toBeLessThanOrEqual(elapsed + 1000);
    await page.close();
  }, 120_000);

  it("a bot answer's link, clicked on the cross-origin host page, opens the help-centre article", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${shop}/help`);
    const launcher = page.getByRole('button', { name: "Besoin d'aide ?" });
    await launcher.waitFor();
    // The company's assistant: the help centre's colour and name, not the vendor's.
    const branding = await getBranding(t.app.db);
    const rgb = (hex: string) =>
      `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    await expect
      .poll(() => launcher.evaluate((b) => getComputedStyle(b).backgroundColor))
      .toBe(rgb(branding.primaryColor));
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog.getByRole('button', { name: "Discuter avec l'assistant" }).click();
    await dialog.getByLabel('Votre message').fill('le voyant de ma box est rouge');
    await page.keyboard.press('Enter');
    const link = dialog.getByRole('log').locator('a').first();
    await link.waitFor();
    // The company's assistant, by its French name from the branding.
    const assistant = branding.assistantNames.fr ?? branding.name;
    expect(await dialog.getByRole('log').textContent()).toContain(`je suis ${assistant}`);
    await dialog.getByText(assistant, { exact: true }).waitFor();
    const href = await link.getAttribute('href');
    expect(href?.startsWith(`${relais}/fr/articles/`), href ?? '').toBe(true);
    const [article] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await article.waitForLoadState();
    expect(article.url()).toBe(href);
    expect(await article.locator('h1').textContent()).toBeTruthy();
    expect(await article.title()).not.toMatch(/introuvable|not found/i);
    await context.close();
  }, 120_000);
});
