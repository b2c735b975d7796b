import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotTestApp, doc } from '../../../test/bot.ts';
import { ADMIN, buildStaff, signIn, type TestApp } from '../../../test/helpers.ts';
import { events } from '../../db/schema.ts';
import { findConversation } from './repository.ts';
import { botDeps, postMessage } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createBotTestApp({
    docs: [
      doc('cancel-mobile', 'fr', 'Résilier mon forfait mobile', [
        'résilier mon forfait mobile',
        'arrêter mon abonnement mobile',
        'résilier mon abonnement',
      ]),
      doc('cancel-box', 'fr', 'Résilier mon abonnement box internet', [
        'résilier ma box internet',
        'arrêter mon abonnement box',
        'résilier mon abonnement',
      ]),
      doc('invoice', 'fr', 'Télécharger ma facture', [
        'où trouver ma facture',
        'facture du mois',
        'télécharger facture pdf',
      ]),
      doc('pwd', 'en', 'Reset my password', ['forgot my password', 'reset password', 'cannot sign in']),
      doc('vip', 'en', 'Pro line priority support', ['priority support number'], {
        visibility: 'segment',
        segments: ['plan=pro'],
      }),
      doc('internal', 'en', 'Agent refund override', ['refund override procedure'], {
        visibility: 'internal',
      }),
    ],
  });
});
afterAll(() => t.close());

async function start(payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/conversations', payload });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  return { ...body, headers: { 'x-conversation-token': body.token as string } };
}

async function say(c: { conversationId: string; headers: Record<string, string> }, text: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${c.conversationId}/messages`,
    headers: c.headers,
    payload: { text },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function choose(c: { conversationId: string; headers: Record<string, string> }, choice: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${c.conversationId}/choices`,
    headers: c.headers,
    payload: { choice },
  });
}

