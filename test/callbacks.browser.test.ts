import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EscalationSettings, writeEscalationSettings } from '../src/modules/escalation/settings.ts';
import { expectAccessible, newPage, signInToConsole, startBrowserHarness } from './browser.ts';
import { openAllWeek } from './chat-helpers.ts';
import { buildStaff } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, base, browser, close } = await startBrowserHarness());
  // Open around the clock: the callback choice shows whatever the hour the test runs at.
  await writeEscalationSettings(app.db, openAllWeek() as EscalationSettings);
}, 180_000);
afterAll(async () => close?.());

describe('callback requests', () => {
  it('a customer asks for a callback on the French contact page; an agent finds it in the callback queue', async () => {
    const { page, problems } = await newPage(browser, { locale: 'fr-FR' });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/fr/contact`);
    await page.getByLabel('Objet').fill('Question sur ma facture');
    await page.getByLabel('Votre demande').fill('Je ne comprends pas la ligne « options » de ma facture.');
    await page.getByLabel('Être rappelé par téléphone').check();
    await page.getByLabel('Numéro à rappeler').fill('06 12 34 56 78');
    const slot = page.getByLabel('Créneau de rappel');
    const options = await slot.locator('option').allTextContents();
    expect(options.length).toBeGreaterThan(1);
    await slot.selectOption({ label: options[1]! });
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await page.locator('#reference').waitFor();
    const reference = (await page.locator('#reference').textContent())!;
    expect(await page.locator('main').textContent()).toContain(`Un conseiller vous rappelle ${options[1]}.`);
    expect(problems).toEqual([]);

    const agent = await buildStaff(app, 'agent');
    const console = await newPage(browser);
    await signInToConsole(console.page, base, agent.email, 'a long enough password');
    await console.page.goto(`${base}/admin/inbox?queue=callbacks`);
    const table = console.page.getByRole('table', { name: 'Callbacks to make' });
    await table.getByRole('link', { name: '+33612345678' }).waitFor();
    expect(await table.textContent()).toContain('Question sur ma facture');
    await expectAccessible(console.page);
    await console.page.getByRole('button', { name: `Done — ${reference}` }).click();
    await console.page.getByText('Callback done, ticket solved.').waitFor();
    await console.page.getByText('No callback in this list.').waitFor();
    await console.page.locator('label[for$="-done"]').click();
    await table.getByRole('link', { name: '+33612345678' }).waitFor();
    expect(console.problems).toEqual([]);
  }, 180_000);
});
