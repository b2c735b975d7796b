import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildPublishedArticle,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import { mailText, startSmtp } from '../../../test/receivers.ts';
import { outbox } from '../../db/schema.ts';
import { recordEvent } from '../events/service.ts';
import { digestLocale, isoWeek, sendWeeklyDigest } from './digest.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let admin: Session;
let analyst: Session;
let fr: Awaited<ReturnType<typeof buildStaff>>;
let en: Awaited<ReturnType<typeof buildStaff>>;

const publish = (payload: object) => buildPublishedArticle(t.app, admin, payload);

const setDigest = async (on: boolean) => {
  const res = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/analytics/settings',
    headers: admin.headers,
    payload: { digestEnabled: on },
  });
  expect(res.statusCode, res.body).toBe(200);
};

const digestRows = () => t.app.db.select().from(outbox).where(eq(outbox.topic, 'analytics.digest'));
const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email)).map((m) => mailText(m.raw));

const MONDAY = new Date('2030-01-07T09:00:00Z'); // 2030-W02
const SUNDAY = new Date('2030-01-13T22:00:00Z'); // same week
const NEXT_WEEK = new Date('2030-01-14T01:00:00Z'); // 2030-W03

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp(
    { RELAIS_SMTP_URL: smtp.url, RELAIS_MAIL_FROM: 'Relais <relais@nuvia.test>', LOG_LEVEL: 'info' },
    { outboxWorker: false },
  );
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  analyst = await buildStaff(t.app, 'analyst');
  fr = await buildStaff(t.app, 'editor');
  en = await buildStaff(t.app, 'editor');
  await publish({
    locale: 'fr',
    slug: 'resilier',
    title: 'Résilier mon abonnement',
    shortAnswer: 'Depuis votre espace client, rubrique Mon offre, choisissez Résilier.',
    formulations: ['comment résilier mon abonnement'],
    ownerId: fr.id,
  });
  await publish({
    locale: 'fr',
    slug: 'facture',
    title: 'Télécharger ma facture',
    shortAnswer: 'Vos factures sont dans votre espace client, rubrique Factures.',
    formulations: ['où est ma facture'],
    ownerId: fr.id,
  });
  await publish({
    locale: 'en',
    slug: 'roaming',
    title: 'Turn on roaming abroad',
    shortAnswer: 'In your account, open My plan and switch roaming on.',
    formulations: ['how to enable roaming'],
    ownerId: en.id,
  });
  await publish({
    locale: 'en',
    slug: 'sim-swap',
    title: 'Replace a lost SIM card',
    shortAnswer: 'Order a new SIM from your account; the old one is blocked at once.',
    formulations: ['lost my sim card'],
    ownerId: en.id,
  });
  await publish({
    locale: 'fr',
    slug: 'itinerance',
    title: 'Activer l’itinérance',
    shortAnswer: 'Dans votre espace client, rubrique Mon offre, activez l’itinérance.',
    formulations: ['activer itinérance'],
    ownerId: en.id,
  });
  // A week's gap in English, asked twice.
  for (const i of [1, 2]) {
    await recordEvent(t.app.db, {
      type: 'bot.abstained',
      channel: 'bot',
      sessionId: `g${i}`,
      locale: 'en',
      at: new Date(MONDAY.getTime() - 86_400_000),
      data: { query: 'can i keep my number when moving to mars', confidence: 0.1 },
    });
  }
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('weekly content digest', () => {
  it('computes ISO weeks and picks the majority locale', () => {
    expect(isoWeek(MONDAY)).toBe('2030-W02');
    expect(isoWeek(SUNDAY)).toBe('2030-W02');
    expect(isoWeek(NEXT_WEEK)).toBe('2030-W03');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(
      digestLocale(
        new Map([
          ['en', 2],
          ['fr', 1],
        ]),
      ),
    ).toBe('en');
    expect(
      digestLocale(
        new Map([
          ['en', 1],
          ['fr', 1],
        ]),
      ),
    ).toBe('fr');
  });

  it('sends nothing while the digest is off, and "send now" is refused', async () => {
    expect((await sendWeeklyDigest(t.app.db, { now: MONDAY })).status).toBe('disabled');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/digest/send',
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(409);
    await t.app.outbox.drain();
    expect(await digestRows()).toEqual([]);
    expect(smtp.mails).toEqual([]);
  });

  it("e-mails each owner their own articles through the outbox, in their articles' language", async () => {
    await setDigest(true);
    const run = await sendWeeklyDigest(t.app.db, { now: MONDAY });
    expect(run.status).toBe('sent');
    expect(new Set(run.ownerIds)).toEqual(new Set([fr.id, en.id]));
    await t.app.outbox.drain();

    const [toFr] = mailsTo(fr.email);
    expect(mailsTo(fr.email)).toHaveLength(1);
    expect(toFr).toMatch(/Message-ID: <digest-2030-W02-/);
    expect(toFr).toContain('Bonjour editor');
    expect(toFr).toContain('2 article(s) à revoir');
    expect(toFr).toContain('- Résilier mon abonnement (fr): jamais consulté');
    expect(toFr).toContain('- Télécharger ma facture (fr)');
    expect(toFr).not.toContain('roaming');
    expect(toFr).not.toContain('mars'); // an English gap is not theirs

    const [toEn] = mailsTo(en.email);
    expect(mailsTo(en.email)).toHaveLength(1);
    expect(toEn).toContain('Hello editor');
    expect(toEn).toContain('3 article(s) to review');
    expect(toEn).toContain('- Turn on roaming abroad (en): not viewed');
    expect(toEn).toContain('- Replace a lost SIM card (en)');
    expect(toEn).toContain('- Activer l’itinérance (fr)');
    expect(toEn).toContain('"can i keep my number when moving to mars" × 2');
    expect(toEn).not.toContain('Résilier');

    // Outbox rows, audit-free logs: owner ids, never addresses.
    const rows = await digestRows();
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(JSON.stringify(rows)).not.toContain('@');
    expect(t.logs.text).toContain('outbox: delivered');
    expect(t.logs.text).not.toContain(fr.email);
    expect(t.logs.text).not.toContain(en.email);
  });

  it('sends nothing on a second run in the same week, and again the next week', async () => {
    const before = smtp.mails.length;
    expect((await sendWeeklyDigest(t.app.db, { now: MONDAY })).status).toBe('already_sent');
    expect((await sendWeeklyDigest(t.app.db, { now: SUNDAY })).status).toBe('already_sent');
    await t.app.outbox.drain();
    expect(smtp.mails.length).toBe(before);
    expect(await digestRows()).toHaveLength(2);

    expect((await sendWeeklyDigest(t.app.db, { now: NEXT_WEEK })).status).toBe('sent');
    await t.app.outbox.drain();
    expect(smtp.mails.length).toBe(before + 2);
  });

  it('concurrent runs in the same week queue one digest per owner', async () => {
    const later = new Date('2030-01-21T08:00:00Z');
    const runs = await Promise.all([1, 2, 3].map(() => sendWeeklyDigest(t.app.db, { now: later })));
    expect(runs.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(await digestRows()).toHaveLength(6);
    await t.app.outbox.drain();
  });

  it('lets an admin send now (settings:manage only), with no address in the answer', async () => {
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/digest/send',
      headers: analyst.headers,
    });
    expect(denied.statusCode).toBe(403);
    const before = smtp.mails.length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/digest/send',
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(new Set(res.json().ownerIds)).toEqual(new Set([fr.id, en.id]));
    expect(res.body).not.toContain('@');
    await t.app.outbox.drain();
    expect(smtp.mails.length).toBe(before + 2);
  });

  it('turned off again, the weekly run sends nothing', async () => {
    await setDigest(false);
    const before = smtp.mails.length;
    expect((await sendWeeklyDigest(t.app.db, { now: new Date('2030-02-04T08:00:00Z') })).status).toBe(
      'disabled',
    );
    await t.app.outbox.drain();
    expect(smtp.mails.length).toBe(before);
  });
});
