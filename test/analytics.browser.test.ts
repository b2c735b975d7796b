import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { refreshRollups } from '../src/modules/analytics/service.ts';
import { recordEvent } from '../src/modules/events/service.ts';
import { startRelais } from '../src/start.ts';
import { launchChromium } from './browser.ts';
import { buildStaff, scratchDatabaseUrl, testConfig } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  await ensureAdminBuilt();
  const scratch = await scratchDatabaseUrl();
  ({ app } = await startRelais({ ...testConfig(), databaseUrl: scratch.url }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
  cleanups.push(
    () => browser.close(),
    () => app.close(),
    () => scratch.drop(),
  );
  // Yesterday: 3 French self-service sessions, 1 English one.
  const at = new Date(Date.now() - 86_400_000);
  for (const [i, [locale, query]] of [
    ['fr', 'ma facture'],
    ['fr', 'ma facture'],
    ['fr', 'code puk'],
    ['en', 'cancel my plan'],
  ].entries()) {
    await recordEvent(app.db, {
      type: 'search.performed',
      channel: 'helpcentre',
      sessionId: `session-${i}`,
      locale,
      at,
      data: { query: query!, resultCount: 1, confidence: 0.9, abstained: false },
    });
  }
  await refreshRollups(app.db, { lagSeconds: 0 });
}, 120_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('analytics dashboard', () => {
  it('lets an analyst filter by locale and export CSV', async () => {
    const analyst = await buildStaff(app, 'analyst');
    const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel('E-mail address').fill(analyst.email);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();

    const sessions = page.locator('[data-kpi="selfServiceSessions"] .kpi-value');
    await expect.poll(() => sessions.textContent()).toBe('4');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
    await page.getByRole('table', { name: 'Top searches' }).getByText('cancel my plan').waitFor();

    await page.locator('select[name="locale"]').selectOption('fr');
    await expect.poll(() => sessions.textContent()).toBe('3');
    await page
      .getByRole('table', { name: 'Top searches' })
      .getByText('cancel my plan')
      .waitFor({ state: 'detached' });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('heading', { name: /Top searches/ })
        .getByRole('link', { name: 'Export CSV' })
        .click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^relais-searches-.*-fr\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n').filter(Boolean)).toEqual([
      'query,count,zeroResults,abstained',
      'ma facture,2,0,0',
      'code puk,1,0,0',
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
