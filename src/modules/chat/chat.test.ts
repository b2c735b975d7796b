import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Frame, openAllWeek, Peer, sseFrames } from '../../../test/chat-helpers.ts';
import {
  ADMIN,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { outbox } from '../../db/schema.ts';

const SHOP = 'https://shop.example';
let t: TestApp;
let base: string;
let admin: Session;
let agent: Session & { id: string };
let agent2: Session & { id: string };

async function settings(acceptTimeoutSeconds = 600) {
  const res = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/escalation/settings',
    headers: admin.headers,
    payload: openAllWeek(acceptTimeoutSeconds),
  });
  expect(res.statusCode).toBe(200);
}
const presence = (s: Session, online: boolean) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/agents/me/presence', headers: s.headers, payload: { online } });

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as { port: number };
  base = `127.0.0.1:${port}`;
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [SHOP] },
  });
  expect(site.statusCode).toBe(201);
  await settings();
  agent = await buildStaff(t.app, 'agent');
  agent2 = await buildStaff(t.app, 'agent');
  await presence(agent, true);
  await presence(agent2, true);
}, 120_000);
afterAll(() => t?.close());

async function startChat(message = 'Ma box ne se connecte plus depuis ce matin') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/chats?site=shop&visitor=visitor-1234',
    headers: { origin: SHOP },
    payload: { message, locale: 'fr', name: 'Camille' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; token: string; reference: string; status: string; position: number };
}

const customerSocket = async (chat: { id: string; token: string }) => {
  const peer = await Peer.open(`ws://${base}/api/v1/widget/chats/${chat.id}/socket?site=shop`, {
    origin: SHOP,
  });
  peer.send({ type: 'hello', token: chat.token });
  return peer;
};
const agentSocket = (s: Session) =>
  Peer.open(`ws://${base}/api/v1/chats/socket?csrf=${encodeURIComponent(s.csrf)}`, {
    cookie: s.cookie,
    origin: `http://${base}`,
  });
const isState = (status: string) => (f: Frame) => f.type === 'state' && f.chat.status === status;
const isMessage = (body: string) => (f: Frame) => f.type === 'message' && f.message.body === body;

