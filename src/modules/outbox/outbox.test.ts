import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEscalation } from '../../../test/escalation-builders.ts';
import { ADMIN, buildStaff, createTestApp, signIn, type TestApp } from '../../../test/helpers.ts';
import { mailText, startReceiver, startSmtp, verifyWebhook } from '../../../test/receivers.ts';
import { outbox } from '../../db/schema.ts';
import { backoffDelay, parseRetryAfter } from './worker.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: Awaited<ReturnType<typeof signIn>>;
let agent: Awaited<ReturnType<typeof buildStaff>>;

beforeAll(async () => {
  smtp = await startSmtp();
  receiver = await startReceiver();
  t = await createTestApp(
    {
      RELAIS_SMTP_URL: smtp.url,
      RELAIS_MAIL_FROM: 'Nuvia <support@nuvia.test>',
      RELAIS_PUBLIC_URL: 'https://help.nuvia.test',
      RELAIS_OUTBOX_TIMEOUT_MS: '2000',
      RELAIS_OUTBOX_BACKOFF_MS: '1000',
      RELAIS_OUTBOX_MAX_ATTEMPTS: '3',
      LOG_LEVEL: 'info',
    },
    { outboxWorker: false },
  );
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  agent = await buildStaff(t.app, 'agent');
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
  await smtp?.close();
});

const later = (ms: number) => new Date(Date.now() + ms);

