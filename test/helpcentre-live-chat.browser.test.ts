import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../src/db/schema.ts';
import { expectAccessible, launchChromium, newPage, signInToConsole } from './browser.ts';
import { openAllWeek } from './chat-helpers.ts';
import { ADMIN, buildStaff, createTestApp, signIn, type TestApp } from './helpers.ts';

let t: TestApp;
let relais: string;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signIn>>;

const settings = (acceptTimeoutSeconds?: number) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/escalation/settings',
    headers: admin.headers,
    payload: openAllWeek(acceptTimeoutSeconds),
  });

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  relais = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  expect((await settings()).statusCode).toBe(200);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** An agent on the console's chats page (its heartbeat makes them "online"). */
async function agentOnChats() {
  const agent = await buildStaff(t.app, 'agent');
  const a = await newPage(browser);
  await signInToConsole(a.page, relais, agent.email, 'a long enough password');
  await a.page.goto(`${relais}/admin/chats`);
  await a.page.getByRole('heading', { level: 1, name: 'Live chats' }).waitFor();
  return a;
}

describe('live chat from the help centre', () => {
  it('search → contact → chat: messages both ways, typing, reload, end → the ticket holds the transcript and the journey', async () => {
    const a = await agentOnChats();
    const c = await newPage(browser, { locale: 'fr-FR' });
    await c.page.setViewportSize({ width: 375, height: 800 });
    // A search first: the agent's ticket gets it through the journey cookie.
    await c.page.goto(`${relais}/fr/search?q=${encodeURIComponent('facture en double')}`);
    await c.page.goto(`${relais}/fr/contact`);
    await c.page.getByRole('link', { name: 'Discuter avec un conseiller' }).click();
    await c.page.getByRole('heading', { level: 1, name: 'Discussion avec un conseiller' }).waitFor();
    const chat = c.page.locator('#live-chat');
    const field = chat.getByLabel('Votre message');
    await field.waitFor();
    await expectAccessible(c.page);
    await field.fill('Ma facture est arrivée en double');
    await field.press('Enter');
    await chat.getByText(/vous êtes n°\s1 dans la file/).waitFor();
    await expectAccessible(c.page);

    await a.page.getByText('Ma facture est arrivée en double').waitFor();
    await a.page.getByRole('button', { name: 'Take the chat' }).click();
    await a.page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor();
    await chat.getByText(/a rejoint la discussion\./).waitFor();

    // Agent → customer, with the typing indicator.
    const reply = a.page.getByLabel('Your message');
    await reply.pressSequentially('Bonjour, je vérifie');
    await chat.getByText(/écrit…/).waitFor();
    await reply.press('Enter');
    await chat.getByText('Bonjour, je vérifie').waitFor();
    // Customer → agent, with the typing indicator and the agent's read receipt.
    await field.pressSequentially('Merci');
    await a.page.getByText('The customer is typing…').waitFor();
    await field.press('Enter');
    await a.page.getByText('Merci', { exact: true }).waitFor();
    await chat.getByText('Lu', { exact: true }).waitFor();

    // Reload, and a visit to another help-centre page: the chat is still there.
    await c.page.reload();
    await chat.getByText('Bonjour, je vérifie').waitFor();
    await c.page.goto(`${relais}/fr`);
    await c.page.goto(`${relais}/fr/contact/chat`);
    await chat.getByText('Merci', { exact: true }).waitFor();
    await chat.getByLabel('Votre message').fill('Toujours là après rechargement');
    await chat.getByLabel('Votre message').press('Enter');
    await a.page.getByText('Toujours là après rechargement').waitFor();

    // The customer ends it and asks for the transcript.
    await chat.getByRole('button', { name: 'Terminer la discussion' }).click();
    await chat.getByText('La discussion est terminée. Elle reste dans votre demande.').first().waitFor();
    // Asked how satisfied they are (CSAT), once the chat has ended; the answer reaches analytics.
    const csat = chat.getByRole('group', { name: 'Êtes-vous satisfait de cette discussion\u00a0?' });
    await csat.getByRole('button', { name: '5 / 5' }).click();
    await chat.getByText('Merci pour votre avis.').waitFor();
    const ratings = await t.app.db.select().from(events).where(eq(events.type, 'survey.answered'));
    expect(ratings.map((e) => [e.channel, e.data])).toContainEqual([
      'helpcentre',
      { kind: 'csat', score: 5, context: 'contact' },
    ]);
    await chat.getByLabel('E-mail').fill('client@example.test');
    await chat.getByRole('button', { name: 'M’envoyer la transcription par e-mail' }).click();
    await chat.getByText('C’est envoyé : vérifiez votre boîte de réception.').waitFor();
    await expectAccessible(c.page);

    const ticketLink = await a.page.getByRole('link', { name: 'Open the ticket' }).getAttribute('href');
    const ticket = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets/${ticketLink!.split('/').at(-1)}`,
        headers: admin.headers,
      })
    ).json();
    const bodies = ticket.messages.map((m: { body: string }) => m.body);
    for (const text of [
      'Ma facture est arrivée en double',
      'Bonjour, je vérifie',
      'Merci',
      'Toujours là après rechargement',
    ]) {
      expect(bodies).toContain(text);
    }
    const timeline = ticket.timeline as Array<{ kind: string; text: string }>;
    expect(
      timeline.some((e) => e.kind === 'search' && e.text === 'facture en double'),
      JSON.stringify(timeline),
    ).toBe(true);
    // Same origin under the page's nonce CSP: the socket opened, nothing was refused.
    expect(c.problems).toEqual([]);
    expect(a.problems).toEqual([]);
    await a.context.close();
    await c.context.close();
  }, 180_000);

  it('nobody accepts in time: the form is offered with what was typed', async () => {
    const a = await agentOnChats();
    expect((await settings(2)).statusCode).toBe(200);
    try {
      const c = await newPage(browser, { locale: 'en-GB' });
      await c.page.goto(`${relais}/en/contact/chat`);
      const chat = c.page.locator('#live-chat');
      await chat.getByLabel('Your message').fill('Nobody there for my refund?');
      await chat.getByLabel('Your message').press('Enter');
      const request = chat.getByLabel('Your request');
      await request.waitFor({ timeout: 30_000 });
      expect(await request.inputValue()).toBe('Nobody there for my refund?');
      await chat.getByLabel('E-mail').fill('late@example.test');
      await chat.getByRole('button', { name: 'Send request' }).click();
      await chat.getByText(/Request sent\. Your reference: /).waitFor();
      await expectAccessible(c.page);
      expect(c.problems).toEqual([]);
      await c.context.close();
    } finally {
      await a.context.close();
      await settings();
    }
  }, 120_000);

  it('another chat’s id or a wrong token opens nothing; the routes are in the OpenAPI document', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/helpcentre/chats/00000000-0000-4000-8000-000000000000',
      headers: { 'x-chat-token': 'x'.repeat(43) },
    });
    expect(res.statusCode).toBe(404);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/helpcentre/chats', '/api/v1/helpcentre/chats/{id}/fallback']),
    );
  });

  it('a chat of the help centre cannot be opened from another origin', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/helpcentre/chats',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      payload: { message: 'hello', locale: 'en' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
