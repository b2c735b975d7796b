import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { startRelais } from '../src/start.ts';
import { expectAccessible, launchChromium, newPage, signInToConsole } from './browser.ts';
import { ADMIN, signIn as apiSignIn, buildStaff, scratchDatabaseUrl, testConfig } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  await ensureAdminBuilt();
  const scratch = await scratchDatabaseUrl();
  ({ app } = await startRelais({ ...testConfig(), databaseUrl: scratch.url }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  cleanups.push(
    () => browser.close(),
    () => app.close(),
    () => scratch.drop(),
  );
}, 120_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

const EDITOR = { email: 'claire@relais.test', name: 'Claire', password: 'a good long password' };

// Scenario tests on a shared 2-core runner: generous budgets, the steps themselves wait on what users see.
describe('admin console', { timeout: 120_000 }, () => {
  it('serves the console under /admin with a strict CSP and falls back to index.html', async () => {
    const res = await fetch(`${base}/admin/settings/users`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('lets an admin sign in, invite an editor, create an API key and read the audit log', async () => {
    const { context, page, problems } = await newPage(browser);
    await page.goto(`${base}/admin/`);
    // Not signed in: sent to the sign-in page, which is accessible.
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await expectAccessible(page);

    // A wrong password is reported, not a crash.
    await page.getByLabel('E-mail address').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' }).waitFor();

    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const link of ['Team', 'API keys', 'Audit log', 'Analytics']) {
      await expect(nav.getByRole('link', { name: link }).count()).resolves.toBe(1);
    }

    // Invite an editor: errors show next to the field, then the one-time link.
    await nav.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    await page.getByRole('cell', { name: ADMIN.email }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Name', { exact: true }).fill(EDITOR.name);
    await page.getByLabel('E-mail', { exact: true }).fill('not-an-email');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    const emailInput = page.getByLabel('E-mail', { exact: true });
    await expect.poll(() => emailInput.getAttribute('aria-invalid')).toBe('true');
    await emailInput.fill(EDITOR.email);
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    const link = page.getByLabel(/Invitation link to give Claire/);
    await link.waitFor();
    const inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(/\/admin\/accept-invite#.+/);
    await page.getByRole('row', { name: /Claire/ }).waitFor();

    // The invited editor sets a password through the link (in their own browser).
    const invited = await newPage(browser);
    await invited.page.goto(`${base}/admin/accept-invite#${inviteUrl.split('#')[1]}`);
    await invited.page.getByLabel('Password').fill('short');
    await invited.page.getByRole('button', { name: 'Set this password' }).click();
    await expect.poll(() => invited.page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await invited.page.getByLabel('Password').fill(EDITOR.password);
    await invited.page.getByRole('button', { name: 'Set this password' }).click();
    await invited.page.getByText('Password saved.').waitFor();
    expect(invited.page.url()).not.toContain('#');
    await invited.context.close();

    // API key: secret shown once with a copy button, never again after a reload.
    await nav.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByLabel('Key name').fill('SIEM export');
    await page.getByRole('checkbox', { name: 'audit:read' }).check();
    await page.getByRole('button', { name: 'Create a key' }).click();
    const secretInput = page.getByLabel(/Here is the secret key/);
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^rls_/);
    await expect(page.getByRole('button', { name: 'Copy' }).count()).resolves.toBe(1);
    await page.getByRole('row', { name: /SIEM export/ }).waitFor();
    await expectAccessible(page);
    const viaKey = await fetch(`${base}/api/v1/audit-log`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(viaKey.status).toBe(200);
    await page.reload();
    await page.getByRole('row', { name: /SIEM export/ }).waitFor();
    expect(await page.content()).not.toContain(secret);

    // Audit log: the writes above, newest first.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'api_key.created' }).waitFor();
    await expect(page.getByRole('cell', { name: 'user.created' }).count()).resolves.toBeGreaterThanOrEqual(2);
    await expect(page.getByRole('cell', { name: 'user.invite_accepted' }).count()).resolves.toBe(1);
    await expectAccessible(page);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps user management away from an editor: no link, a forbidden page, a 403 from the API', async () => {
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, EDITOR.email, EDITOR.password);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Articles' }).count()).resolves.toBe(1);
    for (const hidden of ['Team', 'API keys', 'Audit log', 'Analytics']) {
      await expect(nav.getByRole('link', { name: hidden }).count()).resolves.toBe(0);
    }

    await page.goto(`${base}/admin/settings/users`);
    await page.getByRole('heading', { level: 1, name: 'Access denied' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    expect(status).toBe(403);

    // The interface follows the language switch.
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { level: 1, name: 'Accès refusé' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByLabel('Langue').selectOption('en');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(after).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets an editor write a French article and submit it; an admin publishes it for the public', async () => {
    const admin = await apiSignIn(app, ADMIN.email, ADMIN.password);
    const category = await app.inject({
      method: 'POST',
      url: '/api/v1/categories',
      headers: admin.headers,
      payload: {
        translations: { fr: { slug: 'forfait', title: 'Forfait' }, en: { slug: 'plan', title: 'Plan' } },
      },
    });
    expect(category.statusCode).toBe(201);

    const editor = await buildStaff(app, 'editor');
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, editor.email, 'a long enough password');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Articles' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Content' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'New article' }).click();
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();

    await page.getByLabel('Language', { exact: true }).first().selectOption('fr');
    await page.getByLabel('Question title').fill('Comment changer de forfait ?');
    expect(await page.getByLabel('Address (slug)').inputValue()).toBe('comment-changer-de-forfait');
    await page
      .getByLabel('Short answer')
      .fill('Depuis votre espace client, rubrique Forfait, choisissez « Changer ».');
    await page
      .getByLabel('Body (Markdown)')
      .fill('## Étapes\n\n1. Ouvrez **Mon espace**\n2. Choisissez *Changer*');
    // Live preview through the server's renderer.
    await page.locator('.rendered strong', { hasText: 'Mon espace' }).waitFor();
    for (const f of ['changer mon abonnement', 'passer à un forfait plus grand', 'oops']) {
      await page.getByLabel('New formulation').fill(f);
      await page.getByLabel('New formulation').press('Enter');
    }
    await page.getByRole('button', { name: 'Remove oops' }).click();
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Plan' });

    // Leaving with unsaved changes asks first; dismissing keeps the draft.
    page.once('dialog', (d) => void d.dismiss());
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Articles' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    expect(await page.getByLabel('Question title').inputValue()).toBe('Comment changer de forfait ?');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: /^Edit: Comment changer de forfait/ }).waitFor();
    await page.getByText('Saved (version 1).').waitFor();
    await expectAccessible(page);
    await page.getByLabel('Comment (optional)').fill('Prêt pour relecture');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText('Status: In review.').waitFor();
    // An editor cannot publish.
    await expect(page.getByRole('button', { name: 'Approve and publish' }).count()).resolves.toBe(0);
    const articleUrl = page.url();
    expect(problems).toEqual([]);
    await context.close();

    const reviewer = await newPage(browser);
    await signInToConsole(reviewer.page, base, ADMIN.email, ADMIN.password);
    await reviewer.page.goto(`${base}/admin/content?status=in_review`);
    await reviewer.page.getByRole('link', { name: 'Comment changer de forfait ?' }).click();
    await reviewer.page.getByRole('heading', { level: 1, name: /^Edit: Comment changer/ }).waitFor();
    expect(reviewer.page.url()).toBe(articleUrl);
    const formulations = reviewer.page.getByRole('textbox', { name: /^Formulation \d$/ });
    await expect(formulations.count()).resolves.toBe(2);
    await reviewer.page.getByRole('button', { name: 'Approve and publish' }).click();
    await reviewer.page.getByText('Status: Published.').waitFor();
    await reviewer.page.getByRole('link', { name: 'View in the help centre' }).waitFor();
    expect(reviewer.problems).toEqual([]);

    // The public (no session) now gets it.
    const pub = await fetch(`${base}/api/v1/articles?locale=fr`).then((r) => r.json());
    const published = pub.items.find((a: { title: string }) => a.title === 'Comment changer de forfait ?');
    expect(published).toMatchObject({ locale: 'fr', shortAnswer: expect.stringContaining('espace client') });
    expect(published.status).toBeUndefined();

    // A second version, its diff with the first, and restoring the first.
    await reviewer.page.getByLabel('Short answer').fill('Dans Mon espace, rubrique Forfait.');
    await reviewer.page.getByRole('button', { name: 'Save' }).click();
    await reviewer.page.getByText('Saved (version 2).').waitFor();
    await reviewer.page.getByRole('button', { name: 'Compare' }).click();
    await reviewer.page.locator('.diff', { hasText: 'shortAnswer' }).locator('.del').first().waitFor();
    await expectAccessible(reviewer.page);
    await reviewer.page.getByRole('button', { name: 'Restore this version (1)' }).click();
    await reviewer.page.getByText('Version 1 restored as a new version.').waitFor();
    expect(await reviewer.page.getByLabel('Short answer').inputValue()).toContain('espace client');
    await reviewer.context.close();
  });

  it('reorders categories with the keyboard', async () => {
    const admin = await apiSignIn(app, ADMIN.email, ADMIN.password);
    await app.inject({
      method: 'POST',
      url: '/api/v1/categories',
      headers: admin.headers,
      payload: { translations: { en: { slug: 'billing', title: 'Billing' } } },
    });
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    await page.goto(`${base}/admin/content/categories`);
    await page.getByRole('heading', { level: 1, name: 'Categories and sections' }).waitFor();
    const down = page.getByRole('button', { name: 'Move Plan down' });
    await down.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Order saved.').waitFor();
    const order = await fetch(`${base}/api/v1/categories`).then((r) => r.json());
    expect(
      order.items.map((c: { translations: { en: { title: string } } }) => c.translations.en.title),
    ).toEqual(['Billing', 'Plan']);
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
  });
});