/** Replaces every connector by this one. */
async function onlyConnector(kind: string, settings: Record<string, string>, secret: string) {
  const list = await t.app.inject({ method: 'GET', url: '/api/v1/connectors', headers: admin.headers });
  for (const c of list.json().items) {
    await t.app.inject({ method: 'DELETE', url: `/api/v1/connectors/${c.id}`, headers: admin.headers });
  }
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: admin.headers,
    payload: { kind, name: kind, settings, secret },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function escalateOne() {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/escalations', payload: buildEscalation() });
  expect(res.statusCode).toBe(201);
  return res.json() as { ticketId: string; reference: string; customerUrl: string };
}

const deliveries = (ticketId: string, kind: 'email' | 'connector') =>
  t.app.db
    .select()
    .from(outbox)
    .where(eq(outbox.ticketId, ticketId))
    .then((rows) => rows.filter((r) => r.kind === kind));

describe('connectors', () => {
  it('pushes to Zendesk with basic token auth, the context and an idempotency key; the token never leaves', async () => {
    receiver.received.length = 0;
    receiver.respondWith((_r, res) => res.writeHead(201).end('{"ticket":{"id":1}}'));
    const connector = await onlyConnector(
      'zendesk',
      { url: `${receiver.url}/`, email: 'agent@nuvia.test' },
      'zd-secret-token-123',
    );
    expect(JSON.stringify(connector)).not.toContain('zd-secret-token-123');
    expect(connector.hasSecret).toBe(true);

    const created = await escalateOne();
    await t.app.outbox.drain();
    const [req] = receiver.received;
    expect(req).toMatchObject({ method: 'POST', path: '/api/v2/tickets.json' });
    expect(req!.headers.authorization).toBe(
      `Basic ${Buffer.from('agent@nuvia.test/token:zd-secret-token-123').toString('base64')}`,
    );
    const [row] = await deliveries(created.ticketId, 'connector');
    expect(req!.headers['idempotency-key']).toBe(row!.idempotencyKey);
    const body = JSON.parse(req!.body);
    expect(body.ticket).toMatchObject({
      subject: 'Ma box ne se connecte plus',
      requester: { email: 'jeanne.martin@exemple.fr', name: 'Jeanne Martin' },
      external_id: created.reference,
      priority: 'normal',
    });
    expect(body.ticket.comment.body).toContain('Search: "box voyant rouge"');
    expect(body.ticket.comment.body).toContain('Article viewed: box-red-light (not helpful)');
    expect(body.ticket.comment.body).toContain('bot: Avez-vous redémarré votre box ?');
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/connectors', headers: admin.headers });
    expect(listed.body).not.toContain('zd-secret-token-123');
    expect(t.logs.text).not.toContain('zd-secret-token-123');
  });

  it('creates a Salesforce Case with a bearer token', async () => {
    receiver.received.length = 0;
    receiver.respondWith((_r, res) => res.writeHead(201).end('{"id":"500xx","success":true}'));
    await onlyConnector('salesforce', { url: receiver.url, apiVersion: 'v61.0' }, 'sf-access-token-xyz');
    await escalateOne();
    await t.app.outbox.drain();
    const [req] = receiver.received;
    expect(req).toMatchObject({ method: 'POST', path: '/services/data/v61.0/sobjects/Case' });
    expect(req!.headers.authorization).toBe('Bearer sf-access-token-xyz');
    expect(JSON.parse(req!.body)).toMatchObject({
      Subject: 'Ma box ne se connecte plus',
      Origin: 'Web',
      Status: 'New',
      Priority: 'Medium',
      SuppliedEmail: 'jeanne.martin@exemple.fr',
      SuppliedName: 'Jeanne Martin',
    });
  });

  it('upserts the Salesforce Case by external id, so a retry after a lost answer makes no duplicate', async () => {
    receiver.received.length = 0;
    // Like Salesforce: PATCH …/Case/<field>/<value> creates (201) or updates (200) the Case with that id.
    const cases = new Map<string, string>();
    receiver.respondWith((r, res, n) => {
      const created = !cases.has(r.path);
      cases.set(r.path, r.body);
      // The first answer is lost (the Case exists, Relais sees a 503 and tries again).
      if (n === 1) return res.writeHead(503).end();
      return res.writeHead(created ? 201 : 200).end('{"id":"500xx","success":true}');
    });
    await onlyConnector(
      'salesforce',
      { url: receiver.url, apiVersion: 'v61.0', externalIdField: 'Relais_Reference__c' },
      'sf-access-token-xyz',
    );
    const created = await escalateOne();
    await t.app.outbox.runOnce();
    await t.app.outbox.drain(later(3_600_000));
    const path = `/services/data/v61.0/sobjects/Case/Relais_Reference__c/${created.reference}`;
    expect(receiver.received.map((r) => [r.method, r.path])).toEqual([
      ['PATCH', path],
      ['PATCH', path],
    ]);
    expect(cases.size).toBe(1);
    expect((await deliveries(created.ticketId, 'connector'))[0]).toMatchObject({ status: 'delivered' });
  });

  it('signs webhooks over timestamp.body; a receiver can verify and reject a tampered body', async () => {
    receiver.received.length = 0;
    receiver.respondWith((_r, res) => res.writeHead(204).end());
    await onlyConnector('webhook', { url: `${receiver.url}/hooks/relais` }, 'whsec-0123456789');
    const created = await escalateOne();
    await t.app.outbox.drain();
    const [req] = receiver.received;
    expect(req!.path).toBe('/hooks/relais');
    expect(verifyWebhook('whsec-0123456789', req!.headers, req!.body)).toBe(true);
    expect(verifyWebhook('whsec-0123456789', req!.headers, req!.body.replace('box', 'bix'))).toBe(false);
    expect(verifyWebhook('wrong-secret', req!.headers, req!.body)).toBe(false);
    const event = JSON.parse(req!.body);
    expect(event).toMatchObject({ type: 'ticket.escalated', ticket: { reference: created.reference } });
    expect(event.ticket.context.searches).toHaveLength(2);
    expect(event.ticket.context.transcript).toHaveLength(3);
    expect(req!.headers['x-relais-event']).toBe('ticket.escalated');
  });

  it('respects Retry-After on 429', async () => {
    receiver.received.length = 0;
    receiver.respondWith((_r, res, n) =>
      n === 1 ? res.writeHead(429, { 'retry-after': '120' }).end() : res.writeHead(201).end('{}'),
    );
    await onlyConnector('webhook', { url: receiver.url }, 'whsec-0123456789');
    const created = await escalateOne();
    await t.app.outbox.runOnce();
    const [row] = await deliveries(created.ticketId, 'connector');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook answered HTTP 429' });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(Date.now() + 115_000);
    await t.app.outbox.drain(later(60_000));
    expect(receiver.received).toHaveLength(1);
    await t.app.outbox.drain(later(125_000));
    expect(receiver.received).toHaveLength(2);
    expect((await deliveries(created.ticketId, 'connector'))[0]!.status).toBe('delivered');
  });

  it('retries 5xx with backoff, dead-letters after the last attempt, and retries by hand with the same key', async () => {
    receiver.received.length = 0;
    receiver.respondWith((_r, res) => res.writeHead(503).end());
    await onlyConnector('webhook', { url: receiver.url }, 'whsec-0123456789');
    const created = await escalateOne();
    for (let i = 0; i < 4; i++) await t.app.outbox.drain(later(3_600_000 * (i + 1)));
    const [dead] = await deliveries(created.ticketId, 'connector');
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'webhook answered HTTP 503' });
    expect(receiver.received).toHaveLength(3);

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/outbox?status=dead',
      headers: admin.headers,
    });
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(dead!.id);
    expect(list.body).not.toContain('whsec');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: agent.headers })).statusCode,
    ).toBe(403);

    receiver.respondWith((_r, res) => res.writeHead(200).end('{}'));
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/v1/outbox/${dead!.id}/retry`,
      headers: admin.headers,
    });
    expect(retry.json()).toMatchObject({ status: 'pending', attempts: 0 });
    await t.app.outbox.drain();
    expect((await deliveries(created.ticketId, 'connector'))[0]!.status).toBe('delivered');
    const keys = new Set(receiver.received.map((r) => r.headers['idempotency-key']));
    expect(keys).toEqual(new Set([dead!.idempotencyKey]));
  });

  it('treats a timeout as a retryable failure', async () => {
    receiver.received.length = 0;
    receiver.respondWith(() => {}); // never answers
    await onlyConnector('webhook', { url: receiver.url }, 'whsec-0123456789');
    const created = await escalateOne();
    await t.app.outbox.runOnce();
    const [row] = await deliveries(created.ticketId, 'connector');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'timed out' });
  });

  it('validates connector settings per kind', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: admin.headers,
      payload: { kind: 'zendesk', name: 'zd', settings: { url: 'not a url' }, secret: 'long enough secret' },
    });
    expect(res.json()).toMatchObject({ status: 400, field: 'settings.url' });
  });

  it('backoff doubles with jitter and Retry-After reads seconds or a date', () => {
    expect(backoffDelay(1, 1000, 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 1)).toBe(8000);
    expect(backoffDelay(4, 1000, 0)).toBe(4000);
    expect(backoffDelay(40, 1000, 1)).toBe(3_600_000);
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('customer e-mails over SMTP', () => {
  it('sends the confirmation with the secure link, then each public reply — never an internal note', async () => {
    await onlyConnector('webhook', { url: receiver.url }, 'whsec-0123456789');
    receiver.respondWith((_r, res) => res.writeHead(200).end());
    smtp.mails.length = 0;
    const created = await escalateOne();
    await t.app.outbox.drain();
    expect(smtp.mails).toHaveLength(1);
    const [confirmation] = smtp.mails;
    expect(confirmation!.to).toEqual(['jeanne.martin@exemple.fr']);
    expect(confirmation!.from).toBe('support@nuvia.test');
    const text = mailText(confirmation!.raw);
    expect(text).toContain(created.reference);
    expect(text).toContain('Nous avons bien reçu votre demande');
    expect(text).toContain(created.customerUrl);

    const reply = (body: string, visibility: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${created.ticketId}/messages`,
        headers: agent.headers,
        payload: { body, visibility },
      });
    await reply('Note : vérifier le DSLAM', 'internal');
    await reply('Bonjour, nous avons relancé votre ligne.', 'public');
    await t.app.outbox.drain();
    expect(smtp.mails).toHaveLength(2);
    const second = mailText(smtp.mails[1]!.raw);
    expect(second).toContain('Un conseiller a répondu à votre demande');
    expect(second).toContain('Bonjour, nous avons relancé votre ligne.');
    expect(second).not.toContain('DSLAM');
    // The fresh link in that e-mail opens the ticket.
    const link = /https:\/\/help\.nuvia\.test\/tickets\/view\?token=([\w-]+)/.exec(second)![1]!;
    const view = await t.app.inject({
      method: 'GET',
      url: '/api/v1/customer/ticket',
      headers: { 'x-relais-ticket-token': link },
    });
    expect(view.json().reference).toBe(created.reference);
    // Once sent, the outbox keeps no live link; logs never held the address.
    for (const row of await deliveries(created.ticketId, 'email')) {
      expect(row.status).toBe('delivered');
      expect(JSON.stringify(row.payload)).not.toContain('token=');
    }
    expect(t.logs.text).not.toMatch(/jeanne|exemple\.fr/i);
  });
});

describe('without SMTP', () => {
  it('keeps e-mails in the outbox as undeliverable with a clear log line, and never crashes', async () => {
    const bare = await createTestApp({ LOG_LEVEL: 'info' }, { outboxWorker: false });
    try {
      const res = await bare.app.inject({
        method: 'POST',
        url: '/api/v1/escalations',
        payload: buildEscalation(),
      });
      expect(res.statusCode).toBe(201);
      await bare.app.outbox.drain();
      const rows = await bare.app.db.select().from(outbox);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        kind: 'email',
        status: 'undeliverable',
        lastError: 'RELAIS_SMTP_URL is not set',
      });
      expect(bare.logs.text).toContain('outbox: not sent, RELAIS_SMTP_URL is not set');
    } finally {
      await bare.close();
    }
  });
});
