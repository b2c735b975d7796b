import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { KB_DOCS, listSearchSource } from './escalation-builders.ts';
import { buildStaff, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await createTestApp({}, { searchSource: listSearchSource(KB_DOCS), outboxWorker: false });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('escalation in the browser', () => {
  it('customer escalates from the contact page, an agent replies, the customer reads it by the secure link', async () => {
    const page = await browser.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      // Only policy violations: a 400 page or a missing favicon also log console errors.
      if (/Content Security Policy|Refused/.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${base}/fr/contact?from=${encodeURIComponent('https://aide.nuvia.test/fr/internet')}`);
    expect(await page.title()).toBe('Contacter un conseiller · Relais');

    // Submitting empty shows field errors, without losing anything.
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('[aria-invalid="true"]').count()).toBeGreaterThanOrEqual(2);

    await page.getByLabel('Motif').selectOption('technical');
    await page.getByLabel('Objet').fill('Voyant rouge sur ma box');
    await page.getByLabel('Votre demande').fill('Ma box clignote rouge depuis ce matin, plus internet.');
    // As-you-type deflection from the same engine.
    await page.locator('#suggestions:not([hidden])').waitFor({ timeout: 10_000 });
    expect(await page.locator('#suggestions a').first().textContent()).toBe('Le voyant de ma box est rouge');
    await page.getByLabel('Votre e-mail').fill('jeanne@exemple.fr');
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();

    await page.locator('#reference').waitFor();
    const reference = await page.locator('#reference').textContent();
    expect(reference).toMatch(/^R-/);

    // The agent answers from the inbox API.
    const agent = await buildStaff(t.app, 'agent');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: agent.headers });
    const ticket = list.json().items.find((i: { reference: string }) => i.reference === reference);
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticket.id}`, headers: agent.headers })
    ).json();
    expect(detail.context.pageUrl).toBe('https://aide.nuvia.test/fr/internet');
    expect(detail.level).toBe('expert');
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/messages`,
      headers: agent.headers,
      payload: { body: 'Nous avons relancé votre ligne, redémarrez la box.', visibility: 'public' },
    });
    expect(reply.statusCode).toBe(201);

    await page.locator('#follow').click();
    await page.locator('#thread').waitFor();
    expect(await page.locator('#thread').textContent()).toContain(
      'Nous avons relancé votre ligne, redémarrez la box.',
    );
    expect(await page.locator('#status').textContent()).toBe('En attente de votre réponse');

    await page.getByLabel('Répondre').fill('Merci, tout remarche !');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.locator('#thread >> text=Merci, tout remarche !').waitFor();
    expect(await page.locator('#status').textContent()).toBe('En cours');
    expect(cspErrors).toEqual([]);
  }, 120_000);
});
