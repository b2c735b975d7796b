import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { createEngine } from '../../engine/index.ts';
import type { Actor } from '../../server/access.ts';
import { recordAudit } from '../audit/service.ts';
import { listIndexableArticles } from '../kb/service.ts';
import { enqueue, type OutboxRenderer } from '../outbox/service.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';
import { findUser } from '../staff/service.ts';
import { listStaleContent, type StaleArticle } from './content.ts';
import { clusterGapsCooperatively, type GapCluster, suggestAnswer } from './gaps.ts';
import * as repo from './repository.ts';
import { refreshRollups } from './service.ts';
import { readAnalyticsSettings } from './settings.ts';

/**
 * The weekly content digest: one e-mail per article owner listing their stale articles (review date
 * passed, unhelpful, not viewed) and the week's top content gaps relevant to their articles. Queued in
 * the outbox (delivered by its worker through RELAIS_SMTP_URL), at most once per ISO week.
 */

const DAY = 86_400_000;
const DIGEST_LOCK = 7_261_011;
/** The digest's run state: the ISO week last sent, so every node sends each week's digest once. */
const DIGEST_STATE = defineSetting(
  'analytics_digest',
  z.object({ lastWeek: z.string().optional(), at: z.string().optional() }),
  {},
);
const TOP_GAPS = 5;
/** Gap clusters scored against the knowledge base to decide whose articles they concern. */
const GAPS_CONSIDERED = 50;

export type DigestLocale = 'fr' | 'en';

export interface Digest {
  ownerId: string;
  locale: DigestLocale;
  /** Where the mail goes (staff e-mail); never shown by the API nor stored in the outbox. */
  to: string;
  name: string;
  subject: string;
  /** Everything after the greeting. */
  body: string;
  /** Greeting + body, as received. */
  text: string;
}

/** `2025-W03`: the ISO-8601 week of `now` (UTC). */
export function isoWeek(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Majority locale of an owner's published articles; French on a tie or for no French/English. */
export function digestLocale(counts: Map<string, number>): DigestLocale {
  let fr = 0;
  let en = 0;
  for (const [locale, n] of counts) {
    if (locale.startsWith('en')) en += n;
    else if (locale.startsWith('fr')) fr += n;
  }
  return en > fr ? 'en' : 'fr';
}

const COPY = {
  fr: {
    hello: (name: string) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    subject: (week: string) => `Relais — vos contenus à revoir (semaine ${week})`,
    review: (n: number) => `${n} article(s) à revoir :`,
    reasons: {
      review_overdue: 'date de revue dépassée',
      unhelpful: 'peu utile',
      not_viewed: 'jamais consulté',
    },
    helpful: (p: number) => `${p} % utile`,
    gaps: (from: string, to: string) => `Questions sans réponse liées à vos articles (${from} → ${to}) :`,
    none: '- aucune',
    outro: 'Merci de les mettre à jour dans la console Relais.',
  },
  en: {
    hello: (name: string) => (name ? `Hello ${name},` : 'Hello,'),
    subject: (week: string) => `Relais — your content to review (week ${week})`,
    review: (n: number) => `${n} article(s) to review:`,
    reasons: { review_overdue: 'review date passed', unhelpful: 'low helpfulness', not_viewed: 'not viewed' },
    helpful: (p: number) => `${p}% helpful`,
    gaps: (from: string, to: string) => `Unanswered questions related to your articles (${from} → ${to}):`,
    none: '- none',
    outro: 'Please update them in the Relais console.',
  },
} as const;

/**
 * Builds this week's digests (nothing is sent). For each active owner with stale articles: the list,
 * and the top gaps of the last 7 days whose closest answer is one of their articles, or with no close
 * answer at all but in a locale they write in.
 */
export async function buildWeeklyDigest(db: DbOrTx, now = new Date()): Promise<Digest[]> {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 6 * DAY).toISOString().slice(0, 10);
  const week = isoWeek(now);
  const [stale, gapInput, owned] = await Promise.all([
    listStaleContent(db, now),
    repo.gapQueries(db, { from, to }, 2000),
    repo.ownedArticles(db),
  ]);
  const articleOwner = new Map(owned.map((a) => [a.id, a.ownerId]));
  const locales = new Map<string, Map<string, number>>();
  for (const a of owned) {
    const m = locales.get(a.ownerId) ?? new Map<string, number>();
    m.set(a.locale, (m.get(a.locale) ?? 0) + 1);
    locales.set(a.ownerId, m);
  }

  const byOwner = new Map<string, { email: string; name: string; items: StaleArticle[] }>();
  for (const s of stale) {
    const ownerId = s.article.ownerId;
    if (!ownerId || !s.ownerEmail || !locales.has(ownerId)) continue; // no owner, or owner inactive
    const o = byOwner.get(ownerId) ?? { email: s.ownerEmail, name: s.article.ownerName ?? '', items: [] };
    o.items.push(s.article);
    byOwner.set(ownerId, o);
  }
  if (!byOwner.size) return [];

  const clusters = (await clusterGapsCooperatively(gapInput)).slice(0, GAPS_CONSIDERED);
  const gaps: Array<GapCluster & { ownerId: string | null }> = [];
  if (clusters.length) {
    const engine = createEngine();
    engine.upsert(await listIndexableArticles(db));
    for (const c of clusters) {
      const s = engine.size ? await suggestAnswer(engine, c) : null;
      gaps.push({ ...c, ownerId: s ? (articleOwner.get(s.articleId) ?? null) : null });
    }
  }

  return [...byOwner].map(([ownerId, o]) => {
    const ownerLocales = locales.get(ownerId)!;
    const locale = digestLocale(ownerLocales);
    const t = COPY[locale];
    const relevant = gaps
      .filter((g) => g.ownerId === ownerId || (g.ownerId === null && ownerLocales.has(g.locale)))
      .slice(0, TOP_GAPS);
    const lines = [
      t.review(o.items.length),
      ...o.items.map((a) => {
        const why: string[] = a.reasons.map((r) => t.reasons[r]);
        if (a.helpfulness !== null) why.push(t.helpful(Math.round(a.helpfulness * 100)));
        return `- ${a.title} (${a.locale}): ${why.join(', ')}`;
      }),
      '',
      t.gaps(from, to),
      ...(relevant.length ? relevant.map((g) => `- "${g.label}" × ${g.volume}`) : [t.none]),
      '',
      t.outro,
    ];
    const body = lines.join('\n');
    return {
      ownerId,
      locale,
      to: o.email,
      name: o.name,
      subject: t.subject(week),
      body,
      text: `${t.hello(o.name)}\n\n${body}\n`,
    };
  });
}

