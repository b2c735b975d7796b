import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAllWeekOn } from '../../test/chat-helpers.ts';
import { ADMIN, buildStaff, createTestApp, signIn, type TestApp } from '../../test/helpers.ts';
import { DEFAULT_ESCALATION_SETTINGS } from '../modules/escalation/settings.ts';

let t: TestApp;
let agent: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  t = await createTestApp({}, { outboxWorker: false });
  agent = await buildStaff(t.app, 'agent');
  await openAllWeekOn(t.app);
});
afterAll(async () => t?.close());

const form = (fields: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/fr/contact',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

describe('callback from the contact page', () => {
  it('offers the slots in French and creates a callback request on the chosen one', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/fr/contact' });
    expect(page.body).toContain('Être rappelé par téléphone');
    const options = [...page.body.matchAll(/<option value="(\d{4}-[^"]+)">([^<]+)<\/option>/g)];
    expect(options.length).toBeGreaterThan(1);
    const [, start, label] = options[1]!;
    // « lundi 7 décembre, 14:00 – 14:30 »
    expect(label).toMatch(/^[a-z]+ \d{1,2} [a-zéû]+, \d\d:\d\d – \d\d:\d\d$/);

    const res = await form({
      reason: 'billing',
      subject: 'Question sur ma facture',
      description: 'Je ne comprends pas la ligne « options » de ma facture.',
      channel: 'callback',
      phone: '06 12 34 56 78',
      slot: start!,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain(`Un conseiller vous rappelle ${label}.`);
    const queue = (
      await t.app.inject({ method: 'GET', url: '/api/v1/callbacks', headers: agent.headers })
    ).json();
    expect(queue.items).toHaveLength(1);
    expect(queue.items[0]).toMatchObject({
      subject: 'Question sur ma facture',
      phone: '+33612345678',
      dueAt: start,
    });
  });

  it('says in French what is wrong with the number, keeping what was typed', async () => {
    const res = await form({
      subject: 'Question sur ma facture',
      description: 'Je ne comprends pas la ligne « options » de ma facture.',
      channel: 'callback',
      phone: '12',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez un numéro de téléphone');
    expect(res.body).toContain('Je ne comprends pas la ligne');
    expect(res.body).toMatch(/value="callback" checked/);
  });

  it('still sends an e-mail request without a phone', async () => {
    const res = await form({
      subject: 'Question sur ma facture',
      description: 'Je ne comprends pas la ligne « options » de ma facture.',
      channel: 'form',
      email: 'jeanne@example.com',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Réponse estimée');
  });
});

describe('outside business hours', () => {
  it('offers no callback, only the e-mail request', async () => {
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/escalation/settings',
      headers: admin.headers,
      payload: { ...DEFAULT_ESCALATION_SETTINGS, businessHours: { timezone: 'Europe/Paris', week: {} } },
    });
    expect(put.statusCode).toBe(200);
    const page = await t.app.inject({ method: 'GET', url: '/fr/contact' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Être rappelé');
    expect(page.body).toContain('Envoyer ma demande');
  });
});