describe('live chat over WebSocket', () => {
  let chat: Awaited<ReturnType<typeof startChat>>;
  let customer: Peer;
  let agentPeer: Peer;
  let ticketId: string;

  it('queues the chat with a position and shows it to agents', async () => {
    chat = await startChat();
    expect(chat.status).toBe('waiting');
    expect(chat.position).toBe(1);
    expect(chat.reference).toMatch(/^R-/);
    customer = await customerSocket(chat);
    const state = await customer.next((f) => f.type === 'state');
    expect(state.chat.messages[0].body).toBe('Ma box ne se connecte plus depuis ce matin');
    agentPeer = await agentSocket(agent);
    const queue = await agentPeer.next(
      (f) => f.type === 'queue' && f.waiting.some((c: { id: string }) => c.id === chat.id),
    );
    ticketId = queue.waiting.find((c: { id: string }) => c.id === chat.id).ticketId;
    expect(queue.waiting[0].reference).toBe(chat.reference);
  });

  it('refuses an agent socket from another origin or without the CSRF token', async () => {
    await expect(
      Peer.open(`ws://${base}/api/v1/chats/socket?csrf=${agent.csrf}`, {
        cookie: agent.cookie,
        origin: 'https://evil.example',
      }),
    ).rejects.toThrow('HTTP 403');
    await expect(
      Peer.open(`ws://${base}/api/v1/chats/socket`, { cookie: agent.cookie, origin: `http://${base}` }),
    ).rejects.toThrow('HTTP 403');
    await expect(Peer.open(`ws://${base}/api/v1/chats/socket`)).rejects.toThrow('HTTP 401');
    await expect(
      Peer.open(`ws://${base}/api/v1/widget/chats/${chat.id}/socket?site=shop`, {
        origin: 'https://evil.example',
      }),
    ).rejects.toThrow('HTTP 403');
  });

  it('lets one agent accept; the customer is told who joined', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${chat.id}/accept`,
      headers: agent.headers,
    });
    expect(res.statusCode).toBe(200);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${chat.id}/accept`,
      headers: agent2.headers,
    });
    expect(again.statusCode).toBe(409);
    const state = await customer.next(isState('active'));
    expect(state.chat.agent.name).toMatch(/^agent/);
    expect(state.chat.messages.at(-1).body).toBe('handoff.agent_joined');
  });

  it('carries messages both ways, typing indicators and read receipts', async () => {
    agentPeer.send({ type: 'watch', chatId: chat.id });
    await agentPeer.next((f) => f.type === 'state' && f.chat.id === chat.id);

    customer.send({ type: 'typing', on: true });
    expect(await agentPeer.next((f) => f.type === 'typing')).toMatchObject({
      chatId: chat.id,
      from: 'customer',
      on: true,
    });

    agentPeer.send({ type: 'message', chatId: chat.id, text: 'Bonjour Camille, je regarde votre ligne.' });
    const got = await customer.next(isMessage('Bonjour Camille, je regarde votre ligne.'));
    expect(got.message.author).toBe('agent');
    expect(got.message.authorName).toMatch(/^agent/);

    customer.send({ type: 'read', messageId: got.message.id });
    expect(await agentPeer.next((f) => f.type === 'read' && f.by === 'customer')).toMatchObject({
      messageId: got.message.id,
    });

    customer.send({ type: 'message', text: '<b>Merci</b> !' });
    const back = await agentPeer.next(isMessage('<b>Merci</b> !'));
    expect(back.message.author).toBe('customer');
  });

  it('resumes after a reconnection with the messages sent meanwhile', async () => {
    await customer.close();
    agentPeer.send({ type: 'message', chatId: chat.id, text: 'Pendant votre absence : redémarrez la box.' });
    await agentPeer.next(isMessage('Pendant votre absence : redémarrez la box.'));
    customer = await customerSocket(chat);
    const state = await customer.next((f) => f.type === 'state');
    expect(state.chat.status).toBe('active');
    expect(state.chat.messages.map((m: { body: string }) => m.body)).toContain(
      'Pendant votre absence : redémarrez la box.',
    );
  });

  it('falls back to SSE + POST where sockets are blocked', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`http://${base}/api/v1/widget/chats/${chat.id}/events?site=shop`, {
      headers: { 'x-chat-token': chat.token, origin: SHOP },
      signal: ctrl.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    const frames = sseFrames(res);
    expect((await frames.next()).value).toMatchObject({ type: 'state', chat: { id: chat.id } });
    const posted = await fetch(`http://${base}/api/v1/widget/chats/${chat.id}/messages?site=shop`, {
      method: 'POST',
      headers: { 'x-chat-token': chat.token, origin: SHOP, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Envoyé sans WebSocket' }),
    });
    expect(posted.status).toBe(201);
    await agentPeer.next(isMessage('Envoyé sans WebSocket'));
    agentPeer.send({ type: 'message', chatId: chat.id, text: 'Reçu par le flux SSE' });
    for (;;) {
      const f = (await frames.next()).value as Frame;
      if (f.type === 'message' && f.message.body === 'Reçu par le flux SSE') break;
    }
    ctrl.abort();
  });

  it('transfers to another agent, who alone may write then', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${chat.id}/transfer`,
      headers: agent.headers,
      payload: { agentId: agent2.id },
    });
    expect(res.statusCode, res.body).toBe(200);
    const state = await customer.next((f) => f.type === 'state' && f.chat.agent?.id === agent2.id);
    expect(state.chat.messages.at(-1).body).toBe('chat.transferred');
    agentPeer.send({ type: 'message', chatId: chat.id, text: 'plus à moi' });
    expect(await agentPeer.next((f) => f.type === 'error')).toMatchObject({ status: 403, code: 'forbidden' });
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${chat.id}/messages`,
      headers: agent2.headers,
      payload: { text: 'Je prends le relais.' },
    });
    expect(ok.statusCode).toBe(201);
    await customer.next(isMessage('Je prends le relais.'));
  });

  it('ends the chat: the ticket thread holds the transcript, which can be e-mailed', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${chat.id}/end`,
      headers: agent2.headers,
    });
    expect(res.statusCode).toBe(200);
    await customer.next(isState('ended'));
    const ticket = (
      await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: agent.headers })
    ).json();
    expect(ticket.status).toBe('solved');
    expect(ticket.channel).toBe('live');
    const bodies = ticket.messages.map((m: { body: string }) => m.body);
    for (const text of [
      'Ma box ne se connecte plus depuis ce matin',
      'Bonjour Camille, je regarde votre ligne.',
      '<b>Merci</b> !',
      'Envoyé sans WebSocket',
      'Je prends le relais.',
    ]) {
      expect(bodies).toContain(text);
    }
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/widget/chats/${chat.id}/transcript?site=shop`,
      headers: { 'x-chat-token': chat.token, origin: SHOP },
      payload: { email: 'camille@example.com' },
    });
    expect(sent.statusCode).toBe(202);
    const rows = await t.app.db.select().from(outbox).where(eq(outbox.ticketId, ticketId));
    expect(rows.some((r) => r.payload.template === 'chat_transcript')).toBe(true);
    customer.send({ type: 'message', text: 'encore ?' });
    expect(await customer.next((f) => f.type === 'error')).toMatchObject({ status: 409 });
    await customer.close();
    await agentPeer.close();
  });
});

