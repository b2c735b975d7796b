import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ RELAIS_DEMO: 'on' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  // The pages' CSP forbids inline scripts, axe included: only the test context bypasses it.
  context = await browser.newContext({ bypassCSP: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Runs axe-core (WCAG 2.1 A/AA rules) and returns the serious and critical violations. */
async function seriousViolations(page: Page) {
  await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe.each([
  { locale: 'fr', yes: 'Oui', thanks: 'Merci pour votre retour', contact: 'Contactez-nous' },
  { locale: 'en', yes: 'Yes', thanks: 'Thank you for your feedback', contact: 'Contact us' },
])('help centre in $locale', ({ locale, yes, thanks, contact }) => {
  it('goes home → category → article → feedback, accessible at every step', async () => {
    const page = await context.newPage();
    const response = await page.goto(`${base}/${locale}`);
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect(await seriousViolations(page)).toEqual([]);
    await expect(page.getByRole('link', { name: contact }).count()).resolves.toBe(1);

    await page.locator('.cards a').first().click();
    await page.waitForURL(new RegExp(`/${locale}/categories/`));
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('main .article-list a').first().click();
    await page.waitForURL(new RegExp(`/${locale}/articles/`));
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('.short-answer').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('textarea#comment').fill('Clear, thanks');
    await page.getByRole('button', { name: yes, exact: true }).click();
    await page.waitForURL(/feedback=sent/);
    expect(await page.locator('#feedback').textContent()).toContain(thanks);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('searches, and shows accessible search and 404 pages', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/${locale}`);
    // The header's search field is a combobox (answers suggested as you type); Enter still searches.
    await page.getByRole('combobox').fill(locale === 'fr' ? 'facture' : 'bill');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/${locale}/search\\?q=`));
    expect(await page.locator('.results li').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    const missing = await page.goto(`${base}/${locale}/articles/does-not-exist`);
    expect(missing?.status()).toBe(404);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});

describe('keyboard', () => {
  it('offers a skip link first, which moves focus to the main content', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/fr`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#main');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.close();
  });

  it('suggests answers as you type in the header search, under the strict CSP, keyboard only', async () => {
    const strict = await browser.newContext();
    const page = await strict.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    await page.goto(`${base}/fr`);
    const box = page.getByRole('combobox', { name: 'Rechercher une réponse' });
    await box.fill('telecharger ma fact');
    const list = page.getByRole('listbox', { name: 'Réponses suggérées' });
    await list.waitFor();
    const options = list.getByRole('option');
    expect(await options.count()).toBeGreaterThan(0);
    const first = (await options.first().locator('.suggestion-title').textContent()) ?? '';
    expect(first.toLowerCase()).toContain('facture');
    await expect.poll(() => page.getByRole('status').last().textContent()).toMatch(/réponse\(s\) suggérée/);
    // Arrow down marks the first answer for screen readers, Enter opens it.
    await box.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('q-option-0');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await Promise.all([page.waitForURL(/\/fr\/articles\//), box.press('Enter')]);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    // The page typesets French punctuation (non-breaking spaces); the suggestion is the plain title.
    expect(heading?.replace(/\s/g, ' ')).toBe(first.replace(/\s/g, ' '));
    // Escape closes the list; the plain form still goes to the search page.
    await page.getByRole('combobox').fill('resilier');
    await page.getByRole('listbox').waitFor();
    await page.getByRole('combobox').press('Escape');
    expect(await page.getByRole('listbox').isHidden()).toBe(true);
    await Promise.all([
      page.waitForURL(/\/fr\/search\?q=resilier/),
      page.getByRole('combobox').press('Enter'),
    ]);
    expect(violations).toEqual([]);
    await strict.close();
  });

  it('enforces the CSP for real: an injected inline script does not run', async () => {
    const strict = await browser.newContext();
    const page = await strict.newPage();
    await page.goto(`${base}/fr`);
    const ran = await page
      .addScriptTag({ content: 'window.__injected = true' })
      .then(() => page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true))
      .catch(() => false);
    expect(ran).toBe(false);
    await strict.close();
  });
});
