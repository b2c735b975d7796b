import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from '../../test/helpers.ts';

let t: TestApp;
let app: FastifyInstance;
let admin: Session;
let categorySlug: string;
let categoryId: string;

type Status = 'draft' | 'in_review' | 'published' | 'archived';

/** Writes a real article through the API and moves it to `status`. */
async function buildArticle(fields: Record<string, unknown>, status: Status = 'published') {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/articles',
    headers: admin.headers,
    payload: { locale: 'fr', categoryId, formulations: ['une question'], ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  const steps: Record<Status, string[]> = {
    draft: [],
    in_review: ['submit'],
    published: ['publish'],
    archived: ['publish', 'archive'],
  };
  let article = res.json();
  for (const step of steps[status]) {
    const r = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${article.id}/${step}`,
      headers: admin.headers,
    });
    expect(r.statusCode, r.body).toBe(200);
    article = r.json();
  }
  return article as { id: string; slug: string; translationGroup: string };
}

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  t = await createTestApp();
  app = t.app;
  admin = await signIn(app, ADMIN.email, ADMIN.password);
  const cat = await app.inject({
    method: 'POST',
    url: '/api/v1/categories',
    headers: admin.headers,
    payload: {
      translations: {
        fr: { slug: 'facturation', title: 'Facturation', description: 'Vos factures' },
        en: { slug: 'billing', title: 'Billing', description: 'Your bills' },
      },
    },
  });
  categoryId = cat.json().id;
  categorySlug = 'facturation';
});
afterAll(() => t.close());

describe('what the public can see', () => {
  const hidden: Array<{ slug: string; marker: string }> = [];
  let visible: { slug: string };

  beforeAll(async () => {
    visible = await buildArticle({
      slug: 'payer-facture',
      title: 'Payer ma facture',
      shortAnswer: 'Par carte.',
    });
    const cases: Array<[string, Record<string, unknown>, Status]> = [
      ['internal', { visibility: 'internal' }, 'published'],
      ['segment', { visibility: 'segment', segments: ['plan=pro'] }, 'published'],
      ['draft', {}, 'draft'],
      ['review', {}, 'in_review'],
      ['archived', {}, 'archived'],
    ];
    for (const [name, extra, status] of cases) {
      const marker = `Zorglub${name}`;
      const a = await buildArticle(
        {
          slug: `cache-${name}`,
          title: `${marker} facture`,
          shortAnswer: `${marker} réponse facture.`,
          body: `${marker} corps`,
          ...extra,
        },
        status,
      );
      hidden.push({ slug: a.slug, marker });
    }
  });

  it('never shows draft, in-review, archived, internal or segment content on any public surface', async () => {
    const surfaces = [
      '/fr',
      `/fr/categories/${categorySlug}`,
      `/fr/articles/${visible.slug}`,
      `/fr/articles/${visible.slug}.md`,
      '/fr/search?q=facture',
      '/fr/search?q=r%C3%A9ponse+corps',
      '/sitemap.xml',
      '/llms.txt',
      '/api/v1/articles?limit=500',
      '/api/v1/articles?limit=500&status=draft',
      '/api/v1/articles?limit=500&visibility=internal',
    ];
    await app.searchIndex.settled();
    for (const url of surfaces) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      for (const h of hidden) {
        expect(res.body, `${url} leaks ${h.marker}`).not.toContain(h.marker);
        expect(res.body, `${url} leaks ${h.slug}`).not.toContain(h.slug);
      }
    }
    // The visible one is really there, so the checks above are meaningful.
    expect((await get('/fr/search?q=facture')).body).toContain('Payer ma facture');
    expect((await get('/sitemap.xml')).body).toContain(`/fr/articles/${visible.slug}`);
    expect((await get('/llms.txt')).body).toContain(`/fr/articles/${visible.slug}.md`);
    for (const h of hidden) {
      for (const url of [`/fr/articles/${h.slug}`, `/fr/articles/${h.slug}.md`]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).not.toContain(h.marker);
      }
      const feedback = await app.inject({
        method: 'POST',
        url: `/fr/articles/${h.slug}/feedback`,
        payload: 'helpful=yes',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(feedback.statusCode).toBe(404);
    }
  });
});

describe('article pages', () => {
  it('renders stored HTML and javascript: links inert and escapes JSON-LD', async () => {
    const a = await buildArticle({
      slug: 'piege',
      title: 'Piège </script><script>alert(1)</script>',
      shortAnswer: 'Réponse <b onmouseover=alert(1)>courte</b>.',
      body: '<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<a href="javascript:alert(2)">y</a>\n\n<script>alert(3)</script>',
    });
    const res = await get(`/fr/articles/${a.slug}`);
    expect(res.statusCode).toBe(200);
    // No element carries an event handler or a javascript: URL (escaped text may mention them).
    const tags = (res.body.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
    expect(tags.filter((tag) => /\son\w+\s*=/i.test(tag))).toEqual([]);
    expect(res.body).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('<img src="x" loading="lazy" />');
    expect(res.body).toContain('\\u003c/script\\u003e');
    const scripts = res.body.match(/<script[^>]*>/g) ?? [];
    // JSON-LD data, and the one same-origin script of every page (search-as-you-type).
    expect(
      scripts.every(
        (s) =>
          s === '<script type="application/ld+json">' ||
          s === '<script src="/widget/helpcentre-search.js" defer>',
      ),
    ).toBe(true);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
  });

  it('redirects an old slug to the new URL with a 301, page and Markdown view', async () => {
    const a = await buildArticle({ slug: 'ancien-nom', title: 'Ancien', shortAnswer: 'A.' });
    for (const slug of ['nom-intermediaire', 'nouveau-nom']) {
      const r = await app.inject({
        method: 'PATCH',
        url: `/api/v1/articles/${a.id}`,
        headers: admin.headers,
        payload: { slug },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    for (const old of ['ancien-nom', 'nom-intermediaire']) {
      const res = await get(`/fr/articles/${old}`);
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe('/fr/articles/nouveau-nom');
      expect((await get(`/fr/articles/${old}.md`)).headers.location).toBe('/fr/articles/nouveau-nom.md');
    }
    expect((await get('/fr/articles/nouveau-nom')).statusCode).toBe(200);
  });

  it("redirects a category's old slug with a 301 until another category takes it", async () => {
    const category = async (method: 'POST' | 'PATCH', url: string, slug: string) => {
      const res = await app.inject({
        method,
        url,
        headers: admin.headers,
        payload: { translations: { fr: { slug, title: `Catégorie ${slug}` } } },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as { id: string };
    };
    const mobile = await category('POST', '/api/v1/categories', 'mobile');
    await buildArticle({
      slug: 'activer-sim',
      title: 'Activer ma SIM',
      shortAnswer: 'A.',
      categoryId: mobile.id,
    });
    await category('PATCH', `/api/v1/categories/${mobile.id}`, 'forfaits-mobiles');
    const old = await get('/fr/categories/mobile');
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/fr/categories/forfaits-mobiles');
    expect((await get('/fr/categories/forfaits-mobiles')).statusCode).toBe(200);

    const other = await category('POST', '/api/v1/categories', 'mobile');
    await buildArticle({
      slug: 'telephone-neuf',
      title: 'Téléphone neuf',
      shortAnswer: 'T.',
      categoryId: other.id,
    });
    const reused = await get('/fr/categories/mobile');
    expect(reused.statusCode).toBe(200);
    expect(reused.body).toContain('Téléphone neuf');
  });

  it('shows an edited article or category once the change is announced, though pages are read once per change', async () => {
    const a = await buildArticle({ slug: 'carte-sim', title: 'Ma carte SIM', shortAnswer: 'S.' });
    // Read once: the page parts are now kept until the content changes.
    expect((await get('/fr/articles/carte-sim')).body).toContain('Ma carte SIM');
    expect((await get(`/fr/categories/${categorySlug}`)).body).toContain('Facturation');
    const edit = await app.inject({
      method: 'PATCH',
      url: `/api/v1/articles/${a.id}`,
      headers: admin.headers,
      payload: { title: 'Ma nouvelle carte SIM' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/categories/${categoryId}`,
      headers: admin.headers,
      payload: { translations: { fr: { slug: categorySlug, title: 'Factures et paiements' } } },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    // The notifications reach this node (as every node) just after commit.
    await expect
      .poll(async () => (await get('/fr/articles/carte-sim')).body)
      .toContain('Ma nouvelle carte SIM');
    await expect
      .poll(async () => (await get(`/fr/categories/${categorySlug}`)).body)
      .toContain('Factures et paiements');
    expect((await get('/fr')).body).toContain('Factures et paiements');
  });

  it('links translations with hreflang and the language switcher', async () => {
    const fr = await buildArticle({ slug: 'resilier', title: 'Résilier', shortAnswer: 'Appelez-nous.' });
    const en = await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${fr.id}/translations`,
      headers: admin.headers,
      payload: { locale: 'en', slug: 'cancel', title: 'Cancel', shortAnswer: 'Call us.' },
    });
    await app.inject({
      method: 'POST',
      url: `/api/v1/articles/${en.json().id}/publish`,
      headers: admin.headers,
    });
    const page = (await get('/fr/articles/resilier')).body;
    expect(page).toContain(
      '<link rel="alternate" hreflang="en" href="http://localhost:3000/en/articles/cancel">',
    );
    expect(page).toMatch(/<a href="\/en\/articles\/cancel" hreflang="en" lang="en">English<\/a>/);
    expect(page).toContain('href="/fr/contact"');
    expect((await get('/en/articles/cancel')).body).toContain('<html lang="en">');
  });

  it('takes "Was this helpful?" as a plain form post', async () => {
    const a = await buildArticle({ slug: 'utile', title: 'Utile', shortAnswer: 'Oui.' });
    const res = await app.inject({
      method: 'POST',
      url: '/fr/articles/utile/feedback',
      payload: 'helpful=no&comment=Pas+clair',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/fr/articles/utile?feedback=sent#feedback');
    expect((await get(res.headers.location as string)).body).toContain('Merci pour votre retour');
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/articles/${a.id}/feedback`,
      headers: admin.headers,
    });
    expect(list.json().items).toMatchObject([{ helpful: false, comment: 'Pas clair' }]);
  });
});