describe('limits and access', () => {
  it('answers problem+json for an oversized message and for a flood', async () => {
    const chat = await startChat('Question sur ma facture de novembre');
    const post = (text: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/widget/chats/${chat.id}/messages?site=shop`,
        headers: { 'x-chat-token': chat.token, origin: SHOP },
        payload: { text },
      });
    const big = await post('x'.repeat(2001));
    expect(big.statusCode).toBe(400);
    expect(big.headers['content-type']).toContain('application/problem+json');
    expect(big.json().field ?? big.json().errors?.[0]?.field).toBe('text');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await post(`message ${i}`)).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    const last = await post('one more');
    expect(last.statusCode).toBe(429);
    expect(last.headers['content-type']).toContain('application/problem+json');
    expect(last.json().code).toBe('rate-limited');

    const peer = await customerSocket(chat);
    await peer.next((f) => f.type === 'state');
    peer.send({ type: 'message', text: 'y'.repeat(2001) });
    expect(await peer.next((f) => f.type === 'error')).toMatchObject({
      status: 400,
      code: 'validation',
      field: 'text',
    });
    await peer.close();
  });

  it("never opens another customer's chat (IDOR)", async () => {
    const a = await startChat('Chat A : mon mot de passe');
    const b = await startChat('Chat B : ma livraison');
    const read = (id: string, token?: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v1/widget/chats/${id}?site=shop`,
        headers: { origin: SHOP, ...(token ? { 'x-chat-token': token } : {}) },
      });
    expect((await read(a.id, a.token)).statusCode).toBe(200);
    expect((await read(a.id, b.token)).statusCode).toBe(404);
    expect((await read(a.id)).statusCode).toBe(404);
    const peer = await Peer.open(`ws://${base}/api/v1/widget/chats/${a.id}/socket?site=shop`, {
      origin: SHOP,
    });
    peer.send({ type: 'hello', token: b.token });
    await new Promise((r) => peer.ws.once('close', r));
    expect(peer.closed?.code).toBe(4404);
    expect(peer.frames.some((f) => f.type === 'state')).toBe(false);
    // Anonymous callers cannot use the agents' API.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/chats/${a.id}` })).statusCode).toBe(401);
  });
});

