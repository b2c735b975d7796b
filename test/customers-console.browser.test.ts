import { afterAll, beforeAll, expect, it } from 'vitest';
import { listCustomers, resolveVerifiedEmail } from '../src/modules/customers/service.ts';
import { escalate } from '../src/modules/escalation/service.ts';
import { expectAccessible, newPage, signInToConsole, startBrowserHarness } from './browser.ts';
import { ADMIN } from './helpers.ts';

let h: Awaited<ReturnType<typeof startBrowserHarness>>;
beforeAll(async () => {
  h = await startBrowserHarness();
  const db = h.app.db;
  await escalate(
    db,
    {
      channel: 'form',
      subject: 'Box en panne',
      description: 'Ma box ne s’allume plus.',
      context: { locale: 'fr', source: 'helpcentre', customer: { email: 'nina.roux@example.fr' } },
    },
    { publicUrl: h.base },
  );
  await db.transaction((tx) => resolveVerifiedEmail(tx, 'nina.roux@example.fr', { name: 'Nina Roux' }));
  await db.transaction((tx) => resolveVerifiedEmail(tx, 'nina.pro@example.fr'));
}, 180_000);
afterAll(async () => h?.close());

it('staff find a customer, see their requests, set their plan and merge a duplicate', async () => {
  const { page, problems } = await newPage(h.browser);
  await signInToConsole(page, h.base, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
  await page.getByLabel('Search (e-mail, name, external id)').fill('nina');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: 'nina.roux@example.fr' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nina Roux' }).waitFor();
  await expect.poll(() => page.getByRole('link', { name: /^R-/ }).count()).toBe(1);
  await expectAccessible(page);

  await page.getByRole('textbox', { name: 'Segments (plan, products)' }).fill('plan=pro, nope');
  await page.getByRole('button', { name: 'Save' }).click();
  await page
    .getByText(/key=value/)
    .first()
    .waitFor();
  await page.getByRole('textbox', { name: 'Segments (plan, products)' }).fill('plan=pro, product=fibre');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Segments saved.').waitFor();

  await page.getByLabel('E-mail or external id of the duplicate').fill('nina.pro@example.fr');
  await page.getByRole('button', { name: 'Merge into this customer' }).click();
  await page.getByText('Duplicate merged.').waitFor();
  await expectAccessible(page);
  const { items } = await listCustomers(h.app.db, { q: 'nina', limit: 10, offset: 0 });
  expect(items.map((c) => [c.email, c.segments])).toEqual([
    ['nina.roux@example.fr', ['plan=pro', 'product=fibre']],
  ]);
  expect(problems).toEqual([]);
}, 120_000);
