import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildPublishedArticle,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
  testConfig,
} from '../../../test/helpers.ts';
import { startRelais } from '../../start.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ RELAIS_DEMO: 'on' });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

const search = (q: string, extra = '', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, headers });
const answer = (question: string, more: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/answer', payload: { question, ...more } });

const publish = (article: Record<string, unknown>) => buildPublishedArticle(t.app, admin, article);

/** The index follows the database through notifications: poll until it has caught up. */
async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the search index never caught up');
}

describe('search over the demo help centre', () => {
  it('is ready once the index is built', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json().checks.search).toBe('ok');
    const status = await t.app.inject({
      method: 'GET',
      url: '/api/v1/search/status',
      headers: admin.headers,
    });
    expect(status.json().documents).toBeGreaterThan(80);
  });

  it('answers French the way customers type it: no accents, typos, SMS style', async () => {
    for (const q of ['jai oublie mon mot de passe', 'mot de pase oublié', 'ou telecharger ma facture']) {
      const res = await search(q, '&locale=fr');
      expect(res.statusCode).toBe(200);
      const top = res.json().results[0];
      expect(top.locale).toBe('fr');
      expect(top.url).toMatch(/^\/fr\/articles\//);
      expect(top.confidence).toBeGreaterThan(0);
    }
    const pwd = (await search('jai oublie mon mot de passe', '&locale=fr')).json().results[0];
    expect(pwd.title.toLowerCase()).toContain('mot de passe');
  });

  it('detects the language when no locale is given', async () => {
    const res = await search('how do I download my invoice');
    expect(res.json().locale).toBe('en');
    expect(res.json().results[0].title.toLowerCase()).toMatch(/invoice|bill/);
  });

  it('answers when sure and abstains on what the help centre does not cover', async () => {
    const sure = (await answer('code puk bloqué', { locale: 'fr' })).json();
    expect(sure.answered).toBe(true);
    expect(sure.answer.title.toLowerCase()).toMatch(/puk|pin/);
    const unsure = (await answer('quelle est la recette des crêpes bretonnes', { locale: 'fr' })).json();
    expect(unsure.answered).toBe(false);
    expect(unsure.answer).toBeNull();
  });

  it('never shows internal or segment content to the public, but does to agents who ask', async () => {
    const q = 'geste commercial avoir agent niveau';
    const pub = (await search(q, '&locale=fr&audience=internal&limit=10')).json();
    const internalIds = new Set<string>();
    const agent = await buildStaff(t.app, 'agent');
    const staff = (await search(q, '&locale=fr&audience=internal&limit=10', agent.headers)).json();
    for (const r of staff.results) internalIds.add(r.id);
    expect(staff.results.length).toBeGreaterThan(0);
    // The public asked for internal content too: the route ignores it for anonymous callers.
    const leaked = pub.results.filter(
      (r: { id: string }) => internalIds.has(r.id) && !pub.results.includes(r),
    );
    expect(leaked).toHaveLength(0);
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/articles?limit=200&visibility=internal',
      headers: agent.headers,
    });
    const internalArticles = new Set<string>(listed.json().items.map((a: { id: string }) => a.id));
    expect(internalArticles.size).toBeGreaterThan(0);
    for (const r of pub.results) expect(internalArticles.has(r.id)).toBe(false);
    expect(staff.results.some((r: { id: string }) => internalArticles.has(r.id))).toBe(true);
  });

  it('follows publishing and archiving without a restart', async () => {
    const id = await publish({
      locale: 'fr',
      slug: 'trottinette-electrique',
      title: 'Recharger une trottinette électrique Nuvia',
      shortAnswer: 'Branchez le chargeur fourni sur le port situé sous le guidon.',
      formulations: [
        'comment charger ma trottinette',
        'trottinette ne charge plus',
        'batterie trottinette vide',
      ],
    });
    await eventually(
      async () => (await search('ma trottinette ne charge pas', '&locale=fr')).json().results[0]?.id === id,
    );
    const archived = await t.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${id}/archive`,
      headers: admin.headers,
    });
    expect(archived.statusCode).toBe(200);
    await eventually(async () =>
      (await search('ma trottinette ne charge pas', '&locale=fr'))
        .json()
        .results.every((r: { id: string }) => r.id !== id),
    );
  });

  it('applies synonyms editors manage, without a restart', async () => {
    const before = (await search('zorglub', '&locale=fr')).json();
    expect(before.results).toHaveLength(0);
    const editor = await buildStaff(t.app, 'editor');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/synonyms/fr',
      headers: editor.headers,
      payload: { rules: [{ terms: ['zorglub', 'mot de passe'], oneWay: true }] },
    });
    expect(put.statusCode).toBe(200);
    await eventually(async () => (await search('zorglub oublié', '&locale=fr')).json().results.length > 0);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/synonyms?locale=fr',
      headers: editor.headers,
    });
    expect(list.json().items).toEqual([{ locale: 'fr', terms: ['zorglub', 'mot de passe'], oneWay: true }]);
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/synonyms/fr',
      payload: { rules: [] },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('validates its input', async () => {
    const empty = await search('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().field).toBe('q');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/answer',
      payload: { question: 'x', audience: 'root' },
    });
    expect(bad.json().field).toBe('audience');
  });
});

describe.runIf(process.env.DATABASE_URL)('several Relais nodes on one PostgreSQL', () => {
  it('keep their indexes in sync through LISTEN/NOTIFY', async () => {
    const url = (t.app.config.databaseUrl ?? '') as string;
    const other = await startRelais({ ...testConfig(), databaseUrl: url });
    try {
      const id = await publish({
        locale: 'en',
        slug: 'pigeon-post',
        title: 'Sending a carrier pigeon to Nuvia',
        shortAnswer: 'We do not accept carrier pigeons.',
        formulations: ['can i send a pigeon', 'carrier pigeon support'],
      });
      await eventually(async () => {
        const res = await other.app.inject({
          method: 'GET',
          url: '/api/v1/search?q=carrier%20pigeon&locale=en',
        });
        return res.json().results[0]?.id === id;
      });
    } finally {
      await other.app.close();
    }
  });
});

describe('what self-service records for analytics', () => {
  async function eventsOf(type: string) {
    const { events } = await import('../../db/schema.ts');
    const { eq } = await import('drizzle-orm');
    await t.app.eventBuffer.flush(); // searches and views are written in batches
    return t.app.db.select().from(events).where(eq(events.type, type));
  }

  it('records customers’ searches (masked), not keystrokes nor staff tests', async () => {
    const before = (await eventsOf('search.performed')).length;
    await search('mot de passe oublié, mon mail est jean.dupont@exemple.fr', '&locale=fr');
    await search('mot de pa', '&locale=fr&prefix=true');
    await search('mot de passe', '&locale=fr', admin.headers);
    await answer('recette de crêpes', { locale: 'fr' });
    const rows = (await eventsOf('search.performed')).slice(before);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.data).toMatchObject({
      query: 'mot de passe oublié, mon mail est [email]',
      abstained: false,
    });
    expect(rows[1]!.data).toMatchObject({ query: 'recette de crêpes', abstained: true });
  });

  it('records help-centre searches, article views and feedback votes', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/fr/search?q=code%20puk' });
    expect(page.statusCode).toBe(200);
    const hc = (await eventsOf('search.performed')).filter((e) => e.channel === 'helpcentre');
    expect(hc.at(-1)?.data).toMatchObject({ query: 'code puk' });

    const found = (await search('code puk', '&locale=fr')).json().results[0];
    expect((await t.app.inject({ method: 'GET', url: found.url })).statusCode).toBe(200);
    const views = await eventsOf('article.viewed');
    expect(views.at(-1)).toMatchObject({ subjectId: found.id, channel: 'helpcentre', locale: 'fr' });

    const vote = await t.app.inject({
      method: 'POST',
      url: `${found.url}/feedback`,
      payload: 'helpful=no&comment=appelez moi au 0612345678',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(vote.statusCode).toBe(303);
    const votes = await eventsOf('feedback.given');
    expect(votes.at(-1)).toMatchObject({ subjectId: found.id, data: { helpful: false } });
    expect(JSON.stringify(votes.at(-1))).not.toContain('0612345678');
  });
});
