import type { DbOrTx } from '../../db/client.ts';
import type { EngineDocument } from '../../engine/types.ts';
import * as repo from './repository.ts';

// What other modules and the help centre read: published articles, result cards, paths, page views.

export async function findPublicArticleBySlug(db: DbOrTx, locale: string, slug: string) {
  const article = await repo.findArticleBySlug(db, locale, slug, 'public');
  if (article) return { article };
  const moved = await repo.findRedirect(db, locale, slug, 'public');
  return moved ? { redirectTo: moved } : {};
}

/**
 * A published `segment` article by slug, only for a reader whose (verified) segments include one of
 * its segments — the signed-in customer's plan in the help centre. Undefined otherwise, like a 404.
 */
export async function findSegmentArticleBySlug(db: DbOrTx, locale: string, slug: string, segments: string[]) {
  if (!segments.length) return undefined;
  const a = await repo.findArticleBySlug(db, locale, slug, 'internal');
  const held = new Set(segments);
  return a?.status === 'published' && a.visibility === 'segment' && a.segments.some((s) => held.has(s))
    ? a
    : undefined;
}

/** Published segment articles these segments grant, most viewed first ("Recommandé pour vous"). */
export function listSegmentArticles(db: DbOrTx, locale: string, segments: string[], limit = 6) {
  if (!segments.length) return Promise.resolve([]);
  return repo.listArticleSummaries(db, {
    audience: 'internal',
    status: 'published',
    visibility: 'segment',
    segmentsAny: segments,
    locale,
    orderBy: 'popular',
    limit,
  });
}

/** Adds page views counted in memory since the last flush (see web/routes.ts). */
export const addViews = (db: DbOrTx, counts: Map<string, number>) => repo.addViews(db, counts);

/**
 * Published articles as the matching engine indexes them (all visibilities: the engine filters by
 * audience). With `ids`, only those still published: an id absent from the result must be removed.
 */
export async function listIndexableArticles(db: DbOrTx, ids?: string[]): Promise<EngineDocument[]> {
  const rows = await repo.listArticles(db, {
    audience: 'internal',
    status: 'published',
    ids,
    limit: 100_000,
  });
  const top = await repo.maxViews(db);
  return rows.map((a) => {
    const votes = a.helpfulYes + a.helpfulNo;
    return {
      id: a.id,
      locale: a.locale,
      title: a.title,
      shortAnswer: a.shortAnswer,
      body: a.body,
      formulations: a.formulations,
      tags: a.tags,
      visibility: a.visibility,
      ...(a.visibility === 'segment' ? { segments: a.segments } : {}),
      // Priors only where there is data: an absent prior is neutral for the engine.
      // Log-scaled so a few very popular answers do not flatten everything else.
      ...(top > 0 ? { popularity: Math.log1p(a.views) / Math.log1p(top) } : {}),
      // Laplace-smoothed share of "helpful".
      ...(votes > 0 ? { helpfulness: (a.helpfulYes + 1) / (votes + 2) } : {}),
    };
  });
}

export interface DisplayArticle {
  id: string;
  locale: string;
  slug: string;
  title: string;
  shortAnswer: string;
  /** Path of the article's help-centre page. */
  url: string;
}

/**
 * Articles ready to show in a result list, in the order of `ids`, limited to what `audience` may see
 * (ids that are not visible are dropped).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findArticlesForDisplay(
  db: DbOrTx,
  ids: string[],
  locale?: string,
  audience: repo.Audience = 'public',
): Promise<DisplayArticle[]> {
  // Ids handed over by other surfaces (a ticket's context, an API caller) may be anything: only
  // article ids (UUIDs) can name an article, and the database would refuse the others.
  ids = ids.filter((id) => UUID.test(id));
  if (!ids.length) return [];
  const rows = await repo.listArticles(db, { audience, status: 'published', ids, locale });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const a = byId.get(id);
    return a
      ? [
          {
            id: a.id,
            locale: a.locale,
            slug: a.slug,
            title: a.title,
            shortAnswer: a.shortAnswer,
            url: articlePath(a),
          },
        ]
      : [];
  });
}

export const articlePath = (a: { locale: string; slug: string }) =>
  `/${a.locale}/articles/${encodeURIComponent(a.slug)}`;
export const categoryPath = (locale: string, slug: string) =>
  `/${locale}/categories/${encodeURIComponent(slug)}`;

export const isKnowledgeBaseEmpty = async (db: DbOrTx) =>
  (await repo.countAllArticles(db)) === 0 && (await repo.listCategories(db)).length === 0;

export const articleIdsByKey = (db: DbOrTx) => repo.articleIdsByKey(db);
