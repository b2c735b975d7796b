import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADMIN,
  buildPublishedArticle,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { createEngine } from '../../engine/index.ts';
import { recordEvent } from '../events/service.ts';
import { listIndexableArticles } from '../kb/service.ts';
import { clusterGaps } from './gaps.ts';

let t: TestApp;
let admin: Session;
let analyst: Session;
let planId: string;

const publish = (payload: object) => buildPublishedArticle(t.app, admin, payload);

const CHEAPER = [
  'passer à une offre moins chère',
  'une offre moins chere svp',
  'je veux une offre moins chère',
];

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  analyst = await buildStaff(t.app, 'analyst');
  planId = await publish({
    locale: 'fr',
    slug: 'changer-de-forfait',
    title: 'Changer de forfait mobile',
    shortAnswer: 'Depuis votre espace client, rubrique Mon offre, choisissez un nouveau forfait.',
    formulations: ['comment changer de forfait', 'modifier mon forfait mobile'],
  });
  await publish({
    locale: 'fr',
    slug: 'facture',
    title: 'Télécharger ma facture',
    shortAnswer: 'Vos factures sont dans votre espace client, rubrique Factures.',
    formulations: ['où est ma facture', 'télécharger facture pdf'],
  });
  const at = new Date(Date.now() - 60_000);
  const asked = [
    ...CHEAPER,
    CHEAPER[0]!,
    CHEAPER[0]!,
    'livraison de la box au japon',
    'envoyer la box au Japon',
  ];
  for (const [i, query] of asked.entries()) {
    await recordEvent(t.app.db, {
      type: i % 2 ? 'bot.abstained' : 'search.performed',
      channel: i % 2 ? 'bot' : 'helpcentre',
      sessionId: `s${i}`,
      locale: 'fr',
      at,
      data: i % 2 ? { query, confidence: 0.2 } : { query, resultCount: 1, confidence: 0.3, abstained: true },
    });
  }
  // Answered with confidence: not a gap.
  await recordEvent(t.app.db, {
    type: 'search.performed',
    channel: 'helpcentre',
    locale: 'fr',
    at,
    data: { query: 'où est ma facture', resultCount: 2, confidence: 0.95, abstained: false },
  });
});
afterAll(() => t.close());

describe('clusterGaps', () => {
  it('groups paraphrases by meaning, per locale, ranked by volume', () => {
    const clusters = clusterGaps([
      ...CHEAPER.map((query) => ({ query, locale: 'fr', n: 2, reasons: ['abstained'] })),
      { query: 'livraison de la box au japon', locale: 'fr', n: 1, reasons: ['zero_results'] },
      { query: 'cheaper plan please', locale: 'en', n: 1, reasons: ['abstained'] },
      { query: 'is there a cheaper plan', locale: 'en', n: 1, reasons: ['low_confidence'] },
    ]);
    expect(clusters.map((c) => [c.locale, c.volume, c.queries.length])).toEqual([
      ['fr', 6, 3],
      ['en', 2, 2],
      ['fr', 1, 1],
    ]);
    expect(clusters[1]!.reasons).toEqual(['abstained', 'low_confidence']);
  });
});

/** Gaps are computed in the background: ask until the computation for these filters has settled. */
async function readGaps(session: Session) {
  for (let attempt = 0; ; attempt++) {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/gaps',
      headers: session.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    if (!body.refreshing || attempt === 100) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('content gaps end to end', () => {
  it('shows paraphrased unanswered queries as one gap with the closest answer suggested', async () => {
    const body = await readGaps(analyst);
    expect(body.refreshing).toBe(false);
    expect(Date.parse(body.computedAt)).toBeGreaterThan(Date.now() - 60_000);
    const [top, second, ...rest] = body.items;
    expect(rest).toEqual([]);
    expect(top).toMatchObject({
      locale: 'fr',
      volume: 5,
      label: CHEAPER[0],
      suggestion: { articleId: planId },
    });
    expect(top.queries.map((q: { query: string }) => q.query).sort()).toEqual([...CHEAPER].sort());
    expect(second).toMatchObject({ volume: 2, suggestion: null });
  });

  it('adds the queries as formulations in one click, and the engine then answers them', async () => {
    const gap = (await readGaps(analyst)).items[0];
    // Analysts read; changing content needs content:write.
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/gaps/formulations',
      headers: analyst.headers,
      payload: {
        articleId: gap.suggestion.articleId,
        queries: gap.queries.map((q: { query: string }) => q.query),
      },
    });
    expect(denied.statusCode).toBe(403);
    const before = createEngine();
    before.upsert(await listIndexableArticles(t.app.db));
    const confidenceBefore = (q: string) => before.match(q, { locale: 'fr' }).confidence;

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/gaps/formulations',
      headers: admin.headers,
      payload: {
        articleId: gap.suggestion.articleId,
        queries: gap.queries.map((q: { query: string }) => q.query),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().added).toHaveLength(3);
    // The fix marks the cached gaps stale: once recomputed, the answer is suggested with more confidence.
    await vi.waitFor(
      async () => {
        const again = (await readGaps(analyst)).items.find((g: { label: string }) => g.label === gap.label);
        expect(again.suggestion.confidence).toBeGreaterThan(gap.suggestion.confidence);
      },
      { timeout: 15_000, interval: 200 },
    );

    const after = createEngine();
    after.upsert(await listIndexableArticles(t.app.db));
    for (const q of [...CHEAPER, 'offre moins chère']) {
      const r = after.match(q, { locale: 'fr' });
      expect(r.abstain, q).toBe(false);
      expect(r.candidates[0]?.id).toBe(planId);
      expect(r.confidence, q).toBeGreaterThanOrEqual(confidenceBefore(q));
    }
  });

  it('drafts a new article from a gap in one click', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/gaps/draft',
      headers: admin.headers,
      payload: { locale: 'fr', title: 'Livraison à l’étranger', queries: ['livraison de la box au japon'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'draft', formulations: ['livraison de la box au japon'] });
  });

  it('lists stale content and builds the weekly digest for owners', async () => {
    const stale = await t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/stale',
      headers: analyst.headers,
    });
    // Nothing was viewed: both published answers are listed.
    expect(stale.json().items.map((s: { reasons: string[] }) => s.reasons)).toEqual([
      ['not_viewed'],
      ['not_viewed'],
    ]);
    const digest = await t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/digest',
      headers: analyst.headers,
    });
    const [mail] = digest.json().items;
    expect(mail.text).toContain('2 article(s)');
    expect(mail.text).toContain('box au japon" × 2');
    expect(JSON.stringify(digest.json())).not.toContain('@');
  });
});
