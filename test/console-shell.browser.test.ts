import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, newPage, signInToConsole, startBrowserHarness } from './browser.ts';
import { buildEscalation } from './escalation-builders.ts';
import { ADMIN, buildStaff } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, base, browser, close } = await startBrowserHarness());
}, 120_000);

afterAll(() => close());

const PASSWORD = 'a long enough password';

/** A draft written by `who` through the API (the owner is its author). */
async function buildDraft(who: { headers: Record<string, string> }, title: string, slug: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/articles',
    headers: who.headers,
    payload: { locale: 'fr', slug, title, shortAnswer: 'Réponse.' },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string };
}

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe('console shell', { timeout: 120_000 }, () => {
  it('groups the navigation by job and lists only what the role may open', async () => {
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    const groups = {
      Support: ['Tickets', 'Chats', 'Customers', 'Service status'],
      Content: ['Articles', 'Categories', 'Search tuning', 'Guided flows'],
      Insights: ['Analytics'],
      Settings: ['Team', 'API keys', 'Audit log', 'Branding & locales', 'Widget', 'Self-service actions'],
    };
    for (const [group, links] of Object.entries(groups)) {
      const list = nav.getByRole('list', { name: group });
      await expect(list.getByRole('link').allInnerTexts()).resolves.toEqual(links);
    }
    // The current screen is marked for assistive technologies.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await expect(nav.getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    // The skip link is the first thing a keyboard reaches, and leads to the main landmark.
    const first = await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('a[href], button, input, select, textarea');
      return { text: el?.textContent, href: el?.getAttribute('href') };
    });
    expect(first).toEqual({ text: 'Skip to content', href: '#main' });
    await expect(page.getByRole('main').getAttribute('id')).resolves.toBe('main');
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows an agent their queue on the home page', async () => {
    const agent = await buildStaff(app, 'agent');
    const res = await fetch(`${base}/api/v1/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildEscalation({ subject: 'Ma fibre est coupée' })),
    });
    expect(res.status).toBe(201);

    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, agent.email, PASSWORD);
    await page.getByRole('heading', { level: 2, name: 'My queue' }).waitFor();
    const unassigned = page.getByRole('region', { name: 'Unassigned tickets' });
    await unassigned.getByRole('link', { name: 'Ma fibre est coupée' }).waitFor();
    await expect(unassigned.getByLabel('1 item').count()).resolves.toBe(1);
    await expect(
      page
        .getByRole('region', { name: 'My open tickets' })
        .getByText('No open ticket is assigned to you.')
        .count(),
    ).resolves.toBe(1);
    // Agents get no content or analytics blocks.
    await expect(page.getByRole('heading', { name: 'My content' }).count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'The last 30 days' }).count()).resolves.toBe(0);
    await expectAccessible(page);

    await unassigned.getByRole('link', { name: 'Ma fibre est coupée' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ma fibre est coupée' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows an editor their drafts, in French with French plurals and typography', async () => {
    const editor = await buildStaff(app, 'editor');
    await buildDraft(editor, 'Comment résilier ma ligne ?', 'resilier-ma-ligne');
    await buildDraft(editor, 'Où trouver mon RIO ?', 'trouver-mon-rio');

    const { context, page, problems } = await newPage(browser, { locale: 'fr-FR' });
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel('Adresse e-mail').fill(editor.email);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByLabel('Mot de passe').press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Bonjour/ }).waitFor();
    const drafts = page.getByRole('region', { name: 'Mes brouillons' });
    await drafts.getByRole('link', { name: 'Comment résilier ma ligne ?' }).waitFor();
    await drafts.getByRole('link', { name: 'Où trouver mon RIO ?' }).waitFor();
    await expect(drafts.getByLabel('2 éléments').count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: 'Ma file' }).count()).resolves.toBe(0);
    // French typography: a non-breaking space before the colon.
    const who = await page
      .getByText(/^Connecté·e/)
      .first()
      .textContent();
    expect(who).toContain('\u00a0:');
    await expectAccessible(page);

    // "2 articles" (plural rule), on the content screen with the question tester near the top.
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Articles' })
      .click();
    await page.getByText('2 articles', { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Tester une question' }).click();
    await page.getByLabel('Question d’un client').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens the command palette with Ctrl+K to jump to a screen or an article', async () => {
    const editor = await buildStaff(app, 'editor');
    const draft = await buildDraft(editor, 'Changer mon code PIN', 'changer-code-pin');
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, editor.email, PASSWORD);

    await page.keyboard.press('Control+K');
    const search = page.getByRole('textbox', { name: 'Go to a screen, search an article…' });
    await search.waitFor();
    await search.fill('search tun');
    await page.getByRole('button', { name: /Search tuning/ }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Search tuning' }).waitFor();

    // Articles by title, from the knowledge base's search.
    await page.keyboard.press('Control+K');
    await search.fill('code PIN');
    await page.getByRole('button', { name: /Changer mon code PIN/ }).click();
    await expect.poll(() => page.url()).toBe(`${base}/admin/content/${draft.id}`);
    await page.getByRole('heading', { level: 1, name: /Changer mon code PIN/ }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits a phone: the navigation folds behind a burger and nothing scrolls sideways', async () => {
    const { context, page, problems } = await newPage(browser);
    await page.setViewportSize({ width: 375, height: 812 });
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Team' }).isVisible()).resolves.toBe(false);
    expect(await noHorizontalScroll(page)).toBe(true);
    await expectAccessible(page);

    const burger = page.getByRole('button', { name: 'Open the navigation' });
    await expect(burger.getAttribute('aria-expanded')).resolves.toBe('false');
    await burger.click();
    await nav.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    // Choosing a screen folds the navigation again.
    await expect.poll(() => nav.getByRole('link', { name: 'Team' }).isVisible()).toBe(false);
    expect(await noHorizontalScroll(page)).toBe(true);
    await expectAccessible(page);

    for (const path of ['/content', '/settings/audit', '/inbox']) {
      await page.goto(`${base}/admin${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await noHorizontalScroll(page), path).toBe(true);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
