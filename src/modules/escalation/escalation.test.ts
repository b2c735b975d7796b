import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEscalation, KB_DOCS, listSearchSource } from '../../../test/escalation-builders.ts';
import { ADMIN, buildStaff, createTestApp, signIn, type TestApp } from '../../../test/helpers.ts';
import { events } from '../../db/schema.ts';
import { escalate } from './service.ts';

let t: TestApp;
type Staff = Awaited<ReturnType<typeof buildStaff>>;
// Sign-in is rate-limited (10 a minute): sign each role in once for the whole file.
const S = {} as { agent: Staff; editor: Staff; analyst: Staff; admin: Awaited<ReturnType<typeof signIn>> };
beforeAll(async () => {
  t = await createTestApp({}, { searchSource: listSearchSource(KB_DOCS), outboxWorker: false });
  await t.app.searchIndex.settled();
  S.agent = await buildStaff(t.app, 'agent');
  S.editor = await buildStaff(t.app, 'editor');
  S.analyst = await buildStaff(t.app, 'analyst');
  S.admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers });
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });
const tokenOf = (customerUrl: string) => new URL(customerUrl).searchParams.get('token')!;

describe('escalation after a failed self-service session', () => {
  it('creates a ticket whose context shows the searches, articles and transcript to the agent', async () => {
    const res = await post('/api/v1/escalations', buildEscalation());
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ channel: 'form', level: 'expert', handoff: { phase: 'ticket' } });
    expect(created.reference).toMatch(/^R-[A-Z2-9]{8}$/);
    expect(created.customerUrl).toMatch(/\/tickets\/view\?token=[\w-]{40,}/);

    const agent = S.agent;
    const view = await get(`/api/v1/tickets/${created.ticketId}`, agent.headers);
    expect(view.statusCode).toBe(200);
    const ticket = view.json();
    expect(ticket.customer).toMatchObject({ email: 'jeanne.martin@exemple.fr', name: 'Jeanne Martin' });
    expect(ticket.messages[0]).toMatchObject({ author: 'customer', visibility: 'public' });
    expect(ticket.messages[0].body).toMatch(/voyant de ma box clignote rouge/);
    const kinds = ticket.timeline.map((e: { kind: string; text: string }) => `${e.kind}:${e.text}`);
    expect(kinds).toEqual([
      'page:https://aide.nuvia.test/fr/internet/box-voyant-rouge',
      'search:box voyant rouge',
      'article:Le voyant de ma box est rouge',
      'search:internet coupé depuis ce matin',
      'bot:toujours pas d’internet',
      'bot:Avez-vous redémarré votre box ?',
      'bot:oui, je veux parler à quelqu’un',
      'flow:restart: Déjà fait',
      'escalated:form via helpcentre',
    ]);
    expect(ticket.timeline.at(-1).detail).toMatchObject({ selfServiceMs: 95_000 });
    expect(ticket.timeline[2].detail).toMatchObject({ helpful: false });
  });

  it('records the escalation for analytics without any personal data', async () => {
    await post('/api/v1/escalations', buildEscalation());
    const rows = await t.app.db.select().from(events);
    const escalated = rows.filter((e) => e.type === 'escalation.created');
    expect(escalated.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/jeanne|martin|06 12 34|voyant de ma box/i);
    expect(escalated[0]!.data).toMatchObject({
      searches: 2,
      articlesViewed: 1,
      transcriptTurns: 3,
      level: 'expert',
    });
    expect(t.logs.text).not.toMatch(/jeanne|exemple\.fr/i);
  });

  it('the exported service works for other surfaces (bot, flows) without HTTP', async () => {
    const result = await escalate(t.app.db, buildEscalation({ reason: 'billing' }), {
      publicUrl: 'https://x.test',
    });
    expect(result.level).toBe('simple');
    expect(result.customerUrl.startsWith('https://x.test/tickets/view?token=')).toBe(true);
  });
});

describe('contact form validation', () => {
  it('names every faulty field', async () => {
    const bad = buildEscalation({ subject: 'a', description: 'court' });
    bad.context.customer = { email: 'not-an-email' };
    const res = await post('/api/v1/escalations', bad);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation');
    const fields = body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['context.customer.email', 'description', 'subject']);
  });

  it('requires an e-mail for a form and a phone for a callback', async () => {
    const noEmail = buildEscalation();
    noEmail.context.customer = {};
    const a = await post('/api/v1/escalations', noEmail);
    expect(a.json().errors.map((e: { field: string }) => e.field)).toEqual(['context.customer.email']);
    const b = await post('/api/v1/escalations', { ...buildEscalation(), channel: 'callback' });
    expect(b.json().errors.map((e: { field: string }) => e.field)).toEqual(['callback.phone']);
    const c = await post('/api/v1/escalations', {
      ...buildEscalation(),
      channel: 'callback',
      callback: { phone: 'call me maybe' },
    });
    expect(c.json().field).toBe('callback.phone');
    const ok = await post('/api/v1/escalations', {
      ...buildEscalation(),
      channel: 'callback',
      callback: { phone: '+33 6 12 34 56 78', preferredTime: 'demain 10h-12h' },
    });
    expect(ok.statusCode).toBe(201);
  });
});

