import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../src/db/schema.ts';
import { listArticles } from '../src/modules/kb/service.ts';
import { buildWidget } from '../widget/build.ts';
import { expectAccessible, launchChromium } from './browser.ts';
import { ADMIN, signIn, type TestApp } from './helpers.ts';
import { createWidgetTestApp, startHostileHost } from './widget-helpers.ts';

let t: TestApp;
let relais: string;
let host: Awaited<ReturnType<typeof startHostileHost>> | undefined;
let shop: string;
let browser: Browser;
const titles: Record<string, string> = {};

// A third-party page at its worst: everything unset, divs and buttons hidden, strict CSP.
const HOSTILE_CSS = `* { all: unset !important; }
div, button, section, ul, p { display: none !important; }
html, body { font-size: 3px !important; color: red !important; }
relais-widget { transform: scale(0.2); }
`;

/** The stub documented in the README, verbatim. */
const QUEUE_STUB = `(function (w) { var r = (w.Relais = w.Relais || { q: [] });
  ['open', 'identify', 'track', 'setPageTags', 'page', 'trigger'].forEach(function (m) {
    r[m] = r[m] || function () { r.q.push([m, [].slice.call(arguments)]); }; }); })(window);`;

function shopPage(path: string, withWidget = true) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Shop ${path}</title>
<link rel="stylesheet" href="/hostile.css">
${withWidget ? `<script src="${relais}/widget.js" data-relais-site="shop" async></script>` : ''}
</head><body><h1>Shop</h1><p>Some content that must not move.</p></body></html>`;
}

beforeAll(async () => {
  await buildWidget();
  t = await createWidgetTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  relais = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

  host = await startHostileHost({
    relais,
    css: HOSTILE_CSS,
    csp: "img-src 'self'",
    page: (path) => shopPage(path, !path.startsWith('/plain')),
  });
  shop = host.url;

  const rows = await listArticles(t.app.db, {
    audience: 'public',
    status: 'published',
    locale: 'fr',
    limit: 1000,
  });
  const id = (key: string) => {
    const a = rows.find((r) => r.key === key)!;
    titles[key] = a.title;
    return a.id;
  };
  const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [shop] },
  });
  expect(site.statusCode).toBe(201);
  const rules = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/widget/sites/shop/rules',
    headers: admin.headers,
    payload: {
      items: [
        {
          id: 'billing',
          name: 'Billing',
          when: { urlPattern: '/billing*' },
          show: 'suggest',
          articleIds: [id('download-invoice')],
        },
        {
          id: 'checkout',
          name: 'Checkout error',
          when: { event: 'checkout_error' },
          show: 'nudge',
          articleIds: [id('payment-rejected')],
          message: { fr: 'Paiement refusé ? On vous aide.' },
        },
        { id: 'vip', name: 'Tagged', when: { pageTags: ['vip'] }, show: 'suggest', articleIds: [id('esim')] },
        {
          id: 'orders',
          name: 'Orders (single-page route)',
          when: { urlPattern: '/orders/*' },
          show: 'nudge',
          articleIds: [id('track-order')],
          message: { fr: 'Une question sur votre commande ?' },
        },
      ],
    },
  });
  expect(rules.statusCode).toBe(200);

  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.close();
});

/** A page that fails the test on any CSP violation or script error. */
async function open(path: string): Promise<Page & { problems: string[] }> {
  const page = Object.assign(await browser.newPage(), { problems: [] as string[] });
  page.on('pageerror', (e) => page.problems.push(`error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(shop + path);
  await page.getByRole('button', { name: "Besoin d'aide ?" }).waitFor();
  return page;
}

const activeInWidget = (page: Page) =>
  page.evaluate(() => {
    const h = document.querySelector('relais-widget');
    const a = h?.shadowRoot?.activeElement as HTMLElement | null | undefined;
    return document.activeElement === h
      ? a?.getAttribute('aria-label') || a?.textContent || a?.tagName
      : null;
  });

