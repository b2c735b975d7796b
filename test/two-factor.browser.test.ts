import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, totpCode } from '../src/modules/staff/service.ts';
import { expectAccessible, newPage, startBrowserHarness } from './browser.ts';
import { ADMIN, signIn } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, base, browser, close } = await startBrowserHarness());
}, 180_000);

afterAll(() => close());

const EDITOR = { email: 'two.steps@relais.test', password: 'a long enough password' };

describe('two-step verification in the console', { timeout: 180_000 }, () => {
  it('a required member is sent to set it up, enrols with the QR code, then signs in with a code', async () => {
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const policy = await app.inject({
      method: 'PUT',
      url: '/api/v1/security/two-factor',
      headers: admin.headers,
      payload: { requiredRoles: ['editor'] },
    });
    expect(policy.statusCode).toBe(200);
    await createUser(app.db, { kind: 'anonymous' }, { ...EDITOR, name: 'Editor Two', role: 'editor' });

    const { context, page, problems } = await newPage(browser);
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel('E-mail address').fill(EDITOR.email);
    await page.getByLabel('Password').fill(EDITOR.password);
    await page.getByLabel('Password').press('Enter');

    // Sent to enrolment: the only page this session may use.
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    expect(page.url()).toContain('/admin/account/security');
    await page.getByText('An admin requires two-step verification for your role').waitFor();
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    const qr = page.getByRole('img', { name: 'QR code to scan with the authenticator app' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = await page.getByLabel('Key to type by hand').inputValue();
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await expectAccessible(page);

    await page.getByLabel('6-digit code').fill('000000' === totpCode(secret) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Wrong code.').waitFor();
    await page.getByLabel('6-digit code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Your recovery codes, shown only once').waitFor();
    const codes = await page.locator('.recovery-codes li').allInnerTexts();
    expect(codes).toHaveLength(10);
    await page.getByText('This session').waitFor();
    await expectAccessible(page);
    // The rest of the console opens now.
    await page.getByRole('link', { name: 'Articles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Content' }).waitFor();

    // Sign out, then in again: password, then a code (the next one: a code is never accepted twice).
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByLabel('E-mail address').waitFor();
    await page.getByLabel('E-mail address').fill(EDITOR.email);
    await page.getByLabel('Password').fill(EDITOR.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Two-step verification' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('6-digit code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Back where the member was when signing out.
    await page.getByRole('heading', { level: 1, name: 'Content' }).waitFor();

    // A recovery code works too, once.
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByLabel('E-mail address').fill(EDITOR.email);
    await page.getByLabel('Password').fill(EDITOR.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Content' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
