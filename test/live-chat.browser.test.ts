import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newPage, signInToConsole } from './browser.ts';
import { openAllWeek } from './chat-helpers.ts';
import { ADMIN, buildStaff, createTestApp, signIn, type TestApp } from './helpers.ts';
import { startHostileHost } from './widget-helpers.ts';

let t: TestApp;
let relais: string;
let host: Awaited<ReturnType<typeof startHostileHost>> | undefined;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signIn>>;

// The widget tests' hostile host: another origin, a CSS reset, a strict CSP allowing Relais only.
const HOSTILE_CSS = `* { all: unset !important; }
div, button, section, ul, p, form, input, textarea { display: none !important; }
`;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  relais = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  host = await startHostileHost({
    relais,
    css: HOSTILE_CSS,
    page: () => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Shop</title>
<link rel="stylesheet" href="/hostile.css">
<script src="${relais}/widget.js" data-relais-site="shop" async></script>
</head><body><h1>Shop</h1></body></html>`,
  });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [host.url] },
  });
  expect(site.statusCode).toBe(201);
  const settings = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/escalation/settings',
    headers: admin.headers,
    payload: openAllWeek(),
  });
  expect(settings.statusCode).toBe(200);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.close();
});

describe('live chat: a customer in the widget, an agent in the console', () => {
  it('messages both ways, typing, reloads on each side, end → the ticket holds the transcript', async () => {
    const agent = await buildStaff(t.app, 'agent');
    const a = await newPage(browser);
    await signInToConsole(a.page, relais, agent.email, 'a long enough password');
    await a.page.goto(`${relais}/admin/chats`);
    await a.page.getByRole('heading', { level: 1, name: 'Live chats' }).waitFor();

    const c = await newPage(browser, { locale: 'fr-FR' });
    await c.page.goto(host!.url);
    await c.page.getByRole('button', { name: "Besoin d'aide ?" }).click();
    const dialog = c.page.getByRole('dialog', { name: 'Aide' });
    // Offered once an agent is online (the chats page sends the presence heartbeat).
    await dialog.getByRole('button', { name: 'Discuter avec un conseiller' }).first().click();
    const field = dialog.getByLabel('Votre message');
    await field.fill('Ma box clignote en rouge depuis ce matin');
    await field.press('Enter');
    await dialog.getByText(/vous êtes n°\s1 dans la file/).waitFor();

    // The agent sees it in the queue (and the navigation badge), takes it.
    await a.page.getByRole('link', { name: /^Chats.*1$/ }).waitFor();
    await a.page.getByText('Ma box clignote en rouge depuis ce matin').waitFor();
    await a.page.getByRole('button', { name: 'Take the chat' }).click();
    await a.page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor();
    await dialog.getByText(/a rejoint la discussion\./).waitFor();

    // Typing indicator, then the message, agent → customer.
    const reply = a.page.getByLabel('Your message');
    await reply.pressSequentially('Bonjour, je regarde');
    await dialog.getByText(/écrit…/).waitFor();
    await reply.press('Enter');
    await dialog.getByText('Bonjour, je regarde').waitFor();

    // Customer → agent, with the typing indicator on the console.
    await field.pressSequentially('Merci beaucoup');
    await a.page.getByText('The customer is typing…').waitFor();
    await field.press('Enter');
    await a.page.getByText('Merci beaucoup').waitFor();

    // Reload on each side: the chat is still there.
    await c.page.reload();
    const again = c.page.getByRole('dialog', { name: 'Aide' });
    await again.getByText('Bonjour, je regarde').waitFor();
    await a.page.reload();
    await a.page.getByText('Merci beaucoup').waitFor();
    const field2 = again.getByLabel('Votre message');
    await field2.fill('Toujours là après rechargement');
    await field2.press('Enter');
    await a.page.getByText('Toujours là après rechargement').waitFor();
    await a.page.getByLabel('Your message').fill('Redémarrez la box, puis dites-moi.');
    await a.page.getByLabel('Your message').press('Enter');
    await again.getByText('Redémarrez la box, puis dites-moi.').waitFor();

    // End: the customer is told; the ticket thread holds the whole transcript.
    await a.page.getByRole('button', { name: 'End the chat' }).click();
    await again.getByText('La discussion est terminée. Elle reste dans votre demande.').first().waitFor();
    await again.getByRole('button', { name: 'M’envoyer la transcription par e-mail' }).waitFor();
    const ticketLink = await a.page.getByRole('link', { name: 'Open the ticket' }).getAttribute('href');
    const ticketId = ticketLink!.split('/').at(-1)!;
    const ticket = (
      await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: admin.headers })
    ).json();
    const bodies = ticket.messages.map((m: { body: string }) => m.body);
    for (const text of [
      'Ma box clignote en rouge depuis ce matin',
      'Bonjour, je regarde',
      'Merci beaucoup',
      'Toujours là après rechargement',
      'Redémarrez la box, puis dites-moi.',
    ]) {
      expect(bodies).toContain(text);
    }
    // The host's strict CSP names Relais's http origin only: the socket is refused, and the widget
    // fell back to the event stream + POST for the whole chat (nothing else was blocked).
    expect(c.problems.length).toBeGreaterThan(0);
    expect(c.problems.filter((p) => !/Connecting to 'ws:\/\/.*violates.*connect-src/.test(p))).toEqual([]);
    expect(a.problems).toEqual([]);
    await a.context.close();
    await c.context.close();
  }, 120_000);

  it('nobody accepts: the customer asks for a callback on a slot, the text kept; it joins the callback queue', async () => {
    const agent = await buildStaff(t.app, 'agent');
    const a = await newPage(browser);
    await signInToConsole(a.page, relais, agent.email, 'a long enough password');
    await a.page.goto(`${relais}/admin/chats`);
    await a.page.getByRole('heading', { level: 1, name: 'Live chats' }).waitFor();
    const quick = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/escalation/settings',
      headers: admin.headers,
      payload: openAllWeek(2),
    });
    expect(quick.statusCode).toBe(200);
    try {
      const c = await newPage(browser, { locale: 'fr-FR' });
      await c.page.goto(host!.url);
      await c.page.getByRole('button', { name: "Besoin d'aide ?" }).click();
      const dialog = c.page.getByRole('dialog', { name: 'Aide' });
      await dialog.getByRole('button', { name: 'Discuter avec un conseiller' }).first().click();
      await dialog.getByLabel('Votre message').fill('Personne pour ma facture en double ?');
      await dialog.getByLabel('Votre message').press('Enter');
      // The delay passes: the form or a callback, with what was typed already in the request.
      await dialog.getByLabel('Téléphone').waitFor({ timeout: 30_000 });
      expect(await dialog.getByLabel('Votre demande').inputValue()).toBe(
        'Personne pour ma facture en double ?',
      );
      await dialog.getByLabel('Téléphone').fill('06 12 34 56 78');
      const slots = await dialog.getByLabel('Créneau de rappel').locator('option').allTextContents();
      expect(slots.length).toBeGreaterThan(1);
      await dialog.getByLabel('Créneau de rappel').selectOption({ label: slots[1]! });
      await dialog.getByRole('button', { name: 'Être rappelé' }).click();
      await dialog.getByText(/Demande envoyée/).waitFor();

      await a.page.goto(`${relais}/admin/inbox?queue=callbacks`);
      const table = a.page.getByRole('table', { name: 'Callbacks to make' });
      await table.getByRole('link', { name: '+33612345678' }).waitFor();
      expect(await table.textContent()).toContain('Personne pour ma facture en double ?');
      await a.context.close();
      await c.context.close();
    } finally {
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/escalation/settings',
        headers: admin.headers,
        payload: openAllWeek(),
      });
    }
  }, 120_000);
});