describe('widget on a hostile third-party page', () => {
  it('loads only the loader, pollutes nothing and shifts nothing', async () => {
    const plain = await browser.newPage();
    await plain.goto(`${shop}/plain`);
    const baseline = await plain.evaluate(() => ({
      keys: Object.keys(window),
      height: document.documentElement.scrollHeight,
      p: document.querySelector('p')?.getBoundingClientRect().top,
    }));
    await plain.close();

    const loaded: string[] = [];
    const page = await browser.newPage();
    page.on('request', (r) => loaded.push(r.url()));
    await page.goto(`${shop}/`);
    await page.getByRole('button', { name: "Besoin d'aide ?" }).waitFor();
    const after = await page.evaluate(() => ({
      keys: Object.keys(window),
      height: document.documentElement.scrollHeight,
      p: document.querySelector('p')?.getBoundingClientRect().top,
    }));
    expect(after.keys.filter((k) => !baseline.keys.includes(k))).toEqual(['Relais']);
    expect(after.height).toBe(baseline.height);
    expect(after.p).toBe(baseline.p);
    expect(loaded.filter((u) => u.startsWith(relais)).map((u) => new URL(u).pathname)).toEqual([
      '/widget.js',
      '/api/v1/widget/config',
    ]);
    await page.close();
  });

  it('searches as you type, answers, shows an article, keyboard only, then Escape returns focus', async () => {
    const page = await open('/');
    // Tab into the widget from the top of the page.
    await page.keyboard.press('Tab');
    expect(await activeInWidget(page)).toBe("Besoin d'aide ?");
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog.waitFor();
    expect(await dialog.isVisible()).toBe(true);
    await expect.poll(() => activeInWidget(page)).toBe('INPUT');

    await page.keyboard.type('telecharger ma factu');
    const first = dialog.getByRole('button', {
      name: new RegExp(titles['download-invoice']!.slice(0, 20).replace('?', '\\?')),
    });
    await first.first().waitFor();
    // The live region announces the count once the last keystroke's search is back.
    await dialog
      .getByRole('status')
      .filter({ hasText: /résultat/ })
      .waitFor();

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const heading = dialog.getByRole('heading', { name: titles['download-invoice'] });
    await heading.waitFor();
    expect(await activeInWidget(page)).toBe(titles['download-invoice']);
    expect(await dialog.locator('.md ol, .md p').count()).toBeGreaterThan(0);

    // The focus trap keeps Tab inside the dialog.
    for (let i = 0; i < 25; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('RELAIS-WIDGET');

    // Back, then submit a question: an instant answer.
    await dialog.getByRole('button', { name: /Retour/ }).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('ma carte bancaire est refusee');
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: /^Réponse/ }).waitFor();

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await activeInWidget(page)).toBe("Besoin d'aide ?");
    expect(page.problems).toEqual([]);

    const searches = await t.app.db
      .select()
      .from(events)
      .where(and(eq(events.channel, 'widget'), eq(events.type, 'search.performed')));
    expect(searches.length).toBeGreaterThan(0);
    await page.close();
  });

  it('suggests articles from a URL rule and from page tags queued before load', async () => {
    const page = await browser.newPage();
    // The queue stub a host pastes before the loader; calls before load run once it is there.
    await page.addInitScript({ content: `${QUEUE_STUB}\nRelais.setPageTags(['vip']);` });
    await page.goto(`${shop}/billing/march`);
    await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
    const region = page.getByRole('region', { name: 'Suggestions pour cette page' });
    await region.waitFor();
    expect(await region.getByRole('button').allTextContents()).toEqual([
      expect.stringContaining(titles['download-invoice']!),
      expect.stringContaining(titles.esim!),
    ]);
    await page.close();
  });

  it('treats a single-page app route change (history.pushState) as a new page view', async () => {
    const page = await open('/');
    const nudge = page.getByText('Une question sur votre commande ?');
    expect(await nudge.count()).toBe(0);
    await page.evaluate(() => history.pushState({}, '', '/orders/42'));
    await nudge.waitFor();
    await page.evaluate(() => history.pushState({}, '', '/'));
    await nudge.waitFor({ state: 'hidden' });
    // Browsers without the Navigation API: the host reports the route change itself.
    expect(
      await page.evaluate(() => typeof (window as unknown as { Relais: { page: unknown } }).Relais.page),
    ).toBe('function');
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('nudges once on a custom event, opens on click, and records it', async () => {
    const page = await open('/checkout');
    await page.evaluate(() =>
      (window as unknown as { Relais: { track(e: string): void } }).Relais.track('checkout_error'),
    );
    const nudge = page.getByText('Paiement refusé ? On vous aide.');
    await nudge.waitFor();
    await page.evaluate(() =>
      (window as unknown as { Relais: { track(e: string): void } }).Relais.track('checkout_error'),
    );
    expect(await page.getByText('Paiement refusé ? On vous aide.').count()).toBe(1);

    await page.getByRole('button', { name: 'Voir les réponses' }).click();
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog
      .getByRole('button', { name: new RegExp(titles['payment-rejected']!.slice(0, 15)) })
      .waitFor();

    // Escalation: the contact link goes to the help centre's contact page in a new tab.
    const contact = dialog.getByRole('link', { name: 'Contacter le service client' });
    expect(await contact.getAttribute('href')).toBe(`${t.app.config.publicUrl}/fr/contact`);

    await expect
      .poll(async () =>
        (await t.app.db.select().from(events).where(eq(events.channel, 'widget'))).map((e) => e.type),
      )
      .toEqual(expect.arrayContaining(['widget.nudge_shown', 'widget.nudge_clicked', 'widget.opened']));
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('on a phone: full screen, one scroll area, "was this helpful?" then the effort score, recorded', async () => {
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const surveys = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/analytics/settings',
      headers: admin.headers,
      payload: { surveys: { csat: true, ces: true, sampleRate: 1 } },
    });
    expect(surveys.statusCode).toBe(200);
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await page.goto(`${shop}/`);
    await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    await dialog.waitFor();
    await expect.poll(() => activeInWidget(page)).toBe('INPUT');
    expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 812 });

    await page.keyboard.type('telecharger ma facture');
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: /^Réponse/ }).waitFor();
    await dialog.getByRole('button', { name: "Lire l'article" }).click();
    await dialog.getByRole('heading', { name: titles['download-invoice'] }).waitFor();
    // Only the panel's body scrolls: no scroll area nested inside another.
    const scrollers = await page.evaluate(() =>
      Array.from(document.querySelector('relais-widget')!.shadowRoot!.querySelectorAll('*'))
        .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
        .map((e) => e.className),
    );
    expect(scrollers).toEqual(['b']);

    const asked = dialog.getByRole('group', { name: 'Cette réponse vous a-t-elle aidé\u00a0?' }).last();
    await asked.getByRole('button', { name: 'Oui' }).click();
    await dialog.getByText('Merci pour votre retour\u00a0!').waitFor();
    const effort = dialog.getByRole('group', { name: /Était-ce facile/ });
    await effort.getByRole('button', { name: '6 / 7' }).click();
    await dialog.getByText('Merci, c’est noté.').waitFor();
    await expectAccessible(page, 'relais-widget');

    const recorded = async (type: string) =>
      (
        await t.app.db
          .select()
          .from(events)
          .where(and(eq(events.channel, 'widget'), eq(events.type, type)))
      ).map((e) => e.data);
    await expect.poll(() => recorded('feedback.given')).toContainEqual({ helpful: true });
    await expect
      .poll(() => recorded('survey.answered'))
      .toContainEqual({ kind: 'ces', score: 6, context: 'article' });
    await page.close();
  });

  it('has no serious or critical axe violations inside the widget', async () => {
    const page = await open('/billing');
    await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
    const dialog = page.getByRole('dialog', { name: 'Aide' });
    // The panel is loaded on first open: type only once its search field has the focus.
    await dialog.waitFor();
    await expect.poll(() => activeInWidget(page)).toBe('INPUT');
    await page.keyboard.type('facture');
    await dialog
      .getByRole('status')
      .filter({ hasText: /résultat/ })
      .waitFor();
    await expectAccessible(page, 'relais-widget');
    await page.close();
  });
});
