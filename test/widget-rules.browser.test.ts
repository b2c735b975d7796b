import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listArticles } from '../src/modules/kb/service.ts';
import { buildWidget } from '../widget/build.ts';
import { expectAccessible, newPage, signInToConsole, startBrowserHarness } from './browser.ts';
import { ADMIN, signIn } from './helpers.ts';
import { startHostileHost } from './widget-helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let shop: string;
let trackOrder: { id: string; title: string };
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  await buildWidget();
  const harness = await startBrowserHarness({ RELAIS_DEMO: 'on' });
  ({ app, base, browser } = harness);
  cleanups.push(() => harness.close());
  const host = await startHostileHost({
    relais: base,
    css: '',
    page: (path) => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Shop ${path}</title>
<script src="${base}/widget.js" data-relais-site="shop" async></script></head>
<body><h1>Shop</h1></body></html>`,
  });
  shop = host.url;
  cleanups.unshift(() => host.close());
  const [article] = await listArticles(app.db, {
    audience: 'public',
    status: 'published',
    locale: 'fr',
    limit: 1000,
  }).then((rows) => rows.filter((r) => r.key === 'track-order'));
  trackOrder = { id: article!.id, title: article!.title };
  // A site with no rule yet: the rule is made in the console.
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const site = await app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [shop] },
  });
  expect(site.statusCode).toBe(201);
}, 180_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('console: widget rule builder', { timeout: 180_000 }, () => {
  it('makes a nudge rule with forms (article picked by title) that the widget then shows on the host page', async () => {
    const { context, page, problems } = await newPage(browser);
    await page.setViewportSize({ width: 1280, height: 800 });
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    await page.goto(`${base}/admin/settings/widget/shop`);
    await page.getByRole('heading', { level: 1, name: 'Widget site: Shop' }).waitFor();
    await page.getByText('No rule yet.').waitFor();

    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByRole('group', { name: 'Rule 1' });
    await rule.getByLabel('Rule name').fill('Order questions');
    await rule.getByLabel('Id', { exact: true }).fill('Orders!');
    await rule.getByText('Lower case, digits, _ or - (40 characters at most).').waitFor();
    await rule.getByLabel('Id', { exact: true }).fill('orders');
    await rule.getByLabel('Page address').fill('/orders/*');
    await rule.getByLabel('What is shown').selectOption('nudge');
    await rule.getByLabel('Articles', { exact: true }).click();
    await rule.getByLabel('Articles', { exact: true }).fill('suivre ma commande');
    await page
      .getByRole('option', { name: new RegExp(trackOrder.title.slice(0, 20).replace(/[?]/g, '\\?')) })
      .click();
    await rule.getByLabel('Bubble text in French').fill('Une question sur votre commande ?');
    // A value the server refuses is shown on its field.
    await rule.getByLabel('Priority').fill('500');
    await page.getByRole('button', { name: 'Save the rules' }).click();
    await expect.poll(() => rule.getByLabel('Priority').getAttribute('aria-invalid')).toBe('true');
    await rule.getByLabel('Priority').fill('10');
    await page.getByRole('button', { name: 'Save the rules' }).click();
    await page.getByText('1 rule saved.').waitFor();
    await expectAccessible(page);

    // Saved as the API expects it: the article by id, the nudge text per locale.
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const saved = (
      await app.inject({ method: 'GET', url: '/api/v1/widget/sites/shop', headers: admin.headers })
    ).json();
    expect(saved.rules).toEqual([
      expect.objectContaining({
        id: 'orders',
        name: 'Order questions',
        when: { urlPattern: '/orders/*' },
        show: 'nudge',
        articleIds: [trackOrder.id],
        message: { fr: 'Une question sur votre commande ?' },
        priority: 10,
      }),
    ]);

    // Reloaded, the form shows the article by its title, never its id.
    await page.reload();
    await page
      .getByRole('group', { name: 'Rule 1' })
      .getByText(trackOrder.title, { exact: false })
      .first()
      .waitFor();
    expect(await page.getByRole('group', { name: 'Rule 1' }).textContent()).not.toContain(trackOrder.id);

    // A narrow window: no sideways scrolling.
    await page.setViewportSize({ width: 375, height: 812 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth))
      .toBeLessThanOrEqual(0);
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();

    // The host page: the nudge of the rule appears on a matching page and opens the picked article.
    const host = await browser.newPage();
    await host.goto(`${shop}/orders/42`);
    await host.getByText('Une question sur votre commande ?').waitFor();
    await host.getByRole('button', { name: 'Voir les réponses' }).click();
    await host
      .getByRole('dialog', { name: 'Aide' })
      .getByRole('button', { name: new RegExp(trackOrder.title.slice(0, 15)) })
      .waitFor();
    await host.goto(`${shop}/cart`);
    await host.getByRole('button', { name: "Besoin d'aide ?" }).waitFor();
    expect(await host.getByText('Une question sur votre commande ?').count()).toBe(0);
    await host.close();
  });
});
