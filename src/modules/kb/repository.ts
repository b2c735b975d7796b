import {
  and,
  arrayOverlaps,
  asc,
  count,
  desc,
  eq,
  ilike,
  inArray,
  isNotNull,
  isNull,
  max,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import {
  type ArticleStatus,
  articleFeedback,
  articleRedirects,
  articles,
  articleVersions,
  categories,
  categoryRedirects,
  categoryTranslations,
  sections,
  type Visibility,
} from '../../db/schema.ts';

export type ArticleRow = typeof articles.$inferSelect;
export type ArticleInsert = typeof articles.$inferInsert;
export type CategoryRow = typeof categories.$inferSelect;
export type CategoryTranslationRow = typeof categoryTranslations.$inferSelect;
export type SectionRow = typeof sections.$inferSelect;
export type VersionRow = typeof articleVersions.$inferSelect;

/** Who is reading: the public sees published public content only; staff see everything. */
export type Audience = 'public' | 'internal';

const publicOnly = and(eq(articles.status, 'published'), eq(articles.visibility, 'public'));

// ── categories and sections ──

export async function listCategories(db: DbOrTx) {
  const cats = await db
    .select()
    .from(categories)
    .orderBy(asc(categories.position), asc(categories.createdAt));
  const translations = await db.select().from(categoryTranslations);
  return cats.map((c) => ({
    ...c,
    translations: Object.fromEntries(
      translations.filter((t) => t.categoryId === c.id).map((t) => [t.locale, t]),
    ) as Record<string, CategoryTranslationRow>,
  }));
}
export type CategoryWithTranslations = Awaited<ReturnType<typeof listCategories>>[number];

export async function findCategory(db: DbOrTx, id: string) {
  return (await listCategories(db)).find((c) => c.id === id);
}

export async function findCategoryBySlug(db: DbOrTx, locale: string, slug: string) {
  const [t] = await db
    .select()
    .from(categoryTranslations)
    .where(and(eq(categoryTranslations.locale, locale), eq(categoryTranslations.slug, slug)))
    .limit(1);
  return t ? findCategory(db, t.categoryId) : undefined;
}

export async function insertCategory(db: DbOrTx, values: typeof categories.$inferInsert) {
  const [row] = await db.insert(categories).values(values).returning();
  return row!;
}

export async function updateCategoryRow(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof categories.$inferInsert>,
) {
  const [row] = await db
    .update(categories)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(categories.id, id))
    .returning();
  return row;
}

export async function replaceCategoryTranslations(
  db: DbOrTx,
  categoryId: string,
  translations: Record<string, { slug: string; title: string; description?: string | undefined }>,
) {
  const before = await db
    .select({ locale: categoryTranslations.locale, slug: categoryTranslations.slug })
    .from(categoryTranslations)
    .where(eq(categoryTranslations.categoryId, categoryId));
  await db.delete(categoryTranslations).where(eq(categoryTranslations.categoryId, categoryId));
  const rows = Object.entries(translations).map(([locale, t]) => ({
    categoryId,
    locale,
    slug: t.slug,
    title: t.title,
    description: t.description ?? '',
  }));
  if (rows.length) await db.insert(categoryTranslations).values(rows);
  // Live slugs win over redirects; a changed slug redirects to the category.
  for (const r of rows) {
    await db
      .delete(categoryRedirects)
      .where(and(eq(categoryRedirects.locale, r.locale), eq(categoryRedirects.oldSlug, r.slug)));
  }
  const moved = before.filter((b) => translations[b.locale] && translations[b.locale]!.slug !== b.slug);
  if (moved.length) {
    await db
      .insert(categoryRedirects)
      .values(moved.map((b) => ({ locale: b.locale, oldSlug: b.slug, categoryId })))
      .onConflictDoUpdate({
        target: [categoryRedirects.locale, categoryRedirects.oldSlug],
        set: { categoryId, createdAt: new Date() },
      });
  }
}

/** The category an old slug now redirects to, if any. */
export async function findCategoryRedirect(db: DbOrTx, locale: string, oldSlug: string) {
  const [r] = await db
    .select({ categoryId: categoryRedirects.categoryId })
    .from(categoryRedirects)
    .where(and(eq(categoryRedirects.locale, locale), eq(categoryRedirects.oldSlug, oldSlug)))
    .limit(1);
  return r ? findCategory(db, r.categoryId) : undefined;
}

