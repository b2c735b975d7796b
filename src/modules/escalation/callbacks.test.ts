import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAllWeekOn } from '../../../test/chat-helpers.ts';
import { buildEscalation } from '../../../test/escalation-builders.ts';
import { buildStaff, createTestApp, type TestApp } from '../../../test/helpers.ts';
import { auditLog, events } from '../../db/schema.ts';
import { callbackSlots, normalizePhone } from './callbacks.ts';
import { DEFAULT_ESCALATION_SETTINGS } from './settings.ts';

let t: TestApp;
let agent: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  t = await createTestApp({}, { outboxWorker: false });
  agent = await buildStaff(t.app, 'agent');
  await openAllWeekOn(t.app);
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('callback slots', () => {
  const hours = {
    ...DEFAULT_ESCALATION_SETTINGS,
    businessHours: {
      timezone: 'Europe/Paris',
      week: { mon: [['09:00', '10:30']] as Array<[string, string]> },
    },
  };

  it('offers 30-minute slots inside business hours, in the company time zone, labelled in French', () => {
    // Monday 7 December 2026, 08:50 in Paris (07:50 UTC): first slot 09:30 (15 minutes to read first).
    const slots = callbackSlots(hours, 'fr', new Date('2026-12-07T07:50:00Z'));
    expect(slots.map((s) => s.start)).toEqual(['2026-12-07T08:30:00.000Z', '2026-12-07T09:00:00.000Z']);
    expect(slots[0]!.label).toBe('lundi 7 décembre, 09:30 – 10:00');
    // After closing: next Monday, never a slot that straddles 10:30.
    const later = callbackSlots(hours, 'en', new Date('2026-12-07T09:20:00Z'));
    expect(later[0]!.start).toBe('2026-12-14T08:00:00.000Z');
    expect(later).toHaveLength(3);
  });

  it('offers nothing when callbacks are switched off', () => {
    const off = { ...hours, channels: { ...hours.channels, callback: false } };
    expect(callbackSlots(off, 'fr', new Date('2026-12-07T08:20:00Z'))).toEqual([]);
  });

  it('normalises numbers to E.164', () => {
    expect(normalizePhone('06 12 34 56 78')).toBe('+33612345678');
    expect(normalizePhone('0044 20 7946 0018')).toBe('+442079460018');
    expect(normalizePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizePhone('12')).toBeUndefined();
  });
});

describe('callback requests and the callback queue', () => {
  it('creates a callback ticket on the chosen slot, carrying the journey, and lists it due first', async () => {
    const offer = (await t.app.inject({ method: 'GET', url: '/api/v1/escalation/offer?locale=fr' })).json();
    expect(offer.callbackSlots.length).toBeGreaterThan(1);
    const [first, second] = offer.callbackSlots as Array<{ start: string; label: string }>;

    const base = buildEscalation();
    const later = await post('/api/v1/escalations', {
      ...base,
      channel: 'callback',
      callback: { phone: '06 12 34 56 78', slot: second!.start },
    });
    expect(later.statusCode).toBe(201);
    expect(later.json().channel).toBe('callback');
    const sooner = await post('/api/v1/escalations', {
      ...base,
      channel: 'callback',
      context: { ...base.context, customer: { name: 'Paul Durand' } },
      callback: { phone: '+33 7 00 00 00 01', slot: first!.start },
    });
    expect(sooner.statusCode).toBe(201);

    const queue = await t.app.inject({ method: 'GET', url: '/api/v1/callbacks', headers: agent.headers });
    expect(queue.statusCode).toBe(200);
    const items = queue.json().items;
    expect(items.map((i: { ticketId: string }) => i.ticketId)).toEqual([
      sooner.json().ticketId,
      later.json().ticketId,
    ]);
    expect(items[1]).toMatchObject({ phone: '+33612345678', status: 'pending', dueAt: second!.start });

    // The agent sees the journey with it.
    const ticket = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets/${later.json().ticketId}`,
        headers: agent.headers,
      })
    ).json();
    expect(ticket.channel).toBe('callback');
    expect(ticket.timeline.map((e: { kind: string }) => e.kind)).toContain('search');
  });

  it('refuses a slot that was not offered and a number that is not one, naming the field', async () => {
    const base = buildEscalation();
    const bad = await post('/api/v1/escalations', {
      ...base,
      channel: 'callback',
      callback: { phone: '06 12 34 56 78', slot: '2020-01-01T03:00:00Z' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('callback.slot');
    const short = await post('/api/v1/escalations', {
      ...base,
      channel: 'callback',
      callback: { phone: '1234567' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().field).toBe('callback.phone');
  });

  it('records outcomes: no answer stays in the queue as done leaves it; audited, never by a customer', async () => {
    const created = await post('/api/v1/escalations', {
      ...buildEscalation(),
      channel: 'callback',
      callback: { phone: '+33 6 98 76 54 32' },
    });
    const id = created.json().ticketId;
    const anonymous = await post(`/api/v1/tickets/${id}/callback`, { outcome: 'done' });
    expect(anonymous.statusCode).toBe(401);

    const noAnswer = await post(`/api/v1/tickets/${id}/callback`, { outcome: 'no_answer' }, agent.headers);
    expect(noAnswer.statusCode).toBe(200);
    const missed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/callbacks?status=no_answer',
      headers: agent.headers,
    });
    expect(missed.json().items.map((i: { ticketId: string }) => i.ticketId)).toContain(id);

    const done = await post(
      `/api/v1/tickets/${id}/callback`,
      { outcome: 'done', note: 'Box redémarrée ensemble' },
      agent.headers,
    );
    expect(done.json()).toMatchObject({ status: 'solved', assigneeId: agent.id });
    const open = await t.app.inject({ method: 'GET', url: '/api/v1/callbacks', headers: agent.headers });
    expect(open.json().items.map((i: { ticketId: string }) => i.ticketId)).not.toContain(id);

    const ticket = (
      await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: agent.headers })
    ).json();
    expect(ticket.messages.at(-1)).toMatchObject({
      visibility: 'internal',
      body: 'callback.done: Box redémarrée ensemble',
    });
    const audits = await t.app.db.select().from(auditLog);
    expect(audits.some((a) => a.action === 'ticket.callback_recorded' && a.subjectId === id)).toBe(true);
    // Analytics keep the outcome, never the number.
    const rows = await t.app.db.select().from(events);
    expect(JSON.stringify(rows)).not.toContain('98 76');
    expect(JSON.stringify(rows)).not.toContain('987654');

    const unknown = await post(
      '/api/v1/tickets/00000000-0000-4000-8000-000000000000/callback',
      { outcome: 'done' },
      agent.headers,
    );
    expect(unknown.statusCode).toBe(404);
  });
});