describe('who can read tickets', () => {
  it('agents and admins only; editors and analysts get 403, the public 401', async () => {
    const { ticketId } = (await post('/api/v1/escalations', buildEscalation())).json();
    const editor = S.editor;
    const analyst = S.analyst;
    const agent = S.agent;
    const admin = S.admin;
    for (const who of [editor, analyst]) {
      expect((await get('/api/v1/tickets', who.headers)).statusCode).toBe(403);
      expect((await get(`/api/v1/tickets/${ticketId}`, who.headers)).statusCode).toBe(403);
      const write = await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticketId}/messages`,
        headers: who.headers,
        payload: { body: 'x', visibility: 'public' },
      });
      expect(write.statusCode).toBe(403);
    }
    expect((await get('/api/v1/tickets')).statusCode).toBe(401);
    expect((await get(`/api/v1/tickets/${ticketId}`)).statusCode).toBe(401);
    expect((await get('/api/v1/tickets', agent.headers)).json().total).toBeGreaterThan(0);
    expect((await get(`/api/v1/tickets/${ticketId}`, admin.headers)).statusCode).toBe(200);
  });

  it('a customer link opens one ticket only; wrong or missing tokens get nothing', async () => {
    const a = (await post('/api/v1/escalations', buildEscalation({ subject: 'Ticket A' }))).json();
    const b = (await post('/api/v1/escalations', buildEscalation({ subject: 'Ticket B' }))).json();
    const mine = await get('/api/v1/customer/ticket', { 'x-relais-ticket-token': tokenOf(a.customerUrl) });
    expect(mine.json()).toMatchObject({ subject: 'Ticket A', reference: a.reference });
    expect(JSON.stringify(mine.json())).not.toContain(b.reference);
    const forged = `${tokenOf(a.customerUrl).slice(0, -2)}xx`;
    expect((await get('/api/v1/customer/ticket', { 'x-relais-ticket-token': forged })).statusCode).toBe(404);
    expect((await get('/api/v1/customer/ticket')).statusCode).toBe(401);
    // The reference alone grants nothing.
    expect((await get('/api/v1/customer/ticket', { 'x-relais-ticket-token': a.reference })).statusCode).toBe(
      404,
    );
  });
});

describe('agent inbox', () => {
  it('internal notes stay internal; public replies reach the customer, who can answer back', async () => {
    const created = (await post('/api/v1/escalations', buildEscalation())).json();
    const token = { 'x-relais-ticket-token': tokenOf(created.customerUrl) };
    const agent = S.agent;
    const url = `/api/v1/tickets/${created.ticketId}/messages`;
    expect(
      (await post(url, { body: 'Client fibre, DSLAM en panne ?', visibility: 'internal' }, agent.headers))
        .statusCode,
    ).toBe(201);
    expect(
      (await post(url, { body: 'Nous relançons votre ligne.', visibility: 'public' }, agent.headers))
        .statusCode,
    ).toBe(201);

    const seen = (await get('/api/v1/customer/ticket', token)).json();
    expect(seen.status).toBe('pending_customer');
    expect(seen.messages.map((m: { body: string }) => m.body)).toEqual([
      expect.stringMatching(/voyant/),
      'Nous relançons votre ligne.',
    ]);
    expect(JSON.stringify(seen)).not.toContain('DSLAM');

    expect(
      (await post('/api/v1/customer/ticket/messages', { body: 'Merci, ça remarche' }, token)).statusCode,
    ).toBe(201);
    const ticket = (await get(`/api/v1/tickets/${created.ticketId}`, agent.headers)).json();
    expect(ticket.status).toBe('open');
    expect(ticket.assigneeId).toBe(agent.id);
    expect(
      ticket.messages.map((m: { author: string; visibility: string }) => `${m.author}/${m.visibility}`),
    ).toEqual(['customer/public', 'agent/internal', 'agent/public', 'customer/public']);
  });

  it('filters queues, changes status, priority, tags and assignee', async () => {
    const created = (
      await post('/api/v1/escalations', buildEscalation({ reason: 'billing', subject: 'Facture en double' }))
    ).json();
    const agent = S.agent;
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${created.ticketId}`,
      headers: agent.headers,
      payload: { priority: 'urgent', tags: ['Facturation', 'facturation', 'vip'], assigneeId: agent.id },
    });
    expect(patch.json()).toMatchObject({
      priority: 'urgent',
      tags: ['facturation', 'vip'],
      assigneeId: agent.id,
    });
    const mine = (await get('/api/v1/tickets?queue=mine', agent.headers)).json();
    expect(mine.items.map((i: { id: string }) => i.id)).toContain(created.ticketId);
    const simple = (await get('/api/v1/tickets?queue=all&level=simple&tag=vip', agent.headers)).json();
    expect(simple.items.map((i: { id: string }) => i.id)).toEqual([created.ticketId]);
    const fr = (await get('/api/v1/tickets?queue=all&locale=fr&tag=vip', agent.headers)).json();
    expect(fr.items.map((i: { id: string }) => i.id)).toEqual([created.ticketId]);
    const en = (await get('/api/v1/tickets?queue=all&locale=en&tag=vip', agent.headers)).json();
    expect(en.total).toBe(0);
    const editor = S.editor;
    const badAssignee = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${created.ticketId}`,
      headers: agent.headers,
      payload: { assigneeId: editor.id },
    });
    expect(badAssignee.json()).toMatchObject({ status: 400, field: 'assigneeId' });
    const solved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${created.ticketId}`,
      headers: agent.headers,
      payload: { status: 'solved' },
    });
    expect(solved.json().status).toBe('solved');
    const open = (await get('/api/v1/tickets', agent.headers)).json();
    expect(open.items.map((i: { id: string }) => i.id)).not.toContain(created.ticketId);
  });

  it('suggests knowledge-base answers, internal ones included, and drafts an article from the ticket', async () => {
    const created = (await post('/api/v1/escalations', buildEscalation())).json();
    const agent = S.agent;
    const suggestions = (await get(`/api/v1/tickets/${created.ticketId}/suggestions`, agent.headers)).json();
    const ids = suggestions.items.map((s: { id: string }) => s.id);
    expect(ids).toContain('box-red-light');
    expect(ids).toContain('agent-line-reset');
    expect(suggestions.items[0].url).toMatch(/^\/fr\/articles\//);

    await post(
      `/api/v1/tickets/${created.ticketId}/messages`,
      { body: 'Débranchez la box 30 secondes. Puis rebranchez-la.', visibility: 'public' },
      agent.headers,
    );
    const draft = (await post(`/api/v1/tickets/${created.ticketId}/article-draft`, {}, agent.headers)).json();
    expect(draft).toMatchObject({
      locale: 'fr',
      title: 'Ma box ne se connecte plus',
      shortAnswer: 'Débranchez la box 30 secondes.',
      sourceTicketId: created.ticketId,
    });
    expect(draft.formulations).toEqual(['Ma box ne se connecte plus', 'internet coupé depuis ce matin']);
    // Agents cannot write content: nothing is created, the draft is for an editor.
    expect(draft.articleId).toBeNull();
  });

  it('creates a real draft article in the knowledge base for callers who may write content', async () => {
    const created = (await post('/api/v1/escalations', buildEscalation())).json();
    await post(
      `/api/v1/tickets/${created.ticketId}/messages`,
      { body: 'Débranchez la box 30 secondes. Puis rebranchez-la.', visibility: 'public' },
      S.agent.headers,
    );
    const res = await post(`/api/v1/tickets/${created.ticketId}/article-draft`, {}, S.admin.headers);
    expect(res.statusCode).toBe(201);
    const draft = res.json();
    expect(draft.articleId).toMatch(/^[0-9a-f-]{36}$/);

    const article = (await get(`/api/v1/articles/${draft.articleId}`, S.editor.headers)).json();
    expect(article).toMatchObject({
      status: 'draft',
      locale: 'fr',
      title: 'Ma box ne se connecte plus',
      shortAnswer: 'Débranchez la box 30 secondes.',
      formulations: ['Ma box ne se connecte plus', 'internet coupé depuis ce matin'],
    });
    expect(article.slug).toBe(`ma-box-ne-se-connecte-plus-${created.reference.toLowerCase()}`);
    expect(article.body).toMatch(/Débranchez la box 30 secondes/);
    expect(article.body).toContain(created.reference);

    // A second click makes a second draft (numbered slug), never a 409.
    const again = await post(`/api/v1/tickets/${created.ticketId}/article-draft`, {}, S.admin.headers);
    expect(again.statusCode).toBe(201);
    expect(again.json().articleId).not.toBe(draft.articleId);
    const second = (await get(`/api/v1/articles/${again.json().articleId}`, S.editor.headers)).json();
    expect(second.slug).toBe(`${article.slug}-2`);

    // Editors have no access to tickets at all.
    const editor = await post(`/api/v1/tickets/${created.ticketId}/article-draft`, {}, S.editor.headers);
    expect(editor.statusCode).toBe(403);
  });
});

