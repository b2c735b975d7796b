import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildPublishedArticle,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { events } from '../../db/schema.ts';
import {
  JOURNEY_RETENTION_MS,
  purgeExpiredJourneys,
  recordJourneyStep,
  takeJourneyForEscalation,
} from './service.ts';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  await buildPublishedArticle(t.app, admin, {
    locale: 'fr',
    slug: 'resilier-mon-abonnement',
    title: 'Résilier mon abonnement',
    shortAnswer: 'Depuis votre espace client, rubrique Mon offre, choisissez « Résilier ».',
    formulations: ['je veux résilier mon abonnement', 'résiliation de mon abonnement'],
  });
});
afterAll(() => t?.close());

/** A browser's cookie jar for the help centre: what the server sets is sent back. */
function customer() {
  const jar = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
    const res = await t.app.inject({
      method,
      url,
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.cookies) c.value ? jar.set(c.name, c.value) : jar.delete(c.name);
    return res;
  };
  return { jar, send };
}

const setConsent = (consentMode: 'off' | 'required') =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/analytics/settings',
    headers: admin.headers,
    payload: { consentMode },
  });

async function latestTicket() {
  const list = await t.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: admin.headers });
  const id = list.json().items[0].id as string;
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: admin.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('the help-centre journey reaches the advisor', () => {
  it('search → article → vote "no" → contact form: the ticket shows the query, the title and the vote', async () => {
    expect((await setConsent('required')).statusCode).toBe(200);
    const c = customer();
    const query = 'je veux resilier mon abonement';
    // The index follows the database through notifications: poll until it has the article.
    const url = `/fr/search?q=${encodeURIComponent(query)}`;
    for (let i = 0; i < 100; i++) {
      if ((await t.app.inject({ method: 'GET', url })).body.includes('Résilier mon abonnement')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const search = await c.send('GET', url);
    expect(search.statusCode).toBe(200);
    const cookie = search.cookies.find((k) => k.name === 'relais_jid');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.maxAge).toBe(JOURNEY_RETENTION_MS / 1000);
    const path = /<h2><a href="(?:https?:\/\/[^/"]+)?(\/fr\/articles\/[a-z0-9-]+)"/.exec(search.body)?.[1];
    expect(path, search.body.slice(search.body.indexOf('<main'))).toBeDefined();

    const article = await c.send('GET', path!);
    expect(article.statusCode).toBe(200);
    const title = 'Résilier mon abonnement';
    expect(article.body).toContain(title);
    const vote = await c.send('POST', `${path}/feedback`, { helpful: 'no' });
    expect(vote.statusCode).toBe(303);

    await new Promise((r) => setTimeout(r, 1100));
    expect((await c.send('GET', '/fr/contact')).statusCode).toBe(200);
    const sent = await c.send('POST', '/fr/contact', {
      subject: 'Résiliation',
      description: 'Je veux résilier mon abonnement, la page ne m’aide pas.',
      email: 'client@example.com',
      pageUrl: '',
      context: '',
    });
    expect(sent.statusCode, sent.body).toBe(200);

    const ticket = await latestTicket();
    const kinds = ticket.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['search', 'article', 'escalated']);
    const [s, a, escalated] = ticket.timeline;
    expect(s.text).toBe(query);
    expect(s.detail.shown).toContain(title);
    expect(s.detail.opened).toEqual([title]);
    expect(a.text).toBe(title);
    expect(a.detail).toMatchObject({ helpful: false, locale: 'fr' });
    // From the first step (the search), not from when the form was opened.
    expect(escalated.detail.selfServiceMs).toBeGreaterThanOrEqual(1000);
    expect(ticket.context.searches[0].query).toBe(query);
    expect(ticket.context.articlesViewed[0].title).toBe(title);
    expect(JSON.stringify(ticket.context)).not.toContain('journeyId');

    // Handed over once: a second request from the same browser does not repeat these steps.
    await c.send('POST', '/fr/contact', {
      subject: 'Autre chose',
      description: 'Une autre question, sans rien chercher avant.',
      email: 'client@example.com',
    });
    const second = await latestTicket();
    expect(second.id).not.toBe(ticket.id);
    expect(second.timeline.map((e: { kind: string }) => e.kind)).toEqual(['escalated']);

    // Analytics never read the journey: with consent refused, no event carries an id, nor the cookie.
    await t.app.eventBuffer.flush(); // help-centre searches and views are written in batches
    const rows = await t.app.db.select().from(events);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.visitorId).toBeNull();
      expect(JSON.stringify(r)).not.toContain(c.jar.get('relais_jid'));
    }
    expect(c.jar.has('relais_vid')).toBe(false);
    await setConsent('off');
  });

  it('a journey named by the posted form is ignored: only the cookie counts', async () => {
    await recordJourneyStep(t.app.db, 'h:someone_elses_journey', 'helpcentre', {
      kind: 'search',
      query: 'secret search of someone else',
      shown: [],
      abstained: true,
    });
    const c = customer();
    await c.send('POST', '/fr/contact', {
      subject: 'Bonjour',
      description: 'Une question sans parcours, merci.',
      email: 'autre@example.com',
      context: JSON.stringify({ journeyId: 'h:someone_elses_journey' }),
    });
    const ticket = await latestTicket();
    expect(JSON.stringify(ticket)).not.toContain('secret search');
  });
});

describe('retention', () => {
  it('purges journeys 24 hours after their last step, and keeps the others', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - JOURNEY_RETENTION_MS - 60_000);
    const step = { kind: 'page' as const, url: 'https://shop.example/cart' };
    await recordJourneyStep(t.app.db, 'w:old_visitor_1234', 'widget', step, old);
    await recordJourneyStep(t.app.db, 'w:recent_visitor_1234', 'widget', step, old);
    await recordJourneyStep(t.app.db, 'w:recent_visitor_1234', 'widget', step, now);
    expect(await purgeExpiredJourneys(t.app.db, now)).toBeGreaterThanOrEqual(1);
    expect(await takeJourneyForEscalation(t.app.db, 'w:old_visitor_1234', now)).toBeUndefined();
    const kept = await takeJourneyForEscalation(t.app.db, 'w:recent_visitor_1234', now);
    expect(kept?.pages).toHaveLength(2);
    expect(kept?.firstAt.getTime()).toBe(old.getTime());
  });
});
