import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Session, signIn, type TestApp } from '../../../test/helpers.ts';
import { createWidgetTestApp, hostSignature } from '../../../test/widget-helpers.ts';
import { events } from '../../db/schema.ts';
import { listArticles } from '../kb/service.ts';

let t: TestApp;
let admin: Session;
let secret: string;
const SHOP = 'https://shop.example';
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createWidgetTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  for (const a of await listArticles(t.app.db, { audience: 'internal', status: 'published', limit: 1000 })) {
    if (a.key) ids[`${a.key}:${a.locale}`] = a.id;
  }
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: [SHOP] },
  });
  expect(res.statusCode).toBe(201);
  secret = res.json().identitySecret;
  // Loading the whole demo knowledge base and indexing it takes a while on a busy 2-core machine.
}, 180_000);
afterAll(() => t.close());

const now = () => Math.floor(Date.now() / 1000);
const search = (q: string, extra = '') =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/widget/search?site=shop&prefix=false&q=${encodeURIComponent(q)}${extra}`,
  });
const PRO_QUESTION = 'gérer les utilisateurs de mon compte pro';

describe('identity', () => {
  it('gives segment content to a verified identity only', async () => {
    const claims = { id: 'cust-42', email: 'c@shop.example', segments: ['plan=pro'], issuedAt: now() };
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...claims, signature: hostSignature(secret, claims) },
    });
    expect(ok.statusCode).toBe(200);
    const { token, segments } = ok.json();
    expect(segments).toEqual(['plan=pro']);

    const pro = ids['pro-manage-users:fr']!;
    const withToken = await search(PRO_QUESTION, `&token=${encodeURIComponent(token)}`);
    expect(withToken.json().results.map((r: { id: string }) => r.id)).toContain(pro);
    const article = await t.app.inject({
      method: 'GET',
      url: `/api/v1/widget/articles/${pro}?site=shop&token=${encodeURIComponent(token)}`,
    });
    expect(article.statusCode).toBe(200);
    expect(article.json().bodyHtml).toContain('<');

    // Anonymous: the same question never reaches segment content.
    expect((await search(PRO_QUESTION)).json().results.map((r: { id: string }) => r.id)).not.toContain(pro);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/widget/articles/${pro}?site=shop` })).statusCode,
    ).toBe(404);
  });

  it('ignores forged identities: bad signature, other secret, tampered or foreign token', async () => {
    const pro = ids['pro-manage-users:fr']!;
    const claims = { id: 'cust-42', segments: ['plan=pro'], issuedAt: now() };
    for (const signature of ['0'.repeat(64), hostSignature('not-the-secret', claims)]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/widget/identify?site=shop',
        payload: { ...claims, signature },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // Signed for plan=basic, claimed as plan=pro.
    const basic = { ...claims, segments: ['plan=basic'] };
    const swapped = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...claims, signature: hostSignature(secret, basic) },
    });
    expect(swapped.statusCode).toBe(401);
    // Stale signature.
    const old = { ...claims, issuedAt: now() - 3 * 24 * 3600 };
    const stale = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/identify?site=shop',
      payload: { ...old, signature: hostSignature(secret, old) },
    });
    expect(stale.statusCode).toBe(401);

    // A real token for plan=basic, its payload rewritten to plan=pro.
    const real = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/widget/identify?site=shop',
        payload: { ...basic, signature: hostSignature(secret, basic) },
      })
    ).json().token as string;
    const [body, mac] = real.split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
    forged.segments = ['plan=pro'];
    const tampered = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    for (const token of [tampered, 'garbage', `${body}.${'A'.repeat(43)}`]) {
      const res = await search(PRO_QUESTION, `&token=${encodeURIComponent(token)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().results.map((r: { id: string }) => r.id)).not.toContain(pro);
    }
  });

  it('never takes segments from the browser', async () => {
    const res = await search(PRO_QUESTION, '&segments=plan%3Dpro');
    expect(res.statusCode).toBe(400);
  });
});

describe('CORS per site', () => {
  it('allows listed origins only, on widget endpoints only', async () => {
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/widget/answer?site=shop',
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(SHOP);
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();

    const evil = await t.app.inject({
      method: 'GET',
      url: '/api/v1/widget/config?site=shop',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();

    const other = await t.app.inject({ method: 'GET', url: '/api/v1/locales', headers: { origin: SHOP } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('config and rules', () => {
  it('serves localised strings, overrides and rule suggestions in the visitor locale', async () => {
    const invoice = ids['download-invoice:fr']!;
    const rules = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/widget/sites/shop/rules',
      headers: admin.headers,
      payload: {
        items: [
          {
            id: 'billing',
            name: 'Billing',
            when: { urlPattern: '*/billing*' },
            show: 'suggest',
            articleIds: [invoice],
          },
        ],
      },
    });
    expect(rules.statusCode).toBe(200);
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/widget/sites/shop',
      headers: admin.headers,
      payload: { strings: { fr: { greeting: 'Salut !' } }, statusBanner: { en: 'Maintenance tonight' } },
    });
    const fr = await t.app.inject({ method: 'GET', url: '/api/v1/widget/config?site=shop&locale=fr' });
    expect(fr.headers['cache-control']).toContain('max-age');
    expect(fr.json().strings.greeting).toBe('Salut !');
    expect(fr.json().rules[0].articles[0].id).toBe(invoice);
    const en = (
      await t.app.inject({ method: 'GET', url: '/api/v1/widget/config?site=shop&locale=en' })
    ).json();
    expect(en.strings.launcher).toBe('Need help?');
    expect(en.statusBanner).toBe('Maintenance tonight');
    expect(en.rules[0].articles[0]).toMatchObject({ id: ids['download-invoice:en'], locale: 'en' });
  });

  it('refuses rules pointing at content the public cannot read, and non-admins', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/widget/sites/shop/rules',
      headers: admin.headers,
      payload: {
        items: [{ id: 'x', name: 'X', when: {}, show: 'nudge', articleIds: [ids['pro-manage-users:fr']] }],
      },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().field).toBe('articleIds');
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/widget/sites' });
    expect(anon.statusCode).toBe(401);
  });
});

describe('events', () => {
  it('records widget events with the anonymous visitor id, and validates them', async () => {
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/events?site=shop',
      payload: { type: 'widget.nudge_shown', visitorId: 'v-123456789', ruleId: 'billing', locale: 'fr' },
    });
    expect(ok.statusCode).toBe(204);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/events?site=shop',
      payload: { type: 'anything.else', visitorId: 'v-123456789' },
    });
    expect(bad.statusCode).toBe(400);
    const rows = await t.app.db.select().from(events).where(eq(events.type, 'widget.nudge_shown'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'widget', visitorId: 'v-123456789', subjectId: 'billing' });
    expect(rows[0]!.data).toMatchObject({ site: 'shop', ruleId: 'billing' });
  });
});

describe('"was this helpful?" and the effort score', () => {
  it('records a vote on an article the visitor may read, and a CES answer within the settings', async () => {
    const article = ids['download-invoice:fr']!;
    const vote = (id: string, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/widget/articles/${id}/feedback?site=shop&visitor=v-feedback-1`,
        payload,
      });
    expect((await vote(article, { helpful: false, comment: 'Le lien ne marche pas' })).statusCode).toBe(204);
    const given = await t.app.db.select().from(events).where(eq(events.type, 'feedback.given'));
    expect(given.at(-1)).toMatchObject({ channel: 'widget', visitorId: 'v-feedback-1', subjectId: article });
    // The comment stays with the article's feedback; analytics gets the vote only.
    expect(given.at(-1)!.data).toEqual({ helpful: false });
    expect((await vote(article, { helpful: 'yes' })).statusCode).toBe(400);
    const pro = ids['pro-user-management:fr'] ?? Object.entries(ids).find(([k]) => k.startsWith('pro-'))?.[1];
    expect(pro).toBeDefined();
    // An article reserved to a segment is unknown to an anonymous visitor.
    expect((await vote(pro!, { helpful: true })).statusCode).toBe(404);

    const answer = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/v1/widget/surveys?site=shop&visitor=v-feedback-1', payload });
    expect((await answer({ kind: 'ces', score: 7, context: 'article', locale: 'fr' })).statusCode).toBe(204);
    const csat = await answer({ kind: 'csat', score: 6 });
    expect(csat.statusCode).toBe(400);
    expect(csat.json().field).toBe('score');
    const surveys = await t.app.db.select().from(events).where(eq(events.type, 'survey.answered'));
    expect(surveys.map((e) => e.data)).toContainEqual({ kind: 'ces', score: 7, context: 'article' });
  });
});

describe('demo host page', () => {
  it('embeds the widget with one tag under a strict CSP', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/demo/host/checkout' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.body).toContain('<script src="/widget.js" data-relais-site="demo" async></script>');
    expect(res.body).toContain('id="pay"');
    expect((await t.app.inject({ method: 'GET', url: '/demo/host/nope' })).statusCode).toBe(404);
  });
});