export async function findCategorySlugOwner(db: DbOrTx, locale: string, slug: string) {
  const [row] = await db
    .select({ categoryId: categoryTranslations.categoryId })
    .from(categoryTranslations)
    .where(and(eq(categoryTranslations.locale, locale), eq(categoryTranslations.slug, slug)))
    .limit(1);
  return row?.categoryId;
}

export const deleteCategoryRow = (db: DbOrTx, id: string) =>
  db.delete(categories).where(eq(categories.id, id));

const ORDERED = { category: categories, section: sections, article: articles };

/** Sets `position` from the order of `ids`. */
export async function setPositions(db: DbOrTx, kind: keyof typeof ORDERED, ids: string[]) {
  const table = ORDERED[kind];
  for (const [i, id] of ids.entries()) {
    await db.update(table).set({ position: i }).where(eq(table.id, id));
  }
}

export const listSections = (db: DbOrTx, categoryId?: string) =>
  db
    .select()
    .from(sections)
    .where(categoryId ? eq(sections.categoryId, categoryId) : undefined)
    .orderBy(asc(sections.position), asc(sections.createdAt));

export async function findSection(db: DbOrTx, id: string) {
  const [row] = await db.select().from(sections).where(eq(sections.id, id)).limit(1);
  return row;
}

export async function insertSection(db: DbOrTx, values: typeof sections.$inferInsert) {
  const [row] = await db.insert(sections).values(values).returning();
  return row!;
}

export async function updateSectionRow(db: DbOrTx, id: string, patch: Partial<typeof sections.$inferInsert>) {
  const [row] = await db
    .update(sections)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(sections.id, id))
    .returning();
  return row;
}

export const deleteSectionRow = (db: DbOrTx, id: string) => db.delete(sections).where(eq(sections.id, id));

// ── articles ──

export async function findArticle(db: DbOrTx, id: string) {
  const [row] = await db.select().from(articles).where(eq(articles.id, id)).limit(1);
  return row;
}

export async function findArticleBySlug(db: DbOrTx, locale: string, slug: string, audience: Audience) {
  const [row] = await db
    .select()
    .from(articles)
    .where(
      and(
        eq(articles.locale, locale),
        eq(articles.slug, slug),
        audience === 'public' ? publicOnly : undefined,
      ),
    )
    .limit(1);
  return row;
}

/** The article an old slug now points to (for 301s), if it is still visible to `audience`. */
export async function findRedirect(db: DbOrTx, locale: string, oldSlug: string, audience: Audience) {
  const [row] = await db
    .select({ article: articles })
    .from(articleRedirects)
    .innerJoin(articles, eq(articles.id, articleRedirects.articleId))
    .where(
      and(
        eq(articleRedirects.locale, locale),
        eq(articleRedirects.oldSlug, oldSlug),
        audience === 'public' ? publicOnly : undefined,
      ),
    )
    .limit(1);
  return row?.article;
}

export async function findSlugOwner(db: DbOrTx, locale: string, slug: string) {
  const [row] = await db
    .select({ id: articles.id })
    .from(articles)
    .where(and(eq(articles.locale, locale), eq(articles.slug, slug)))
    .limit(1);
  return row?.id;
}

export const listSlugs = (db: DbOrTx) =>
  db.select({ locale: articles.locale, slug: articles.slug }).from(articles);

export async function addRedirect(db: DbOrTx, locale: string, oldSlug: string, articleId: string) {
  await db
    .insert(articleRedirects)
    .values({ locale, oldSlug, articleId })
    .onConflictDoUpdate({
      target: [articleRedirects.locale, articleRedirects.oldSlug],
      set: { articleId, createdAt: new Date() },
    });
}

/** A live slug wins over a redirect: drop any redirect using it. */
export const dropRedirect = (db: DbOrTx, locale: string, slug: string) =>
  db
    .delete(articleRedirects)
    .where(and(eq(articleRedirects.locale, locale), eq(articleRedirects.oldSlug, slug)));

