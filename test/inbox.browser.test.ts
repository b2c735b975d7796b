import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminBuilt } from '../admin/build.ts';
import { agentPresence } from '../src/db/schema.ts';
import { agentsOnline } from '../src/modules/escalation/service.ts';
import { expectAccessible, launchChromium, newPage, signInToConsole } from './browser.ts';
import { buildEscalation, KB_DOCS, listSearchSource } from './escalation-builders.ts';
import { ADMIN, buildStaff, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  await ensureAdminBuilt();
  t = await createTestApp({}, { searchSource: listSearchSource(KB_DOCS), outboxWorker: false });
  await t.app.searchIndex.settled();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function escalateAsCustomer() {
  const res = await fetch(`${base}/api/v1/escalations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildEscalation()),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { ticketId: string; reference: string; customerUrl: string };
  return { ...created, token: new URL(created.customerUrl).searchParams.get('token')! };
}

async function isOnline(userId: string) {
  const rows = await t.app.db.select().from(agentPresence).where(eq(agentPresence.userId, userId));
  return rows.length > 0;
}

describe('agent inbox in the console', { timeout: 120_000 }, () => {
  it('an agent opens the ticket, reads the context, inserts a suggested answer and replies', async () => {
    const ticket = await escalateAsCustomer();
    const agent = await buildStaff(t.app, 'agent');
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, agent.email, 'a long enough password');

    // Agents see the inbox in the navigation; the open queue lists the new ticket.
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: ticket.reference });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/New.*Normal.*Expert.*fr.*nobody/);
    // Filters narrow the list (kept in the URL); an English-only filter hides this French ticket.
    const filters = page.getByRole('form', { name: 'Ticket filters' });
    await filters.getByLabel('Language').selectOption('en');
    await page.getByText('No ticket in this queue.').waitFor();
    await filters.getByLabel('Language').selectOption('');
    await page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: 'Unassigned' }).click();
    await row.waitFor();
    await expectAccessible(page);

    // The ticket: customer message and the context timeline (searches, bot transcript, time spent).
    await row.getByRole('link', { name: 'Ma box ne se connecte plus' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ma box ne se connecte plus' }).waitFor();
    await page.getByText(/voyant de ma box clignote rouge/).waitFor();
    const timeline = page.getByRole('region', { name: 'Path before escalating' });
    await timeline.getByText('box voyant rouge').waitFor();
    await timeline.getByText('internet coupé depuis ce matin').waitFor();
    await timeline.getByText('Avez-vous redémarré votre box ?').waitFor();
    await timeline.getByText('rated not helpful').waitFor();
    await timeline.getByText('Time before escalating: 1 min 35 s').waitFor();
    await timeline.getByText('Device: Firefox 128 on Linux (desktop)').waitFor();

    // Assign to me.
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('button', { name: 'Unassign' }).waitFor();
    await page.getByText('Assigned to: you').waitFor();
    await page.getByText('Ticket updated.').waitFor();

    // An empty reply is refused next to the field.
    await page.getByRole('button', { name: 'Send the reply' }).click();
    await page.locator('.field-error').filter({ hasText: 'Required.' }).waitFor();

    // Insert a suggested answer's link into the reply, with the keyboard.
    const suggestions = page.getByRole('region', { name: 'Knowledge-base answers' });
    const insert = suggestions.getByRole('button', {
      name: 'Insert link to “Le voyant de ma box est rouge”',
    });
    await insert.focus();
    await page.keyboard.press('Enter');
    const message = page.getByLabel('Message', { exact: true });
    const url = `${base}/fr/articles/box-red-light`;
    await expect.poll(() => message.inputValue()).toContain(`Le voyant de ma box est rouge: ${url}`);
    await expectAccessible(page);

    // Send it as a public reply.
    await message.press('Home');
    await message.press('Control+Home');
    await page.keyboard.type('Bonjour, voici la marche à suivre : ');
    await page.getByRole('button', { name: 'Send the reply' }).click();
    await page.getByText('Reply sent.').waitFor();
    await page.locator('.thread .from-agent').filter({ hasText: url }).waitFor();
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('pending_customer');

    // An internal note stays in the inbox.
    await page.getByLabel('Internal note').check();
    await message.fill('Client VIP, rappeler si besoin.');
    await page.getByRole('button', { name: 'Add the note' }).click();
    await page.getByText('Note added.').waitFor();
    await page.locator('.thread .internal').filter({ hasText: 'Client VIP' }).waitFor();

    // The customer reads the public reply (and not the note) through the secure link's API.
    const view = await fetch(`${base}/api/v1/customer/ticket`, {
      headers: { 'x-relais-ticket-token': ticket.token },
    });
    expect(view.status).toBe(200);
    const customer = (await view.json()) as {
      status: string;
      messages: Array<{ author: string; body: string }>;
    };
    expect(customer.status).toBe('pending_customer');
    const fromAgent = customer.messages.filter((m) => m.author === 'agent').map((m) => m.body);
    expect(fromAgent).toEqual([expect.stringContaining(`Bonjour, voici la marche à suivre`)]);
    expect(fromAgent[0]).toContain(url);
    expect(JSON.stringify(customer)).not.toContain('Client VIP');

    // Agents cannot write content: "This should be an article" prepares the draft for an editor.
    await page.getByRole('button', { name: 'This should be an article' }).click();
    await page.getByText('Draft prepared').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an admin turns a ticket into a draft article and opens it in the editor', async () => {
    const ticket = await escalateAsCustomer();
    const { context, page, problems } = await newPage(browser);
    await signInToConsole(page, base, ADMIN.email, ADMIN.password);
    await page.goto(`${base}/admin/inbox/${ticket.ticketId}`);
    await page.getByRole('heading', { level: 1, name: 'Ma box ne se connecte plus' }).waitFor();
    await page.getByRole('button', { name: 'This should be an article' }).click();
    await page.getByText('Draft “Ma box ne se connecte plus” created in the knowledge base.').waitFor();
    await page.getByRole('link', { name: 'Open the draft in the editor' }).click();
    await expect.poll(() => page.url()).toMatch(/\/admin\/content\/[0-9a-f-]{36}$/);
    await expect
      .poll(() =>
        page
          .getByLabel('Question title')
          .inputValue()
          .catch(() => ''),
      )
      .toBe('Ma box ne se connecte plus');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('counts an agent as online for live chat while the inbox is open, and no longer once they leave', async () => {
    const agent = await buildStaff(t.app, 'agent');
    const { context, page } = await newPage(browser);
    await signInToConsole(page, base, agent.email, 'a long enough password');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Tickets' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await expect.poll(() => isOnline(agent.id)).toBe(true);
    expect(await agentsOnline(t.app.db)).toBeGreaterThan(0);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Home' })
      .click();
    await expect.poll(() => isOnline(agent.id)).toBe(false);
    await context.close();
  });

  it('keeps the inbox out of reach of roles without tickets:read', async () => {
    const editor = await buildStaff(t.app, 'editor');
    const { context, page } = await newPage(browser);
    await signInToConsole(page, base, editor.email, 'a long enough password');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Articles' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Tickets' }).count()).toBe(0);
    await page.goto(`${base}/admin/inbox`);
    await page.getByRole('heading', { level: 1, name: 'Access denied' }).waitFor();
    await context.close();
  });
});
