import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, signIn, type TestApp } from '../../../test/helpers.ts';
import { createWidgetTestApp, hostSignature } from '../../../test/widget-helpers.ts';
import { botEscalations, conversations, tickets } from '../../db/schema.ts';

let t: TestApp;
let secret: string;
const SHOP = 'https://shop.example';
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await createWidgetTestApp();
  const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [SHOP] },
  });
  expect(res.statusCode).toBe(201);
  secret = res.json().identitySecret;
}, 180_000);
afterAll(() => t.close());

const start = (origin: string, extra = '', payload: Record<string, unknown> = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/widget/conversations?site=shop${extra}`,
    headers: { origin },
    payload: { locale: 'fr', message: 'ma box ne marche plus', ...payload },
  });

describe('widget conversation proxy', () => {
  it('answers the site origin with CORS, refuses a foreign origin before the bot runs', async () => {
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/widget/conversations?site=shop',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-conversation-token',
      },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('x-conversation-token');

    const before = (await t.app.db.select().from(conversations)).length;
    const evil = await start('https://evil.example');
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect((await t.app.db.select().from(conversations)).length).toBe(before);

    const ok = await start(SHOP);
    expect(ok.statusCode).toBe(201);
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
    const body = ok.json();
    expect(body.token).toBeTruthy();
    const ids = body.quickReplies.map((q: { id: string }) => q.id);
    expect(ids.some((id: string) => id.startsWith('flow:'))).toBe(true);
    const [row] = await t.app.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, body.conversationId));
    expect(row?.channel).toBe('widget');

    // The conversation's own token is needed to continue or resume it.
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/api/v1/widget/conversations/${body.conversationId}/messages?site=shop`,
      headers: { origin: SHOP, 'x-conversation-token': 'nope' },
      payload: { text: 'merci' },
    });
    expect(wrong.statusCode).toBe(404);
    const resumed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/widget/conversations/${body.conversationId}?site=shop`,
      headers: { origin: SHOP, 'x-conversation-token': body.token },
    });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json().messages.length).toBeGreaterThan(1);
    // The bot's own routes stay without CORS.
    const direct = await t.app.inject({
      method: 'POST',
      url: '/api/v1/conversations',
      headers: { origin: SHOP },
      payload: { locale: 'fr', channel: 'widget', message: 'bonjour' },
    });
    expect(direct.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('takes segments only from a valid widget token', async () => {
    const claims = { id: 'cust-7', email: 'c@shop.example', segments: ['plan=pro'], issuedAt: now() };
    const id = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...claims, signature: hostSignature(secret, claims) },
    });
    const token = id.json().token as string;
    const segmentsOf = async (res: { json: () => { conversationId: string } }) => {
      const [row] = await t.app.db
        .select()
        .from(conversations)
        .where(eq(conversations.id, res.json().conversationId));
      return row?.segments;
    };
    expect(await segmentsOf(await start(SHOP, `&token=${encodeURIComponent(token)}`))).toEqual(['plan=pro']);
    expect(await segmentsOf(await start(SHOP, '&token=forged.token'))).toEqual([]);
    // Segments in the body are not accepted at all.
    const smuggled = await start(SHOP, '', { segments: ['plan=pro'] });
    expect(smuggled.statusCode).toBe(400);
  });

  it('escalates with the context and the transcript, then closes the conversation', async () => {
    const conv = (await start(SHOP)).json();
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/escalate?site=shop',
      headers: { origin: SHOP },
      payload: { subject: 'Box', description: 'court', email: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json().errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['description', 'email']));

    const evil = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/escalate?site=shop',
      headers: { origin: 'https://evil.example' },
      payload: {},
    });
    expect(evil.statusCode).toBe(403);

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/escalate?site=shop',
      headers: {
        origin: SHOP,
        'x-conversation-token': conv.token,
        'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile Safari/604.1',
      },
      payload: {
        subject: 'Ma box ne marche plus',
        description: 'Plus de connexion depuis ce matin.',
        name: 'Camille',
        email: 'camille@example.com',
        locale: 'fr',
        pageUrl: `${SHOP}/account`,
        searches: [{ at: new Date().toISOString(), query: 'box' }],
        selfServiceMs: 42_000,
        conversationId: conv.conversationId,
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    const result = res.json();
    expect(result.reference).toBeTruthy();
    expect(result.estimatedResponseMinutes).toBeGreaterThan(0);
    const [ticket] = await t.app.db.select().from(tickets).where(eq(tickets.id, result.ticketId));
    const ctx = ticket?.context as Record<string, unknown>;
    expect(ticket?.source).toBe('widget');
    expect(ctx.pageUrl).toBe(`${SHOP}/account`);
    expect(ctx.device).toContain('mobile');
    expect(ctx.conversationId).toBe(conv.conversationId);
    expect((ctx.transcript as unknown[]).length).toBeGreaterThan(1);
    const after = await t.app.inject({
      method: 'POST',
      url: `/api/v1/widget/conversations/${conv.conversationId}/messages?site=shop`,
      headers: { origin: SHOP, 'x-conversation-token': conv.token },
      payload: { text: 'encore là ?' },
    });
    expect(after.statusCode).toBe(409);
    // The bot's own hand-over: recorded with the ticket, the conversation offers nothing more.
    const [handover] = await t.app.db
      .select()
      .from(botEscalations)
      .where(eq(botEscalations.conversationId, conv.conversationId));
    expect(handover?.ticketId).toBe(result.ticketId);
    const [row] = await t.app.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, conv.conversationId));
    expect(row?.status).toBe('escalated');
    expect(row?.state).toMatchObject({ dialogue: { pending: [] }, flow: null });
  });
});
