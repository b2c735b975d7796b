/**
 * `npm run screenshots`: the screens a newcomer meets, as a person sees them, in docs/screenshots/ —
 * Relais with its demo (content, flows, ninety days of analytics) on an embedded database, Debian's
 * Chromium at 1280×800 and 375×812, French and English. The README shows a few of them.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ensureAdminBuilt } from '../admin/build.ts';
import { startRelais } from '../src/start.ts';
import { launchChromium } from '../test/browser.ts';
import { ADMIN, freePort, testConfig } from '../test/helpers.ts';
import { buildWidget } from '../widget/build.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

async function main() {
  mkdirSync(OUT, { recursive: true });
  await ensureAdminBuilt();
  await buildWidget();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { app } = await startRelais({
    ...testConfig({ RELAIS_DEMO: 'on', RELAIS_DEMO_HISTORY: 'on', RELAIS_PUBLIC_URL: base }),
    databaseUrl: 'memory://',
  });
  await app.listen({ port, host: '127.0.0.1' });
  const browser = await launchChromium();
  const taken: string[] = [];
  try {
    const shot = async (page: Page, name: string) => {
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.screenshot({ path: `${OUT}${name}.png` });
      taken.push(name);
    };
    const open = async (b: Browser, viewport: typeof DESKTOP, locale: string) =>
      (await b.newContext({ viewport, locale, deviceScaleFactor: 1 })).newPage();

    // ── the customer's side ──
    for (const [lang, locale] of [
      ['fr', 'fr-FR'],
      ['en', 'en-GB'],
    ] as const) {
      const page = await open(browser, DESKTOP, locale);
      await page.goto(`${base}/${lang}`);
      await shot(page, `helpcentre-home-${lang}`);
      await page.goto(
        `${base}/${lang}/search?q=${encodeURIComponent(lang === 'fr' ? 'je veux resilier mon abonement' : 'cancel my subscription')}`,
      );
      await shot(page, `helpcentre-search-${lang}`);
      await page.locator('main a[href*="/articles/"]').first().click();
      await shot(page, `helpcentre-article-${lang}`);
      await page.goto(`${base}/${lang}/contact`);
      await shot(page, `contact-${lang}`);
      await page.goto(`${base}/${lang}/status`);
      await shot(page, `status-${lang}`);
      await page.context().close();
    }
    const phone = await open(browser, PHONE, 'fr-FR');
    await phone.goto(`${base}/fr`);
    await shot(phone, 'helpcentre-home-fr-phone');
    await phone.goto(`${base}/demo/host`);
    await phone.getByRole('button', { name: /Besoin d.aide/ }).click();
    await phone.getByRole('dialog').waitFor();
    await phone.keyboard.type('ma box clignote en rouge');
    await phone.keyboard.press('Enter');
    await phone
      .getByRole('dialog')
      .getByRole('heading', { name: /^Réponse/ })
      .waitFor();
    await shot(phone, 'widget-answer-fr-phone');
    await phone.context().close();

    // ── the support team's side ──
    const desk = await open(browser, DESKTOP, 'fr-FR');
    const login = await desk.request.post(`${base}/api/v1/auth/login`, { data: ADMIN });
    if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
    for (const [path, name, ready] of [
      ['/admin/', 'console-home', 'main h1'],
      ['/admin/inbox', 'console-inbox', 'main table'],
      ['/admin/analytics', 'console-analytics', '.chart'],
      ['/admin/content', 'console-content', 'main table'],
      ['/admin/flows', 'console-flows', 'main'],
      ['/admin/status', 'console-status', 'main'],
    ] as const) {
      await desk.goto(base + path);
      await desk
        .locator(ready)
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(() => {});
      await shot(desk, name);
    }
  } finally {
    await browser.close();
    await app.close();
  }
  console.log(`${taken.length} screenshots in docs/screenshots/: ${taken.join(', ')}`);
}

await main();
