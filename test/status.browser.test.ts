import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, newPage, signInToConsole, startBrowserHarness } from './browser.ts';
import { ADMIN, signIn } from './helpers.ts';
import { startHostileHost } from './widget-helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
let incidentId: string;

beforeAll(async () => {
  ({ app, base, browser, close } = await startBrowserHarness({ RELAIS_DEMO: 'on' }));
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const components = (
    await app.inject({ method: 'GET', url: '/api/v1/status/components', headers: admin.headers })
  ).json().components as Array<{ id: string; names: Record<string, string> }>;
  const fibre = components.find((c) => c.names.fr === 'Internet fibre')!;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/status/incidents',
    headers: admin.headers,
    payload: {
      titles: { fr: 'Coupure fibre à Lyon 7e', en: 'Fibre outage in Lyon 7th' },
      bodies: { fr: 'Nos équipes **analysent** la panne.', en: 'Our teams are **investigating**.' },
      components: [{ componentId: fibre.id, impact: 'partial_outage' }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  incidentId = res.json().id;
}, 180_000);

afterAll(async () => {
  await close?.();
});

describe('status pages in a browser', () => {
  it.each(['fr', 'en'])('are accessible and fit 375 px in %s', async (locale) => {
    const { context, page, problems } = await newPage(browser, { locale });
    await page.setViewportSize({ width: 375, height: 800 });
    const status = await page.goto(`${base}/${locale}/status`);
    expect(status?.status()).toBe(200);
    await expect(page.locator('.incident-banner').count()).resolves.toBe(1);
    // The demo's history: past incidents colour some of the 90 days.
    expect(await page.locator('.status-bars .bar:not(.impact-operational)').count()).toBeGreaterThan(3);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible(page);

    await page.locator('.status-incident a').first().click();
    await page.waitForURL(new RegExp(`/${locale}/status/incidents/${incidentId}`));
    expect(await page.locator('h1').textContent()).toBe(
      locale === 'fr' ? 'Coupure fibre à Lyon 7e' : 'Fibre outage in Lyon 7th',
    );
    await expectAccessible(page);

    await page.goto(`${base}/${locale}/status/history`);
    expect(await page.locator('.status-incident').count()).toBeGreaterThanOrEqual(5);
    await expectAccessible(page);

    await page.goto(`${base}/${locale}`);
    await page.locator('.incident-banner a').click();
    await page.waitForURL(new RegExp(`/status/incidents/${incidentId}`));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the open incident in the widget of a host page', async () => {
    const host = await startHostileHost({
      relais: base,
      css: '',
      page: () =>
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Shop</title><script src="${base}/widget.js" data-relais-site="shop" async></script></head><body><h1>Shop</h1></body></html>`,
    });
    try {
      const admin = await signIn(app, ADMIN.email, ADMIN.password);
      const site = await app.inject({
        method: 'POST',
        url: '/api/v1/widget/sites',
        headers: admin.headers,
        payload: { key: 'shop', name: 'Shop', allowedOrigins: [host.url] },
      });
      expect(site.statusCode, site.body).toBe(201);
      const { context, page, problems } = await newPage(browser, { locale: 'fr-FR' });
      await page.goto(host.url);
      await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
      const note = page.getByRole('dialog').getByRole('note').filter({ hasText: 'Coupure fibre à Lyon 7e' });
      await note.waitFor();
      expect(await note.getByRole('link').getAttribute('href')).toBe(
        `${app.config.publicUrl}/fr/status/incidents/${incidentId}`,
      );
      await expectAccessible(page, 'relais-widget');
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await host.close();
    }
  });

  it('lets staff post an update from the console', async () => {
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    await page.goto(`${base}/admin/status`);
    await page.getByRole('heading', { level: 1, name: 'Service status' }).waitFor();
    await page.getByRole('button', { name: 'Fibre outage in Lyon 7th' }).click();
    await page.getByLabel('Status', { exact: true }).selectOption('resolved');
    await page.getByLabel('Message, Markdown (fr)').first().fill('Service rétabli.');
    await page.getByRole('button', { name: 'Post the update' }).click();
    await page.getByText('Saved.').first().waitFor();
    await expectAccessible(page);

    await page.getByRole('tab', { name: 'Templates' }).click();
    await page.getByLabel('Template name').fill('Box outage');
    await page.getByLabel('Title (en)').fill('Router outage in ');
    await page.getByRole('button', { name: 'Add the template' }).click();
    await page.getByRole('rowheader', { name: 'Box outage' }).waitFor();
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
    const summary = (await app.inject({ method: 'GET', url: '/api/v2/summary.json' })).json();
    expect(summary.incidents).toEqual([]);
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const templates = (await app.inject({ url: '/api/v1/status/templates', headers: admin.headers })).json();
    expect(templates.items.at(-1)).toMatchObject({ name: 'Box outage', titles: { en: 'Router outage in' } });
  });
});