describe('nobody accepts', () => {
  it('offers the form with what was typed, on the same ticket', async () => {
    await settings(1);
    try {
      const chat = await startChat('Je voudrais résilier mon abonnement');
      const peer = await customerSocket(chat);
      await peer.next((f) => f.type === 'state');
      peer.send({ type: 'message', text: 'et récupérer mes données' });
      await peer.next(isMessage('et récupérer mes données'));
      const timedOut = await peer.next(isState('timed_out'), 30_000);
      expect(timedOut.chat.draft.description).toBe(
        'Je voudrais résilier mon abonnement\net récupérer mes données',
      );
      expect(timedOut.chat.messages.at(-1).body).toBe('handoff.wait_timeout_ticket_created');
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/widget/chats/${chat.id}/fallback?site=shop`,
        headers: { 'x-chat-token': chat.token, origin: SHOP },
        payload: { channel: 'form', email: 'camille@example.com' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().reference).toBe(chat.reference);
      const list = await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets?q=${chat.reference}`,
        headers: agent.headers,
      });
      const ticket = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/tickets/${list.json().items[0].id}`,
          headers: agent.headers,
        })
      ).json();
      expect(ticket.channel).toBe('form');
      expect(ticket.messages.map((m: { body: string }) => m.body)).toContain('et récupérer mes données');
      await peer.close();
    } finally {
      await settings();
    }
  }, 60_000);

  it('or a callback on an offered slot, with what was typed, into the callback queue', async () => {
    await settings(1);
    try {
      const chat = await startChat('Ma box ne synchronise plus depuis hier soir');
      const peer = await customerSocket(chat);
      await peer.next(isState('timed_out'), 30_000);
      const offer = (await t.app.inject({ method: 'GET', url: '/api/v1/escalation/offer?locale=fr' })).json();
      const slot = offer.callbackSlots[1].start as string;
      const fallback = (payload: object) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/widget/chats/${chat.id}/fallback?site=shop`,
          headers: { 'x-chat-token': chat.token, origin: SHOP },
          payload,
        });
      const bad = await fallback({
        channel: 'callback',
        phone: '06 12 34 56 78',
        slot: '2020-01-01T00:00:00Z',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().field).toBe('slot');
      const res = await fallback({ channel: 'callback', phone: '06 12 34 56 78', slot });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ reference: chat.reference, channel: 'callback' });
      const queue = (
        await t.app.inject({ method: 'GET', url: '/api/v1/callbacks', headers: agent.headers })
      ).json();
      const item = queue.items.find((i: { reference: string }) => i.reference === chat.reference);
      expect(item).toMatchObject({ phone: '+33612345678', dueAt: slot, status: 'pending' });
      const ticket = (
        await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${item.ticketId}`, headers: agent.headers })
      ).json();
      expect(ticket.messages[0].body).toBe('Ma box ne synchronise plus depuis hier soir');
      await peer.close();
    } finally {
      await settings();
    }
  }, 60_000);

  it('when no agent is online, starts nothing and says so', async () => {
    await presence(agent, false);
    await presence(agent2, false);
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/widget/chats?site=shop',
        headers: { origin: SHOP },
        payload: { message: 'Personne ?', locale: 'fr' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('chat-unavailable');
      const avail = await t.app.inject({ method: 'GET', url: '/api/v1/widget/chats/availability?site=shop' });
      expect(avail.json()).toMatchObject({ available: false, form: true });
    } finally {
      await presence(agent, true);
      await presence(agent2, true);
    }
  });
});

describe('a live escalation from the API or the bot opens a real chat', () => {
  const follow = (chat: { id: string; token: string }) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/widget/chats/${chat.id}?site=shop`,
      headers: { 'x-chat-token': chat.token, origin: SHOP },
    });
  const escalateLive = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/escalations',
      payload: {
        channel: 'live',
        subject: 'Facture en double',
        description: 'J’ai été prélevé deux fois ce mois-ci.',
        context: { locale: 'fr', source: 'api', customer: { email: 'camille@example.com' } },
      },
    });
  const acceptAndEnd = async (id: string) => {
    const accept = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chats/${id}/accept`,
      headers: agent.headers,
    });
    expect(accept.statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: `/api/v1/chats/${id}/end`, headers: agent.headers });
  };

  it('POST /api/v1/escalations with `live` queues a chat an agent accepts', async () => {
    const res = await escalateLive();
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ channel: 'live', handoff: { phase: 'waiting_for_agent' } });
    expect(created.chat.token.length).toBeGreaterThan(20);
    const view = await follow(created.chat);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ status: 'waiting', position: expect.any(Number) });
    expect(view.json().messages[0].body).toBe('J’ai été prélevé deux fois ce mois-ci.');
    const queue = await t.app.inject({ method: 'GET', url: '/api/v1/chats', headers: agent.headers });
    expect(queue.json().items.some((c: { id: string }) => c.id === created.chat.id)).toBe(true);
    await acceptAndEnd(created.chat.id);
    // Another chat's token opens nothing.
    const wrong = await follow({ id: created.chat.id, token: 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(404);
  });

  it('the bot’s `live` hand-over opens a chat carrying the conversation', async () => {
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/conversations',
      payload: { message: 'je veux parler à quelqu’un', locale: 'fr' },
    });
    expect(started.statusCode).toBe(201);
    const { conversationId, token } = started.json();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/escalate`,
      headers: { 'x-conversation-token': token },
      payload: { channel: 'live', customer: { email: 'camille@example.com' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const turn = res.json();
    expect(turn.status).toBe('escalated');
    expect(turn.chat.id).toBeTruthy();
    expect(turn.messages.at(-1).text).toMatch(/Je vous mets en relation avec un conseiller/);
    const view = (await follow(turn.chat)).json();
    expect(view.status).toBe('waiting');
    const ticket = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets?q=${encodeURIComponent(view.messages[0].body.slice(0, 10))}`,
        headers: agent.headers,
      })
    ).json();
    expect(ticket.total).toBeGreaterThan(0);
    await acceptAndEnd(turn.chat.id);
  });

  it('falls back to a form ticket, saying so, when nobody is online', async () => {
    await presence(agent, false);
    await presence(agent2, false);
    try {
      const res = await escalateLive();
      expect(res.json()).toMatchObject({
        channel: 'form',
        handoff: { phase: 'ticket', notice: 'handoff.no_agent_ticket_created' },
      });
      expect(res.json().chat).toBeUndefined();
    } finally {
      await presence(agent, true);
      await presence(agent2, true);
    }
  });
});
