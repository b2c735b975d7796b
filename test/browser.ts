import axe from 'axe-core';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { startRelais } from '../src/start.ts';
import { scratchDatabaseUrl, testConfig } from './helpers.ts';

/** Debian's Chromium, headless, with no background traffic (the machine reaches no other network). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** A fresh browser profile (own cookies) that collects CSP violations and page errors. */
export async function newPage(
  browser: Browser,
  options: { locale?: string; acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', ...options });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  return { context, page, problems };
}

/**
 * axe-core on the current page, or only inside `scope` (a selector, e.g. the widget's host element:
 * axe follows its open shadow root): no serious or critical violation.
 */
export async function expectAccessible(page: Page, scope?: string): Promise<void> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) rightly refuses a script tag.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async (selector) => {
    type Run = (
      context: unknown,
      options: unknown,
    ) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
    const run = (window as unknown as { axe: { run: Run } }).axe.run;
    const context = selector ? { include: [[selector]] } : document;
    const result = await run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  }, scope ?? null);
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

/** Signs in through the console's form (English UI). */
export async function signInToConsole(
  page: Page,
  base: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
}

/** A listening Relais on a scratch database (console built), its base URL and a Chromium. */
export async function startBrowserHarness(env: Record<string, string> = {}): Promise<{
  app: FastifyInstance;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}> {
  await ensureAdminBuilt();
  const scratch = await scratchDatabaseUrl();
  const { app } = await startRelais({ ...testConfig(env), databaseUrl: scratch.url });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await launchChromium();
  return {
    app,
    base,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      await scratch.drop();
    },
  };
}
