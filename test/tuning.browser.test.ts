import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { expectAccessible, launchChromium } from './browser.ts';
import { buildStaff, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  await ensureAdminBuilt();
  t = await createTestApp({ RELAIS_DEMO: 'on' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('search tuning', { timeout: 120_000 }, () => {
  it('lets an editor add a one-way synonym in French and see it rank the password article', async () => {
    const editor = await buildStaff(t.app, 'editor');
    const context = await browser.newContext({ locale: 'fr-FR' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });

    // Sign in through the console.
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel('Adresse e-mail').fill(editor.email);
    await page.getByLabel('Mot de passe').fill('a long enough password');
    await page.getByLabel('Mot de passe').press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Bonjour/ }).waitFor();

    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await nav.getByRole('link', { name: 'Réglage de la recherche' }).click();
    await page.getByRole('heading', { level: 1, name: 'Réglage de la recherche' }).waitFor();
    await page.getByLabel('Langue réglée').selectOption('fr');
    await page.getByRole('heading', { level: 2, name: 'Synonymes (fr)' }).waitFor();
    await expectAccessible(page);

    // A rule with a single term: the server's problem+json error shows next to that rule.
    await page.getByRole('button', { name: 'Ajouter une règle' }).click();
    const terms = page.getByLabel('Termes', { exact: true }).last();
    await expect.poll(() => terms.evaluate((el) => el === document.activeElement)).toBe(true);
    await terms.fill('zorglub');
    await page.getByRole('button', { name: 'Enregistrer les synonymes (fr)' }).click();
    await expect.poll(() => terms.getAttribute('aria-invalid')).toBe('true');

    // Fixed: one-way "zorglub → mot de passe".
    await terms.fill('zorglub, mot de passe');
    await page
      .getByRole('checkbox', { name: /^À sens unique/ })
      .last()
      .check();
    await page.getByRole('button', { name: 'Enregistrer les synonymes (fr)' }).click();
    await page.getByText(/^Synonymes enregistrés/).waitFor();
    await expect.poll(() => terms.getAttribute('aria-invalid')).toBeNull();

    // Playground: the synonym brings the password article first, with the why.
    await page.getByLabel('Question', { exact: true }).fill('zorglub oublié');
    const results = page.getByRole('list', { name: 'Résultats classés' });
    const first = results.locator(':scope > li').first();
    // Synonyms reach the index when the transaction commits: search again until they apply.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Chercher', exact: true }).click();
          await results.waitFor();
          return (await first.getByRole('heading', { level: 3 }).textContent()) ?? '';
        },
        { timeout: 20_000, interval: 500 },
      )
      .toMatch(/oublié mon mot de passe/);
    // The analysed terms show the rewrite (zorglub → mot de passe).
    expect(await page.getByText('Termes analysés :').innerText()).toMatch(/pass/);
    const why = await first.locator('dl.why').innerText();
    expect(why).toMatch(/Formulation la plus proche\s+« .+ »/);
    expect(why).toMatch(/Confiance\s+\d+ %/);
    expect(await first.locator('mark').count()).toBeGreaterThan(0);
    await expectAccessible(page);

    // Saved for good: a reload shows the rule.
    await page.reload();
    await page.getByLabel('Langue réglée').selectOption('fr');
    await expect
      .poll(() =>
        page
          .getByLabel('Termes', { exact: true })
          .evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value)),
      )
      .toContain('zorglub, mot de passe');

    expect(problems).toEqual([]);
    await context.close();
  });
});