describe('deflection at the contact form', () => {
  it('suggests public answers only, as the customer types, and records opened/deflected', async () => {
    const res = await post('/api/v1/contact/suggestions', {
      subject: 'voyant rouge',
      description: 'ma box clignote rouge',
      locale: 'fr',
    });
    const ids = res.json().items.map((i: { id: string }) => i.id);
    expect(ids[0]).toBe('box-red-light');
    expect(ids).not.toContain('agent-line-reset');
    const empty = await post('/api/v1/contact/suggestions', { subject: '', description: '' });
    expect(empty.json().items).toEqual([]);

    for (const type of ['suggestion_opened', 'deflected']) {
      const r = await post('/api/v1/contact/events', {
        type,
        articleId: 'box-red-light',
        locale: 'fr',
        visitorId: 'v-9',
      });
      expect(r.statusCode).toBe(204);
    }
    const types = (await t.app.db.select().from(events)).map((e) => e.type);
    expect(types).toContain('contact.suggestion_opened');
    expect(types).toContain('contact.deflected');
  });
});

describe('escalation offer and live handoff', () => {
  const alwaysOpen = {
    channels: { form: true, callback: true, live: true },
    businessHours: {
      timezone: 'Europe/Paris',
      week: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
      ),
    },
    responseMinutes: { form: 1440, callback: 240, live: 3 },
    reasons: [{ id: 'billing', level: 'simple', label: { fr: 'Facturation', en: 'Billing' } }],
  };

  it('offers live chat only while an agent is online, and falls back to a ticket, saying so', async () => {
    const admin = S.admin;
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/escalation/settings',
      headers: admin.headers,
      payload: alwaysOpen,
    });
    expect(put.statusCode).toBe(200);
    const offer = (await get('/api/v1/escalation/offer?locale=fr')).json();
    expect(offer).toMatchObject({
      open: true,
      agentsOnline: 0,
      reasons: [{ id: 'billing', label: 'Facturation' }],
    });
    expect(offer.channels.find((c: { channel: string }) => c.channel === 'live')).toMatchObject({
      available: false,
      fallback: 'form',
    });

    const fallback = (await post('/api/v1/escalations', buildEscalation({ channel: 'live' }))).json();
    expect(fallback).toMatchObject({
      channel: 'form',
      handoff: { phase: 'ticket', notice: 'handoff.no_agent_ticket_created' },
    });

    const agent = S.agent;
    const presence = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/agents/me/presence',
      headers: agent.headers,
      payload: { online: true },
    });
    expect(presence.statusCode).toBe(204);
    const live = (await get('/api/v1/escalation/offer')).json();
    expect(live.channels.find((c: { channel: string }) => c.channel === 'live')).toMatchObject({
      available: true,
      estimatedResponseMinutes: 3,
    });
    const chat = (await post('/api/v1/escalations', buildEscalation({ channel: 'live' }))).json();
    expect(chat).toMatchObject({
      channel: 'live',
      handoff: { phase: 'waiting_for_agent', notice: 'handoff.waiting' },
    });

    const handoff = (event: string) =>
      post(`/api/v1/tickets/${chat.ticketId}/handoff`, { event }, agent.headers);
    expect((await handoff('agent_joined')).json()).toEqual({
      phase: 'agent',
      notice: 'handoff.agent_joined',
    });
    expect((await handoff('resolved')).json()).toEqual({ phase: 'resolved', notice: 'handoff.resolved' });
    // Never back to the agent conversation once resolved.
    const again = await handoff('agent_joined');
    expect(again.statusCode).toBe(409);
    const seen = (
      await get('/api/v1/customer/ticket', { 'x-relais-ticket-token': tokenOf(chat.customerUrl) })
    ).json();
    expect(
      seen.messages
        .filter((m: { author: string }) => m.author === 'system')
        .map((m: { body: string }) => m.body),
    ).toEqual(['handoff.waiting', 'handoff.agent_joined', 'handoff.resolved']);
    expect(seen.status).toBe('solved');
  });
});