/** Live slugs win over redirects: drops every redirect using one of these (locale, slug) pairs. */
export async function dropRedirects(db: DbOrTx, pairs: Array<{ locale: string; slug: string }>) {
  for (let i = 0; i < pairs.length; i += 500) {
    const values = pairs.slice(i, i + 500).map((p) => sql`(${p.locale}, ${p.slug})`);
    await db.execute(
      sql`DELETE FROM article_redirects WHERE (locale, old_slug) IN (VALUES ${sql.join(values, sql`, `)})`,
    );
  }
}

export interface ArticleQuery {
  audience: Audience;
  locale?: string | undefined;
  status?: ArticleStatus | undefined;
  visibility?: Visibility | undefined;
  categoryId?: string | undefined;
  sectionId?: string | undefined;
  translationGroup?: string | undefined;
  ownerId?: string | undefined;
  /** Review date passed (stale content). */
  reviewDue?: boolean | undefined;
  q?: string | undefined;
  ids?: string[] | undefined;
  /** Articles whose segments include one of these (customer personalisation). */
  segmentsAny?: string[] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  orderBy?: 'position' | 'updated' | 'popular' | undefined;
}

function whereOf(q: ArticleQuery): SQL | undefined {
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return and(
    q.audience === 'public' ? publicOnly : undefined,
    q.locale ? eq(articles.locale, q.locale) : undefined,
    q.status ? eq(articles.status, q.status) : undefined,
    q.visibility ? eq(articles.visibility, q.visibility) : undefined,
    q.categoryId ? eq(articles.categoryId, q.categoryId) : undefined,
    q.sectionId ? eq(articles.sectionId, q.sectionId) : undefined,
    q.translationGroup ? eq(articles.translationGroup, q.translationGroup) : undefined,
    q.ownerId ? eq(articles.ownerId, q.ownerId) : undefined,
    q.reviewDue ? sql`${articles.reviewBy} <= current_date` : undefined,
    q.ids ? (q.ids.length ? inArray(articles.id, q.ids) : sql`false`) : undefined,
    q.segmentsAny
      ? q.segmentsAny.length
        ? arrayOverlaps(articles.segments, q.segmentsAny)
        : sql`false`
      : undefined,
    like
      ? or(
          ilike(articles.title, like),
          ilike(articles.shortAnswer, like),
          sql`array_to_string(${articles.formulations}, ' ') ILIKE ${like}`,
        )
      : undefined,
  );
}

/** Articles visible to the query's audience, filtered in SQL. */
function orderOf(q: ArticleQuery) {
  return q.orderBy === 'updated'
    ? [desc(articles.updatedAt)]
    : q.orderBy === 'popular'
      ? [desc(articles.views), desc(articles.helpfulYes), asc(articles.position)]
      : [asc(articles.position), asc(articles.title)];
}

export async function listArticles(db: DbOrTx, q: ArticleQuery) {
  return db
    .select()
    .from(articles)
    .where(whereOf(q))
    .orderBy(...orderOf(q))
    .limit(q.limit ?? 1000)
    .offset(q.offset ?? 0);
}

/** The columns lists and navigation need: no bodies, no formulations. */
const SUMMARY = {
  id: articles.id,
  translationGroup: articles.translationGroup,
  locale: articles.locale,
  slug: articles.slug,
  title: articles.title,
  shortAnswer: articles.shortAnswer,
  categoryId: articles.categoryId,
  sectionId: articles.sectionId,
  position: articles.position,
  views: articles.views,
  updatedAt: articles.updatedAt,
};
export type ArticleSummary = Pick<ArticleRow, keyof typeof SUMMARY>;

/** Like listArticles, without the heavy columns (help-centre navigation, sitemap, llms.txt). */
export function listArticleSummaries(db: DbOrTx, q: ArticleQuery): Promise<ArticleSummary[]> {
  return db
    .select(SUMMARY)
    .from(articles)
    .where(whereOf(q))
    .orderBy(...orderOf(q))
    .limit(q.limit ?? 1000)
    .offset(q.offset ?? 0);
}

export async function countArticles(db: DbOrTx, q: ArticleQuery) {
  const [row] = await db.select({ n: count() }).from(articles).where(whereOf(q));
  return row?.n ?? 0;
}

