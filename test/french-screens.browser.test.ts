/**
 * A French customer or agent never meets English: every English phrase of the interface copy
 * (help centre, portal, status page, widget, console) is looked for in what French screens show —
 * visible text, placeholders, labels read by screen readers, titles — in a real browser.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STATUS_COPY } from '../src/modules/status/copy.ts';
import { DEFAULT_STRINGS } from '../src/modules/widget/strings.ts';
import { ACCOUNT_COPY } from '../src/web/account-copy.ts';
import { t as helpCentreCopy } from '../src/web/i18n.ts';
import { newPage, startBrowserHarness } from './browser.ts';
import { ADMIN } from './helpers.ts';

// The console's catalogue (TSX, outside this project's compiler settings), loaded as vitest loads it.
const consoleCatalogue = '../admin/src/i18n.tsx';
const { DICTIONARIES } = (await import(/* @vite-ignore */ consoleCatalogue)) as {
  DICTIONARIES: Record<'fr' | 'en', Record<string, string>>;
};

/** Every string leaf of a copy table; functions are called with sample arguments. */
function leaves(copy: unknown): string[] {
  if (typeof copy === 'string') return [copy];
  if (typeof copy === 'function') {
    try {
      return leaves((copy as (...a: unknown[]) => unknown)('x', 2, 'x'));
    } catch {
      return [];
    }
  }
  if (copy && typeof copy === 'object') return Object.values(copy).flatMap(leaves);
  return [];
}

/**
 * Phrases that can only be English UI: the literal runs of each English string (placeholders and ICU
 * parts cut out) of at least two words and ten characters, that no French string also contains.
 */
function englishPhrases(): string[] {
  const en = [
    ...leaves(helpCentreCopy('en')),
    ...leaves(ACCOUNT_COPY.en),
    ...leaves(STATUS_COPY.en),
    ...leaves(DEFAULT_STRINGS.en),
    ...leaves(DICTIONARIES.en),
  ];
  const fr = [
    ...leaves(helpCentreCopy('fr')),
    ...leaves(ACCOUNT_COPY.fr),
    ...leaves(STATUS_COPY.fr),
    ...leaves(DEFAULT_STRINGS.fr),
    ...leaves(DICTIONARIES.fr),
  ].join('\n');
  const phrases = new Set<string>();
  for (const s of en) {
    for (const run of s.split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|[#<>]/)) {
      const p = run.trim().replace(/[.:!?]+$/, '');
      if (p.length >= 10 && p.split(/\s+/).length >= 2 && !fr.includes(p)) phrases.add(p);
    }
  }
  return [...phrases];
}

/** What a person reads or hears on the page, the widget's shadow root included. */
const readable = (page: Page) =>
  page.evaluate(() => {
    const parts: string[] = [document.title];
    const walk = (root: Document | ShadowRoot) => {
      const body = root instanceof Document ? root.body : root;
      parts.push((body as HTMLElement).innerText ?? body.textContent ?? '');
      for (const e of Array.from(root.querySelectorAll('[placeholder],[aria-label],[title],[alt]'))) {
        for (const a of ['placeholder', 'aria-label', 'title', 'alt']) parts.push(e.getAttribute(a) ?? '');
      }
      for (const e of Array.from(root.querySelectorAll('*'))) if (e.shadowRoot) walk(e.shadowRoot);
    };
    walk(document);
    return parts.join('\n');
  });

let h: Awaited<ReturnType<typeof startBrowserHarness>>;
const phrases = englishPhrases();

beforeAll(async () => {
  h = await startBrowserHarness({ RELAIS_DEMO: 'on' });
}, 180_000);
afterAll(async () => h?.close());

it('has English phrases to look for', () => {
  expect(phrases.length).toBeGreaterThan(300);
  expect(phrases).toContain('Was this answer helpful');
  expect(phrases).toContain('Remove the demo data');
});

it('shows no English on French customer pages, the widget included', async () => {
  const { context, page } = await newPage(h.browser, { locale: 'fr-FR' });
  const found: Record<string, string[]> = {};
  const check = async (name: string) => {
    const text = await readable(page);
    const english = phrases.filter((p) => text.includes(p));
    if (english.length) found[name] = english;
  };
  for (const path of [
    '/fr',
    '/fr/search?q=resilier',
    '/fr/search?q=zzzz',
    '/fr/contact',
    '/fr/status',
    '/fr/account/sign-in',
  ]) {
    await page.goto(h.base + path);
    await check(path);
  }
  await page.goto(`${h.base}/fr`);
  await page.locator('main a[href*="/articles/"]').first().click();
  await check('article');
  await page.goto(`${h.base}/demo/host`);
  await page.getByRole('button', { name: /Besoin d.aide/ }).click();
  await page.getByRole('dialog').waitFor();
  await page.keyboard.type('ma facture');
  await page.keyboard.press('Enter');
  await page
    .getByRole('dialog')
    .getByRole('heading', { name: /^Réponse/ })
    .waitFor();
  await check('widget');
  expect(found).toEqual({});
  // The detector does see English where English belongs.
  await page.goto(`${h.base}/en`);
  const english = await readable(page);
  expect(phrases.filter((p) => english.includes(p)).length).toBeGreaterThan(3);
  await context.close();
});

it('shows no English in the French console', async () => {
  const { context, page } = await newPage(h.browser, { locale: 'fr-FR' });
  const login = await page.request.post(`${h.base}/api/v1/auth/login`, { data: ADMIN });
  expect(login.ok()).toBe(true);
  const found: Record<string, string[]> = {};
  for (const path of [
    '/admin/',
    '/admin/content',
    '/admin/inbox',
    '/admin/chats',
    '/admin/flows',
    '/admin/analytics',
    '/admin/search-tuning',
    '/admin/status',
    '/admin/customers',
    '/admin/settings/users',
    '/admin/settings/widget',
    '/admin/settings/branding',
    '/admin/settings/audit',
  ]) {
    await page.goto(h.base + path);
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    const text = await readable(page);
    const english = phrases.filter((p) => text.includes(p));
    if (english.length) found[path] = english;
  }
  expect(found).toEqual({});
  await context.close();
}, 120_000);
