import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EscalationSettings, writeEscalationSettings } from '../src/modules/escalation/settings.ts';
import { newPage, signInToConsole, startBrowserHarness } from './browser.ts';
import { openAllWeek } from './chat-helpers.ts';
import { ADMIN, buildStaff, signIn } from './helpers.ts';

let app: FastifyInstance;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
let proxy: Server;
let proxied: string;
let refusedUpgrades = 0;
const SHOP = 'https://shop.example';

/**
 * A proxy in front of Relais that passes HTTP (event streams included) and refuses every WebSocket
 * upgrade, as some corporate proxies do: the console must fall back to SSE + POST by itself.
 */
function startSocketBlockingProxy(target: string) {
  const { hostname, port } = new URL(target);
  const server = createServer((req, res) => {
    const upstream = request(
      { hostname, port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (_req, socket) => {
    refusedUpgrades++;
    socket.destroy();
  });
  return new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  ({ app, base, browser, close } = await startBrowserHarness());
  await writeEscalationSettings(app.db, openAllWeek() as EscalationSettings);
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const site = await app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [SHOP] },
  });
  expect(site.statusCode).toBe(201);
  proxy = await startSocketBlockingProxy(base);
  proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await close?.();
});

describe('console live chat where WebSockets are blocked', () => {
  it('falls back to the event stream + POST: queue, accept, messages both ways', async () => {
    const agent = await buildStaff(app, 'agent');
    const a = await newPage(browser);
    await signInToConsole(a.page, proxied, agent.email, 'a long enough password');
    await a.page.goto(`${proxied}/admin/chats`);
    await a.page.getByRole('heading', { level: 1, name: 'Live chats' }).waitFor();
    // The chats page's heartbeat makes the agent available; then a customer asks for a live chat.
    await expect
      .poll(
        async () =>
          (await app.inject({ method: 'GET', url: '/api/v1/escalation/offer' })).json().agentsOnline,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(0);
    const created = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/escalations',
        payload: {
          channel: 'live',
          subject: 'Prélevé deux fois',
          description: 'J’ai été prélevé deux fois ce mois-ci, pouvez-vous vérifier ?',
          context: { locale: 'fr', source: 'api', customer: { email: 'camille@example.com' } },
        },
      })
    ).json();
    expect(created.chat).toBeTruthy();
    const customer = (path: string, payload?: object) =>
      app.inject({
        method: payload ? 'POST' : 'GET',
        url: `/api/v1/widget/chats/${created.chat.id}${path}?site=shop`,
        headers: { 'x-chat-token': created.chat.token, origin: SHOP },
        ...(payload ? { payload } : {}),
      });

    // The queue arrives over the event stream.
    await a.page.getByText('Prélevé deux fois').waitFor();
    await a.page.getByRole('button', { name: 'Take the chat' }).click();
    await a.page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor();

    // Agent → customer through POST; customer → agent through the stream.
    await a.page.getByLabel('Your message').fill('Bonjour, je regarde votre facture.');
    await a.page.getByLabel('Your message').press('Enter');
    await expect
      .poll(async () => (await customer('')).json().messages.map((m: { body: string }) => m.body), {
        timeout: 20_000,
      })
      .toContain('Bonjour, je regarde votre facture.');
    expect((await customer('/messages', { text: 'Merci, j’attends.' })).statusCode).toBe(201);
    await a.page.getByText('Merci, j’attends.').waitFor();

    expect(refusedUpgrades).toBeGreaterThan(0);
    expect(a.problems).toEqual([]);
    await a.context.close();
  }, 180_000);
});