export type DigestRun =
  | { status: 'disabled' | 'busy' | 'already_sent'; week: string; ownerIds: [] }
  | { status: 'sent'; week: string; ownerIds: string[] };

/**
 * Queues this week's digests in the outbox. Several nodes may call it: an advisory lock lets one
 * work, and the week high-water mark (settings `analytics_digest`) makes the scheduled run send once
 * per ISO week. `force` (the admin's "send now") sends even if this week's digest already went, and
 * still marks the week as done. Outbox payloads hold the owner id and the text, not the address:
 * `digestDeliveries` reads the staff member's e-mail at delivery time.
 */
export async function sendWeeklyDigest(
  db: Db,
  opts: { now?: Date; force?: boolean; actor?: Actor } = {},
): Promise<DigestRun> {
  const now = opts.now ?? new Date();
  const week = isoWeek(now);
  if (!(await readAnalyticsSettings(db)).digestEnabled) return { status: 'disabled', week, ownerIds: [] };
  await refreshRollups(db, { maxBatches: 1 });
  return db.transaction(async (tx) => {
    if (!(await repo.tryTransactionLock(tx, DIGEST_LOCK)))
      return { status: 'busy', week, ownerIds: [] } as const;
    const state = await getSetting(tx, DIGEST_STATE);
    if (!opts.force && state?.lastWeek && state.lastWeek >= week) {
      return { status: 'already_sent', week, ownerIds: [] } as const;
    }
    const digests = await buildWeeklyDigest(tx, now);
    await enqueue(tx, {
      topic: 'analytics.digest',
      emails: digests.map((d) => ({
        payload: {
          template: 'content_digest',
          ownerId: d.ownerId,
          week,
          locale: d.locale,
          subject: d.subject,
          body: d.body,
        },
        idempotencyKey: `digest-${week}-${d.ownerId}${opts.force ? `-${randomUUID()}` : ''}`,
      })),
    });
    await putSetting(tx, DIGEST_STATE, { lastWeek: week, at: now.toISOString() });
    const ownerIds = digests.map((d) => d.ownerId);
    if (opts.actor) {
      await recordAudit(tx, opts.actor, {
        action: 'analytics_digest.sent',
        subjectType: 'analytics_digest',
        subjectId: week,
        details: { ownerIds },
      });
    }
    return { status: 'sent', week, ownerIds };
  });
}

/** The outbox renderer of digests: the owner's address is read now, never stored in the row. */
export const digestDeliveries: OutboxRenderer = {
  emails: {
    content_digest: async (db, row) => {
      const p = row.payload as { ownerId: string; locale: DigestLocale; subject: string; body: string };
      const owner = await findUser(db, p.ownerId);
      if (!owner?.active) return { gone: 'owner gone or inactive' };
      return {
        to: owner.email,
        subject: p.subject,
        text: `${COPY[p.locale].hello(owner.name)}\n\n${p.body}\n`,
      };
    },
  },
};
