import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { startRelais } from '../src/start.ts';
import { expectAccessible, launchChromium } from './browser.ts';
import { ADMIN, buildStaff, scratchDatabaseUrl, testConfig } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  await ensureAdminBuilt();
  const scratch = await scratchDatabaseUrl();
  // The demo brings its published flows ("My internet is down", "Change my plan") and the demo widget site.
  ({ app } = await startRelais({ ...testConfig({ RELAIS_DEMO: 'on' }), databaseUrl: scratch.url }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  cleanups.push(
    () => browser.close(),
    () => app.close(),
    () => scratch.drop(),
  );
}, 180_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('console: branding, flows, widget rules', { timeout: 180_000 }, () => {
  it('lets an admin rebrand the help centre, validate and preview flows, and edit widget rules', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });

    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel('E-mail address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });

    // Branding: a wrong colour is named next to its field; a good one reaches the help centre at once.
    await nav.getByRole('link', { name: 'Branding & locales' }).click();
    await page.getByRole('heading', { level: 1, name: 'Branding & locales' }).waitFor();
    const primary = page.getByLabel('Primary colour');
    await expect.poll(() => primary.inputValue()).toMatch(/^#/);
    await expectAccessible(page);
    await primary.fill('crimson');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect.poll(() => primary.getAttribute('aria-invalid')).toBe('true');
    await primary.fill('#7a1f5c');
    // The preview follows the input through a CSS custom property (no style attribute in the markup).
    await expect
      .poll(() =>
        page
          .getByTestId('brand-preview')
          .evaluate((el) => getComputedStyle(el).getPropertyValue('--preview-brand').trim()),
      )
      .toBe('#7a1f5c');
    await page.getByLabel('Displayed name').fill('Nuvia Care');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Branding saved').waitFor();
    const css = await (await fetch(`${base}/assets/theme.css`)).text();
    expect(css).toContain('--brand:#7a1f5c');
    const home = await (await fetch(`${base}/en`)).text();
    expect(home).toContain('Nuvia Care');

    // Flows: the demo flows are listed; open one and see its graph.
    await nav.getByRole('link', { name: 'Guided flows' }).click();
    await page.getByRole('heading', { level: 1, name: 'Guided flows' }).waitFor();
    await page.getByRole('link', { name: 'Change my plan' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change my plan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Flow: Change my plan' }).waitFor();
    const graph = page.getByRole('region', { name: 'Flow graph' });
    await graph.getByText('otherwise →').waitFor();
    await expect(page.getByRole('button', { name: 'Publish the latest version' }).count()).resolves.toBe(1);

    // Preview with a scripted answer: the transcript shows the branch taken.
    await page.getByLabel('Customer answers').fill('mobile');
    await page.getByRole('button', { name: 'Run the preview' }).click();
    const transcript = page.getByRole('list').filter({ hasText: 'Bot:' });
    await transcript.getByText(/Change your mobile plan in Mon Nuvia/).waitFor();
    await page.getByText(/^Path: what → mobile/).waitFor();
    await expectAccessible(page);

    // A broken definition: Validate names the node, Save is refused with the same field.
    const definition = page.getByLabel('Definition (JSON)');
    const broken = JSON.parse(await definition.inputValue());
    broken.nodes.mobile.next = 'nowhere';
    await definition.fill(JSON.stringify(broken, null, 2));
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByRole('alert').filter({ hasText: 'nodes.mobile.next' }).waitFor();
    await page.getByRole('button', { name: 'Save a new version' }).click();
    await page.getByRole('alert').filter({ hasText: 'definition.nodes.mobile.next' }).waitFor();
    await expectAccessible(page);
    // Unreadable JSON never reaches the server.
    await definition.fill('{ "key": ');
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/Unreadable JSON/).waitFor();

    // Widget rules: the demo site; a bad rule is refused with the field the server names.
    await nav.getByRole('link', { name: 'Widget' }).click();
    await page.getByRole('heading', { level: 1, name: 'Widget: sites' }).waitFor();
    await page.getByRole('row').nth(1).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^Widget site:/ }).waitFor();
    const rules = page.getByLabel('Rules', { exact: true });
    const items = JSON.parse(await rules.inputValue());
    expect(items.length).toBeGreaterThan(0);
    items[0].show = 'shout';
    await rules.fill(JSON.stringify(items));
    await page.getByRole('button', { name: 'Save the rules' }).click();
    await page.getByRole('alert').filter({ hasText: 'items.0.show' }).waitFor();
    await expectAccessible(page);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('gives editors the flows without publishing, and keeps the settings screens from them', async () => {
    const editor = await buildStaff(app, 'editor');
    const context = await browser.newContext({ locale: 'en-US' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel('E-mail address').fill(editor.email);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Guided flows' }).count()).resolves.toBe(1);
    for (const hidden of ['Branding & locales', 'Widget']) {
      await expect(nav.getByRole('link', { name: hidden }).count()).resolves.toBe(0);
    }
    await nav.getByRole('link', { name: 'Guided flows' }).click();
    await page.getByRole('link', { name: 'My internet is down' }).click();
    await page.getByRole('button', { name: 'Save a new version' }).waitFor();
    await expect(page.getByRole('button', { name: 'Publish the latest version' }).count()).resolves.toBe(0);
    await page.goto(`${base}/admin/settings/branding`);
    await page.getByRole('heading', { level: 1, name: 'Access denied' }).waitFor();
    await context.close();
  });
});
