import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { CONTENT_CHANNEL } from '../search/changes.ts';
import { findArticlesForDisplay, listIndexableArticles } from './service.ts';

let t: TestApp;
let app: FastifyInstance;
let admin: Session;
let editor: Session;
let agent: Session;
let categoryId: string;
const notified: string[] = [];

let n = 0;
/** Writes a real article through the API as `who` (admin by default), optionally published. */
async function buildArticle(
  overrides: Record<string, unknown> = {},
  opts: { publish?: boolean; who?: Session } = {},
) {
  n++;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/articles',
    headers: (opts.who ?? admin).headers,
    payload: {
      locale: 'fr',
      slug: `article-${n}`,
      title: `Article ${n}`,
      shortAnswer: `Réponse courte ${n}.`,
      body: `Corps ${n}`,
      formulations: [`question ${n}`],
      categoryId,
      ...overrides,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const article = res.json();
  if (opts.publish) {
    const pub = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${article.id}/publish`,
      headers: admin.headers,
    });
    expect(pub.statusCode, pub.body).toBe(200);
    return pub.json();
  }
  return article;
}

beforeAll(async () => {
  t = await createTestApp();
  app = t.app;
  await app.database.listen(CONTENT_CHANNEL, (p) => notified.push(p));
  admin = await signIn(app, ADMIN.email, ADMIN.password);
  editor = await buildStaff(app, 'editor');
  agent = await buildStaff(app, 'agent');
  const cat = await app.inject({
    method: 'POST',
    url: '/api/v1/categories',
    headers: editor.headers,
    payload: {
      key: 'billing',
      translations: {
        fr: { slug: 'facturation', title: 'Facturation', description: 'Factures' },
        en: { slug: 'billing', title: 'Billing' },
      },
    },
  });
  expect(cat.statusCode, cat.body).toBe(201);
  categoryId = cat.json().id;
});
afterAll(() => t.close());

describe('writing and publishing', () => {
  it('lets an editor write and submit, but not publish; an admin publishes', async () => {
    const draft = await buildArticle({}, { who: editor });
    expect(draft).toMatchObject({ status: 'draft', version: 1, locale: 'fr' });
    const submit = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${draft.id}/submit`,
      headers: editor.headers,
    });
    expect(submit.json().status).toBe('in_review');
    const denied = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${draft.id}/publish`,
      headers: editor.headers,
    });
    expect(denied.statusCode).toBe(403);
    const published = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${draft.id}/publish`,
      headers: admin.headers,
    });
    expect(published.json()).toMatchObject({
      status: 'published',
      publishedBy: expect.stringMatching(/^user:/),
    });
    // Editors may not change what is live.
    const edit = await app.inject({
      method: 'PATCH',
      url: `/api/v1/articles/${draft.id}`,
      headers: editor.headers,
      payload: { title: 'Changed' },
    });
    expect(edit.statusCode).toBe(403);
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${draft.id}/submit`,
      headers: editor.headers,
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses anonymous writes and agents writing', async () => {
    const anon = await app.inject({
      method: 'POST',
      url: '/api/v1/articles',
      payload: { locale: 'fr', slug: 'x', title: 'x', shortAnswer: 'x' },
    });
    expect(anon.statusCode).toBe(401);
    const asAgent = await app.inject({
      method: 'POST',
      url: '/api/v1/articles',
      headers: agent.headers,
      payload: { locale: 'fr', slug: 'x', title: 'x', shortAnswer: 'x' },
    });
    expect(asAgent.statusCode).toBe(403);
    const feedbackList = await app.inject({
      method: 'GET',
      url: '/api/v1/articles/00000000-0000-4000-8000-000000000000/versions',
    });
    expect(feedbackList.statusCode).toBe(401);
  });

  it('rejects unknown locales, taken slugs and segment articles without segments', async () => {
    await buildArticle({ slug: 'pris' });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ locale: 'de', slug: 'neu' }, 400, 'locale'],
      [{ slug: 'pris' }, 409, 'slug'],
      [{ slug: 'seg', visibility: 'segment' }, 400, 'segments'],
      [{ slug: 'Bad Slug' }, 400, 'slug'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/articles',
        headers: admin.headers,
        payload: { locale: 'fr', title: 't', shortAnswer: 's', ...payload },
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().field).toBe(field);
    }
  });

  it('announces content changes inside the transaction', async () => {
    const a = await buildArticle({}, { publish: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(notified.some((p) => p.includes(a.id))).toBe(true);
  });
});

describe('who reads what', () => {
  it('shows the public only published public articles; agents read internal ones', async () => {
    const pub = await buildArticle({}, { publish: true });
    const internal = await buildArticle({ visibility: 'internal' }, { publish: true });
    const segment = await buildArticle({ visibility: 'segment', segments: ['plan=pro'] }, { publish: true });
    const draft = await buildArticle();
    const list = await app.inject({ method: 'GET', url: '/api/v1/articles?limit=500' });
    const ids = list.json().items.map((a: { id: string }) => a.id);
    expect(ids).toContain(pub.id);
    for (const hidden of [internal, segment, draft]) expect(ids).not.toContain(hidden.id);
    expect(list.json().items[0]).not.toHaveProperty('formulations');
    for (const hidden of [internal, segment, draft]) {
      const one = await app.inject({ method: 'GET', url: `/api/v1/articles/${hidden.id}` });
      expect(one.statusCode).toBe(404);
      const tr = await app.inject({ method: 'GET', url: `/api/v1/articles/${hidden.id}/translations` });
      expect(tr.statusCode).toBe(404);
    }
    const asAgent = await app.inject({
      method: 'GET',
      url: `/api/v1/articles/${internal.id}`,
      headers: agent.headers,
    });
    expect(asAgent.json()).toMatchObject({ visibility: 'internal', formulations: expect.any(Array) });
    const feedback = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${internal.id}/feedback`,
      payload: { helpful: true },
    });
    expect(feedback.statusCode).toBe(404);
  });

  it('gives the engine published articles only, with priors, and display data to the public only', async () => {
    const pub = await buildArticle({ tags: ['invoice'] }, { publish: true });
    const segment = await buildArticle({ visibility: 'segment', segments: ['plan=pro'] }, { publish: true });
    const draft = await buildArticle();
    await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${pub.id}/feedback`,
      payload: { helpful: true, comment: 'Merci' },
    });
    const docs = await listIndexableArticles(app.db, [pub.id, segment.id, draft.id]);
    expect(docs.map((d) => d.id).sort()).toEqual([pub.id, segment.id].sort());
    const doc = docs.find((d) => d.id === pub.id)!;
    expect(doc).toMatchObject({
      locale: 'fr',
      visibility: 'public',
      tags: ['invoice'],
      formulations: [expect.any(String)],
    });
    expect(doc.helpfulness).toBeCloseTo(2 / 3);
    expect(docs.find((d) => d.id === segment.id)?.segments).toEqual(['plan=pro']);
    const display = await findArticlesForDisplay(app.db, [segment.id, pub.id, draft.id], 'fr');
    expect(display.map((d) => d.id)).toEqual([pub.id]);
    expect(display[0]?.url).toBe(`/fr/articles/${pub.slug}`);
  });
});

describe('versions, translations, ordering', () => {
  it('versions every save, diffs and restores', async () => {
    const a = await buildArticle({ body: 'ligne 1\nligne 2' });
    const save = await app.inject({
      method: 'PATCH',
      url: `/api/v1/articles/${a.id}`,
      headers: editor.headers,
      payload: { body: 'ligne 1\nligne deux', title: 'Nouveau titre', note: 'typo' },
    });
    expect(save.json()).toMatchObject({ version: 2, title: 'Nouveau titre' });
    const versions = await app.inject({
      method: 'GET',
      url: `/api/v1/articles/${a.id}/versions`,
      headers: agent.headers,
    });
    expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const diff = await app.inject({
      method: 'GET',
      url: `/api/v1/articles/${a.id}/diff?from=1&to=2`,
      headers: agent.headers,
    });
    const body = diff.json().changes.find((c: { field: string }) => c.field === 'body');
    expect(body.patch).toMatch(/-ligne 2\n\+ligne deux/);
    expect(
      diff
        .json()
        .changes.map((c: { field: string }) => c.field)
        .sort(),
    ).toEqual(['body', 'title']);
    const restored = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${a.id}/versions/1/restore`,
      headers: editor.headers,
    });
    expect(restored.json()).toMatchObject({ version: 3, title: a.title, body: 'ligne 1\nligne 2' });
  });

  it('links translations and refuses a second one in the same locale', async () => {
    const fr = await buildArticle({ visibility: 'internal', tags: ['x'] });
    const en = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${fr.id}/translations`,
      headers: editor.headers,
      payload: { locale: 'en', slug: `en-${fr.slug}`, title: 'In English', shortAnswer: 'Short.' },
    });
    expect(en.statusCode, en.body).toBe(201);
    expect(en.json()).toMatchObject({
      translationGroup: fr.translationGroup,
      visibility: 'internal',
      tags: ['x'],
      categoryId,
    });
    const twice = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${fr.id}/translations`,
      headers: editor.headers,
      payload: { locale: 'en', slug: 'other', title: 'x', shortAnswer: 'y' },
    });
    expect(twice.statusCode).toBe(409);
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/articles/${fr.id}/translations`,
      headers: agent.headers,
    });
    expect(
      list
        .json()
        .items.map((x: { locale: string }) => x.locale)
        .sort(),
    ).toEqual(['en', 'fr']);
  });

  it('reorders categories, sections and articles', async () => {
    const other = await app.inject({
      method: 'POST',
      url: '/api/v1/categories',
      headers: editor.headers,
      payload: { translations: { fr: { slug: 'autre', title: 'Autre' } } },
    });
    const order = await app.inject({
      method: 'PUT',
      url: '/api/v1/categories/order',
      headers: editor.headers,
      payload: { ids: [other.json().id, categoryId] },
    });
    expect(order.json().items.map((c: { id: string }) => c.id)).toEqual([other.json().id, categoryId]);
    const s1 = await app.inject({
      method: 'POST',
      url: `/api/v1/categories/${categoryId}/sections`,
      headers: editor.headers,
      payload: { titles: { fr: 'Un', en: 'One' } },
    });
    const s2 = await app.inject({
      method: 'POST',
      url: `/api/v1/categories/${categoryId}/sections`,
      headers: editor.headers,
      payload: { titles: { fr: 'Deux' } },
    });
    const so = await app.inject({
      method: 'PUT',
      url: `/api/v1/categories/${categoryId}/sections/order`,
      headers: editor.headers,
      payload: { ids: [s2.json().id, s1.json().id] },
    });
    expect(so.json().items.map((s: { titles: { fr: string } }) => s.titles.fr)).toEqual(['Deux', 'Un']);
    const a = await buildArticle({ sectionId: s1.json().id });
    const b = await buildArticle({ sectionId: s1.json().id });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/articles/order',
      headers: editor.headers,
      payload: { ids: [b.id, a.id] },
    });
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/articles?sectionId=${s1.json().id}`,
      headers: editor.headers,
    });
    expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([b.id, a.id]);
    const notEmpty = await app.inject({
      method: 'DELETE',
      url: `/api/v1/categories/${categoryId}`,
      headers: editor.headers,
    });
    expect(notEmpty.statusCode).toBe(409);
  });
});

describe('markdown preview', () => {
  it('renders stored attacks inert', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/kb/preview',
      headers: editor.headers,
      payload: {
        markdown:
          '<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <script>alert(2)</script>\n\n<iframe src="https://evil.example/x"></iframe><iframe src="https://www.youtube-nocookie.com/embed/abc" title="video"></iframe>\n\n<a href="#" onclick="alert(3)">c</a>',
      },
    });
    const html = res.json().html as string;
    expect(html).not.toMatch(/onerror|onclick|href="javascript:|<script|evil\.example|<iframe><\/iframe>/i);
    expect(html).toContain('src="https://www.youtube-nocookie.com/embed/abc"');
  });
});