describe('site files and navigation', () => {
  it('redirects / by Accept-Language and serves HTML 404s outside the API', async () => {
    expect((await get('/', { 'accept-language': 'en-US,en;q=0.8,fr;q=0.5' })).headers.location).toBe('/en');
    expect((await get('/', { 'accept-language': 'de-DE' })).headers.location).toBe('/fr');
    const page = await get('/fr/articles/inconnu');
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Page introuvable');
    expect((await get('/xx/whatever')).headers['content-type']).toMatch(/text\/html/);
    const api = await get('/api/v1/nothing-here');
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('serves a favicon in the brand colour, linked from every page', async () => {
    const icon = await get('/favicon.svg');
    expect(icon.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(icon.body).toMatch(/<rect [^>]*fill="#[0-9a-f]{6}"/i);
    expect((await get('/favicon.ico')).headers.location).toBe('/favicon.svg');
    expect((await get('/fr')).body).toContain('<link rel="icon" href="/favicon.svg">');
  });

  it('guides an empty or fruitless search instead of showing a blank page', async () => {
    const empty = (await get('/fr/search')).body;
    expect(empty).toContain('Que cherchez-vous\u00a0?');
    expect(empty).toContain('Pour trouver plus vite');
    const none = (await get('/fr/search?q=zzzqqq+xxyyww')).body;
    expect(none).toContain('href="/fr/contact?subject=zzzqqq%20xxyyww"');
    expect(none).toContain('Parcourir les thèmes');
    expect((await get('/en/search')).body).toContain('To find it faster');
  });

  it('sets French titles with a non-breaking space before « ? », never in English', async () => {
    await buildArticle({ slug: 'ou-est-ma-box', title: 'Où est ma box ?', shortAnswer: 'En route.' });
    const page = (await get('/fr/articles/ou-est-ma-box')).body;
    expect(page).toContain('<h1 id="article-title">Où est ma box\u00a0?</h1>');
    expect(page).toContain('<title>Où est ma box\u00a0? ·');
  });

  it('serves robots.txt, the stylesheet and the theme from settings', async () => {
    expect((await get('/robots.txt')).body).toContain('Sitemap: http://localhost:3000/sitemap.xml');
    expect((await get('/assets/helpcentre.css')).headers['content-type']).toMatch(/text\/css/);
    expect((await get('/assets/theme.css')).body).toMatch(/--brand:#[0-9a-f]+/i);
  });
});