export async function insertArticle(db: DbOrTx, values: ArticleInsert) {
  const [row] = await db.insert(articles).values(values).returning();
  return row!;
}

/** Bulk insert (imports), in chunks to stay under the bind-parameter limit. */
export async function insertArticles(db: DbOrTx, values: ArticleInsert[]) {
  const out: ArticleRow[] = [];
  for (let i = 0; i < values.length; i += 200) {
    out.push(
      ...(await db
        .insert(articles)
        .values(values.slice(i, i + 200))
        .returning()),
    );
  }
  return out;
}

export async function updateArticleRow(db: DbOrTx, id: string, patch: Partial<ArticleInsert>) {
  const [row] = await db.update(articles).set(patch).where(eq(articles.id, id)).returning();
  return row!;
}

export const deleteArticleRow = (db: DbOrTx, id: string) => db.delete(articles).where(eq(articles.id, id));

export async function nextPosition(db: DbOrTx, categoryId: string | null) {
  const [row] = await db
    .select({ p: max(articles.position) })
    .from(articles)
    .where(categoryId ? eq(articles.categoryId, categoryId) : isNull(articles.categoryId));
  return (row?.p ?? -1) + 1;
}

export const countArticlesInCategory = async (db: DbOrTx, categoryId: string) =>
  (await db.select({ n: count() }).from(articles).where(eq(articles.categoryId, categoryId)))[0]?.n ?? 0;

export const countAllArticles = async (db: DbOrTx) =>
  (await db.select({ n: count() }).from(articles))[0]?.n ?? 0;

/** Adds buffered page views, one statement for the whole batch. */
export async function addViews(db: DbOrTx, counts: Map<string, number>) {
  if (!counts.size) return;
  const rows = [...counts].map(([id, n]) => sql`(${id}::uuid, ${n}::int)`);
  await db.execute(
    sql`UPDATE articles SET views = articles.views + v.n FROM (VALUES ${sql.join(rows, sql`, `)}) AS v(id, n) WHERE articles.id = v.id`,
  );
}

export const maxViews = async (db: DbOrTx) =>
  (
    await db
      .select({ m: max(articles.views) })
      .from(articles)
      .where(eq(articles.status, 'published'))
  )[0]?.m ?? 0;

// ── versions ──

export const insertVersion = (db: DbOrTx, values: typeof articleVersions.$inferInsert) =>
  db.insert(articleVersions).values(values);

export async function insertVersions(db: DbOrTx, values: Array<typeof articleVersions.$inferInsert>) {
  for (let i = 0; i < values.length; i += 500)
    await db.insert(articleVersions).values(values.slice(i, i + 500));
}

export const listVersions = (db: DbOrTx, articleId: string) =>
  db
    .select()
    .from(articleVersions)
    .where(eq(articleVersions.articleId, articleId))
    .orderBy(desc(articleVersions.version));

export async function findVersion(db: DbOrTx, articleId: string, version: number) {
  const [row] = await db
    .select()
    .from(articleVersions)
    .where(and(eq(articleVersions.articleId, articleId), eq(articleVersions.version, version)))
    .limit(1);
  return row;
}

// ── feedback ──

export async function insertFeedback(
  db: DbOrTx,
  articleId: string,
  helpful: boolean,
  comment: string | null,
) {
  await db.insert(articleFeedback).values({ articleId, helpful, comment });
  await db
    .update(articles)
    .set(
      helpful
        ? { helpfulYes: sql`${articles.helpfulYes} + 1` }
        : { helpfulNo: sql`${articles.helpfulNo} + 1` },
    )
    .where(eq(articles.id, articleId));
}

export const listFeedback = (db: DbOrTx, articleId: string, limit: number) =>
  db
    .select()
    .from(articleFeedback)
    .where(eq(articleFeedback.articleId, articleId))
    .orderBy(desc(articleFeedback.id))
    .limit(limit);

/** `key.locale` → id for articles imported with a stable key (demo content, imports). */
export async function articleIdsByKey(db: DbOrTx): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: articles.id, key: articles.key, locale: articles.locale })
    .from(articles)
    .where(isNotNull(articles.key));
  return new Map(rows.map((r) => [`${r.key}.${r.locale}`, r.id]));
}