describe('conversation API', () => {
  it('greets, then answers a confident French question with the short answer and its link', async () => {
    const c = await start({ locale: 'fr', channel: 'widget', visitorId: 'visitor-123456' });
    expect(c.messages[0].text).toMatch(/^Bonjour, je suis Relais/);
    const turn = await say(c, 'je cherche ma facture du mois');
    expect(turn.messages[0]).toMatchObject({
      text: 'Télécharger ma facture: short answer.',
      answer: { id: 'invoice' },
    });
    expect(turn.messages[1].text).toBe('Cela a-t-il résolu votre problème ?');
    expect(turn.quickReplies.map((q: { id: string }) => q.id)).toEqual(['solved:yes', 'solved:no']);

    const solved = (await choose(c, 'solved:yes')).json();
    expect(solved.status).toBe('resolved');
    const recorded = (await t.app.db.select().from(events))
      .filter((e) => e.sessionId === c.conversationId)
      .map((e) => e.type);
    expect(recorded).toEqual(
      expect.arrayContaining(['conversation.started', 'bot.answered', 'feedback.given']),
    );
    expect(recorded.every(Boolean)).toBe(true);
  });

  it('answers in English, and asks which one is meant when two answers are close', async () => {
    const en = await start({ message: 'I forgot my password' });
    expect(en.locale).toBe('en');
    expect(en.messages.at(-2).answer.id).toBe('pwd');
    expect(en.messages.at(-1).text).toBe('Did this solve your problem?');

    const c = await start({ locale: 'fr' });
    const turn = await say(c, 'résilier mon abonnement');
    expect(turn.messages[0].text).toMatch(/Parlez-vous de/);
    const ids = turn.quickReplies.map((q: { id: string }) => q.id);
    expect(ids).toEqual(expect.arrayContaining(['answer:cancel-mobile', 'answer:cancel-box', 'none']));
    const picked = (await choose(c, 'answer:cancel-box')).json();
    expect(picked.messages[0].answer.id).toBe('cancel-box');
    expect((await choose(c, 'answer:cancel-mobile')).statusCode).toBe(400);
  });

  it('abstains on out-of-scope questions, offers a human, and hands over with the whole context', async () => {
    const c = await start({ locale: 'fr', pageUrl: 'https://nuvia.example/aide' });
    const first = await say(c, 'recette de crêpes');
    expect(first.messages[0].text).toMatch(/pas trouvé de réponse fiable/);
    expect(first.quickReplies.map((q: { id: string }) => q.id)).toEqual(['rephrase', 'escalate']);
    const second = await say(c, 'horoscope du jour balance');
    expect(second.messages[0].text).toMatch(/conseiller peut prendre le relais/);
    const handed = (await choose(c, 'escalate')).json();
    expect(handed.status).toBe('escalated');
    expect(handed.escalationId).toBeDefined();
    expect(handed.messages.at(-1).text).toMatch(/transmise à un conseiller/);

    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const staffView = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/conversations/${c.conversationId}`,
        headers: admin.headers,
      })
    ).json();
    const escalation = staffView.events.find((e: { kind: string }) => e.kind === 'escalation');
    expect(escalation.data.escalationId).toBe(handed.escalationId);
    const { botEscalations } = await import('../../db/schema.ts');
    const [stored] = await t.app.db.select().from(botEscalations);
    const request = stored!.request as {
      context: {
        transcript: Array<{ text: string }>;
        searches: Array<{ query: string; abstained: boolean }>;
        pageUrl: string;
      };
    };
    expect(request.context.pageUrl).toBe('https://nuvia.example/aide');
    expect(request.context.transcript.map((m) => m.text)).toContain('recette de crêpes');
    expect(request.context.searches).toHaveLength(2);
    expect(request.context.searches.every((s) => s.abstained)).toBe(true);

    const after = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${c.conversationId}/messages`,
      headers: c.headers,
      payload: { text: 'encore là ?' },
    });
    expect(after.statusCode).toBe(409);
  });

  it('offers a human at once on request, in either language', async () => {
    const c = await start({ locale: 'en' });
    const turn = await say(c, 'can I talk to a real person please');
    expect(turn.quickReplies[0].id).toBe('escalate');
    const fr = await start({ locale: 'fr' });
    expect((await say(fr, 'je veux parler à un conseiller')).quickReplies[0].id).toBe('escalate');
  });

  it('resumes after a reload with the token; a wrong or missing token finds nothing', async () => {
    const c = await start({ locale: 'fr', message: 'facture du mois' });
    const resumed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${c.conversationId}`,
      headers: c.headers,
    });
    expect(resumed.statusCode).toBe(200);
    const view = resumed.json();
    expect(view.messages.map((m: { from: string }) => m.from)).toEqual(['bot', 'customer', 'bot', 'bot']);
    expect(view.quickReplies.map((q: { id: string }) => q.id)).toEqual(['solved:yes', 'solved:no']);
    expect(view.events).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('confidence');

    for (const headers of [{}, { 'x-conversation-token': 'nope' }]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/conversations/${c.conversationId}`,
        headers,
      });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('never answers from internal content, nor from a segment the visitor does not hold', async () => {
    const anon = await start({ locale: 'en' });
    expect((await say(anon, 'refund override procedure')).messages[0].answer).toBeUndefined();
    expect((await say(anon, 'priority support number')).messages[0].answer).toBeUndefined();
    const pro = await start({ locale: 'en', segments: ['plan=pro'] });
    expect((await say(pro, 'priority support number')).messages[0].answer?.id).toBe('vip');
  });

  it('applies messages sent at once one after the other, or refuses the late one (nothing lost)', async () => {
    const c = await start({ locale: 'fr', channel: 'widget' });
    const texts = ['où trouver ma facture', 'résilier ma box internet', 'merci', 'facture du mois'];
    const responses = await Promise.all(
      texts.map((text) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/conversations/${c.conversationId}/messages`,
          headers: c.headers,
          payload: { text },
        }),
      ),
    );
    const accepted: string[] = [];
    responses.forEach((res, i) => {
      if (res.statusCode === 200) accepted.push(texts[i]!);
      else {
        expect(res.statusCode).toBe(409);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('conflict');
      }
    });
    expect(accepted.length).toBeGreaterThan(0);
    // Every accepted message is in the transcript, each with its own bot reply after it.
    const transcript = await t.app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${c.conversationId}`,
      headers: c.headers,
    });
    const messages = transcript.json().messages as Array<{ from: string; text: string }>;
    const customer = messages.filter((m) => m.from === 'customer').map((m) => m.text);
    expect(customer.sort()).toEqual([...accepted].sort());
    for (const text of accepted) {
      const at = messages.findIndex((m) => m.from === 'customer' && m.text === text);
      expect(messages[at + 1]?.from).toBe('bot');
    }
    // The conversation still works after the conflict.
    await say(c, 'télécharger facture pdf');
  });

  it('refuses a turn computed from a conversation that moved on, and keeps the first', async () => {
    const c = await start({ locale: 'fr', channel: 'widget' });
    const deps = botDeps(t.app);
    const stale = await findConversation(t.app.db, c.conversationId);
    await postMessage(deps, stale!, 'où trouver ma facture');
    await expect(postMessage(deps, stale!, 'résilier ma box internet')).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });
    const fresh = await findConversation(t.app.db, c.conversationId);
    const turn = await postMessage(deps, fresh!, 'résilier ma box internet');
    expect(turn.messages.length).toBeGreaterThan(0);
  });

  it('lists conversations for agents and analysts only, never for the public', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/conversations' })).statusCode).toBe(401);
    const editor = await buildStaff(t.app, 'editor');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/conversations', headers: editor.headers }))
        .statusCode,
    ).toBe(403);
    const agent = await buildStaff(t.app, 'agent');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/conversations', headers: agent.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeGreaterThan(0);
  });

  it('uses the configured bot name and informal French', async () => {
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/bot/settings',
      headers: admin.headers,
      payload: { botName: 'Nova', tone: 'informal' },
    });
    expect(put.statusCode).toBe(200);
    const c = await start({ locale: 'fr', message: 'facture du mois' });
    expect(c.messages[0].text).toMatch(/^Salut, je suis Nova/);
    expect(c.messages.at(-1).text).toBe('Est-ce que ça a résolu ton problème ?');
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/bot/settings',
      headers: admin.headers,
      payload: { botName: 'Relais', tone: 'formal' },
    });
  });
});
