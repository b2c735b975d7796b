import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { NotFoundError, ValidationError } from '../../server/errors.ts';
import { createArticle, findArticle, updateArticle } from '../kb/service.ts';
import type { SearchBackend } from '../search/service.ts';
import { clusterGapsCooperatively, type GapCluster, type Suggestion, suggestAnswer } from './gaps.ts';
import * as repo from './repository.ts';

/**
 * Content intelligence: gaps (what customers ask that Relais cannot answer), their one-click fixes
 * through the knowledge base's service, stale content and the weekly digest.
 */

export interface Gap extends GapCluster {
  suggestion: (Suggestion & { title: string }) | null;
}

/** This node's search index and cards (the search module's `backendOf(app)`). */
export type GapMatcher = Pick<SearchBackend, 'index' | 'source'>;

const yieldToRequests = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Unanswered, low-confidence and "not helpful" queries of the period, clustered by meaning, each with
 * the closest existing answer from this node's search index (no engine is built for it). Cooperative:
 * it gives the event loop back while it works, so requests in flight are never held up behind it.
 */
export async function listContentGaps(
  db: DbOrTx,
  search: GapMatcher,
  f: repo.Filters,
  limit = 50,
): Promise<Gap[]> {
  const queries = await repo.gapQueries(db, f);
  const clusters = (await clusterGapsCooperatively(queries)).slice(0, limit);
  if (!clusters.length) return [];
  const suggestions: Array<Suggestion | null> = [];
  for (const c of clusters) {
    suggestions.push(await suggestAnswer(search.index, c));
    await yieldToRequests();
  }
  const ids = [...new Set(suggestions.flatMap((s) => (s ? [s.articleId] : [])))];
  const titles = new Map((await search.source.cards(ids, 'internal')).map((c) => [c.id, c.title]));
  return clusters.map((c, i) => {
    const s = suggestions[i];
    return { ...c, suggestion: s ? { ...s, title: titles.get(s.articleId) ?? '' } : null };
  });
}

const cleanQueries = (queries: string[]) => [
  ...new Set(queries.map((q) => q.trim().replace(/\s+/g, ' ')).filter((q) => q && !q.includes('['))),
];

/**
 * One-click fix: the gap's queries become formulations of an existing answer (a new version; the
 * search index picks it up through kb's change notification). Masked queries (`[email]`…) are skipped.
 */
export async function addGapFormulations(db: Db, actor: Actor, articleId: string, queries: string[]) {
  const article = await findArticle(db, articleId).catch(() => {
    throw new NotFoundError('Article');
  });
  const known = new Set(article.formulations.map((f) => f.toLowerCase()));
  const added = cleanQueries(queries).filter((q) => !known.has(q.toLowerCase()));
  if (!added.length) throw new ValidationError('These queries are already formulations.', 'queries');
  const updated = await updateArticle(
    db,
    actor,
    articleId,
    { formulations: [...article.formulations, ...added] },
    `Content gap: ${added.length} formulation(s) added from analytics`,
  );
  return { article: updated, added };
}

/** One-click fix: a draft answer whose formulations are the gap's queries, for an editor to write. */
export async function draftArticleFromGap(
  db: Db,
  actor: Actor,
  input: { locale: string; title: string; queries: string[] },
) {
  const formulations = cleanQueries(input.queries);
  const slug = `${input.title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)}-${Date.now().toString(36)}`;
  return createArticle(db, actor, {
    locale: input.locale,
    slug,
    title: input.title,
    shortAnswer: input.locale === 'fr' ? 'Réponse à rédiger.' : 'Answer to be written.',
    formulations,
    note: 'Drafted from a content gap in analytics',
  });
}

export interface StaleArticle {
  articleId: string;
  title: string;
  locale: string;
  ownerId: string | null;
  ownerName: string | null;
  reviewBy: string | null;
  views: number;
  helpfulness: number | null;
  reasons: Array<'review_overdue' | 'unhelpful' | 'not_viewed'>;
}

const DAY = 86_400_000;
export const STALE_MIN_VOTES = 5;
export const STALE_UNVIEWED_DAYS = 90;

export async function listStaleContent(db: DbOrTx, now = new Date()) {
  const today = now.toISOString().slice(0, 10);
  const since = new Date(now.getTime() - STALE_UNVIEWED_DAYS * DAY).toISOString().slice(0, 10);
  const r = await repo.staleArticles(db, today, since, STALE_MIN_VOTES);
  return r.map((a) => {
    const votes = a.helpfulYes + a.helpfulNo;
    const reasons: StaleArticle['reasons'] = [];
    if (a.reviewBy && a.reviewBy < today) reasons.push('review_overdue');
    if (votes >= STALE_MIN_VOTES && a.helpfulYes * 2 < votes) reasons.push('unhelpful');
    if (a.views === 0) reasons.push('not_viewed');
    return {
      article: {
        articleId: a.id,
        title: a.title,
        locale: a.locale,
        ownerId: a.ownerId,
        ownerName: a.ownerName,
        reviewBy: a.reviewBy,
        views: a.views,
        helpfulness: votes ? a.helpfulYes / votes : null,
        reasons,
      } satisfies StaleArticle,
      ownerEmail: a.ownerEmail,
    };
  });
}
