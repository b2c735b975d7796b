import { randomUUID } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { ArticleStatus, Visibility } from '../../db/schema.ts';
import type { EngineDocument } from '../../engine/types.ts';
import { type Actor, actorRef, authorize } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { type Channel, recordEvent } from '../events/service.ts';
import { announceContentChange } from '../search/changes.ts';
import { listLocales } from '../settings/service.ts';
import { articleRules } from './policies.ts';
import * as repo from './repository.ts';

export type {
  ArticleQuery,
  ArticleRow,
  ArticleSummary,
  Audience,
  CategoryWithTranslations,
  SectionRow,
  VersionRow,
} from './repository.ts';

async function assertLocale(db: DbOrTx, locale: string, field = 'locale') {
  const locales = await listLocales(db);
  if (!locales.includes(locale)) {
    throw new ValidationError(
      `Unknown locale '${locale}': configured locales are ${locales.join(', ')}.`,
      field,
    );
  }
}

const by = (actor: Actor) => {
  const ref = actorRef(actor);
  return ref.actorId ? `${ref.actorType}:${ref.actorId}` : 'system';
};

// ── categories and sections ──

export interface CategoryInput {
  key?: string | undefined;
  icon?: string | null | undefined;
  translations: Record<string, { slug: string; title: string; description?: string | undefined }>;
}

export const listCategories = (db: DbOrTx) => repo.listCategories(db);

export async function findCategory(db: DbOrTx, id: string) {
  const c = await repo.findCategory(db, id);
  if (!c) throw new NotFoundError('Category');
  return c;
}

export const findCategoryBySlug = (db: DbOrTx, locale: string, slug: string) =>
  repo.findCategoryBySlug(db, locale, slug);

/** The category an old slug of `locale` redirects to (its slug was changed), if any. */
export const findCategoryRedirect = (db: DbOrTx, locale: string, slug: string) =>
  repo.findCategoryRedirect(db, locale, slug);

async function checkCategorySlugs(tx: DbOrTx, id: string | null, input: CategoryInput['translations']) {
  for (const [locale, t] of Object.entries(input)) {
    await assertLocale(tx, locale, `translations.${locale}`);
    const owner = await repo.findCategorySlugOwner(tx, locale, t.slug);
    if (owner && owner !== id) {
      throw new ConflictError(
        `Slug '${t.slug}' is already used in ${locale}.`,
        `translations.${locale}.slug`,
      );
    }
  }
}

export async function createCategory(db: Db, actor: Actor, input: CategoryInput) {
  return db.transaction(async (tx) => {
    await checkCategorySlugs(tx, null, input.translations);
    const position = (await repo.listCategories(tx)).length;
    const row = await repo.insertCategory(tx, { key: input.key ?? null, icon: input.icon ?? null, position });
    await repo.replaceCategoryTranslations(tx, row.id, input.translations);
    await recordAudit(tx, actor, { action: 'category.created', subjectType: 'category', subjectId: row.id });
    return (await repo.findCategory(tx, row.id))!;
  });
}

export async function updateCategory(
  db: Db,
  actor: Actor,
  id: string,
  patch: Partial<CategoryInput>,
): Promise<repo.CategoryWithTranslations> {
  return db.transaction(async (tx) => {
    await findCategory(tx, id);
    if (patch.translations) {
      await checkCategorySlugs(tx, id, patch.translations);
      await repo.replaceCategoryTranslations(tx, id, patch.translations);
    }
    await repo.updateCategoryRow(tx, id, patch.icon !== undefined ? { icon: patch.icon } : {});
    await recordAudit(tx, actor, {
      action: 'category.updated',
      subjectType: 'category',
      subjectId: id,
      details: { fields: Object.keys(patch) },
    });
    return (await repo.findCategory(tx, id))!;
  });
}

export async function deleteCategory(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    await findCategory(tx, id);
    if ((await repo.countArticlesInCategory(tx, id)) > 0) {
      throw new ConflictError('Move or delete its articles first.', 'id');
    }
    await repo.deleteCategoryRow(tx, id);
    await recordAudit(tx, actor, { action: 'category.deleted', subjectType: 'category', subjectId: id });
  });
}

function sameSet(a: string[], b: string[]) {
  return a.length === b.length && new Set(a).size === a.length && a.every((x) => b.includes(x));
}

export async function reorderCategories(db: Db, actor: Actor, ids: string[]) {
  return db.transaction(async (tx) => {
    const all = (await repo.listCategories(tx)).map((c) => c.id);
    if (!sameSet(ids, all)) throw new ValidationError('List every category exactly once.', 'ids');
    await repo.setPositions(tx, 'category', ids);
    await recordAudit(tx, actor, { action: 'category.reordered', subjectType: 'category' });
    return repo.listCategories(tx);
  });
}

export const listSections = (db: DbOrTx, categoryId?: string) => repo.listSections(db, categoryId);

export async function findSection(db: DbOrTx, id: string) {
  const s = await repo.findSection(db, id);
  if (!s) throw new NotFoundError('Section');
  return s;
}

export async function createSection(
  db: Db,
  actor: Actor,
  categoryId: string,
  input: { titles: Record<string, string> },
) {
  return db.transaction(async (tx) => {
    await findCategory(tx, categoryId);
    const position = (await repo.listSections(tx, categoryId)).length;
    const row = await repo.insertSection(tx, { categoryId, titles: input.titles, position });
    await recordAudit(tx, actor, { action: 'section.created', subjectType: 'section', subjectId: row.id });
    return row;
  });
}

export async function updateSection(
  db: Db,
  actor: Actor,
  id: string,
  input: { titles: Record<string, string> },
) {
  return db.transaction(async (tx) => {
    await findSection(tx, id);
    const row = await repo.updateSectionRow(tx, id, { titles: input.titles });
    await recordAudit(tx, actor, { action: 'section.updated', subjectType: 'section', subjectId: id });
    return row!;
  });
}

export async function deleteSection(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    await findSection(tx, id);
    await repo.deleteSectionRow(tx, id);
    await recordAudit(tx, actor, { action: 'section.deleted', subjectType: 'section', subjectId: id });
  });
}

export async function reorderSections(db: Db, actor: Actor, categoryId: string, ids: string[]) {
  return db.transaction(async (tx) => {
    const all = (await repo.listSections(tx, categoryId)).map((s) => s.id);
    if (!sameSet(ids, all))
      throw new ValidationError('List every section of the category exactly once.', 'ids');
    await repo.setPositions(tx, 'section', ids);
    await recordAudit(tx, actor, {
      action: 'section.reordered',
      subjectType: 'category',
      subjectId: categoryId,
    });
    return repo.listSections(tx, categoryId);
  });
}

// ── articles ──

/** The fields an editor writes; every save of them makes a new version. */
export interface ArticleContent {
  slug: string;
  title: string;
  shortAnswer: string;
  body: string;
  formulations: string[];
  tags: string[];
  visibility: Visibility;
  segments: string[];
  categoryId: string | null;
  sectionId: string | null;
  ownerId: string | null;
  reviewBy: string | null;
}
const CONTENT_FIELDS = [
  'slug',
  'title',
  'shortAnswer',
  'body',
  'formulations',
  'tags',
  'visibility',
  'segments',
  'categoryId',
  'sectionId',
  'ownerId',
  'reviewBy',
] as const satisfies ReadonlyArray<keyof ArticleContent>;

export interface NewArticleInput extends Partial<ArticleContent> {
  locale: string;
  slug: string;
  title: string;
  shortAnswer: string;
  /** Links the new article as a translation of this one (same translation group). */
  translationOf?: string | undefined;
  key?: string | undefined;
  note?: string | undefined;
}

function snapshotOf(a: repo.ArticleRow): ArticleContent {
  return Object.fromEntries(CONTENT_FIELDS.map((f) => [f, a[f]])) as unknown as ArticleContent;
}

function checkConsistency(c: Pick<ArticleContent, 'visibility' | 'segments'>) {
  if (c.visibility === 'segment' && c.segments.length === 0) {
    throw new ValidationError("A 'segment' article needs at least one segment.", 'segments');
  }
}

async function checkPlacement(tx: DbOrTx, categoryId: string | null, sectionId: string | null) {
  if (categoryId && !(await repo.findCategory(tx, categoryId)))
    throw new ValidationError('Unknown category.', 'categoryId');
  if (sectionId) {
    const s = await repo.findSection(tx, sectionId);
    if (!s) throw new ValidationError('Unknown section.', 'sectionId');
    if (s.categoryId !== categoryId)
      throw new ValidationError('The section is not in this category.', 'sectionId');
  }
}

async function claimSlug(tx: DbOrTx, locale: string, slug: string, articleId: string | null) {
  const owner = await repo.findSlugOwner(tx, locale, slug);
  if (owner && owner !== articleId)
    throw new ConflictError(`Slug '${slug}' is already used in ${locale}.`, 'slug');
  await repo.dropRedirect(tx, locale, slug);
}

export async function findArticle(db: DbOrTx, id: string) {
  const a = await repo.findArticle(db, id);
  if (!a) throw new NotFoundError('Article');
  return a;
}

/** Reads one article as `actor` may: a hidden article is a 404, not a 403, to the public. */
export async function readArticle(db: DbOrTx, actor: Actor, id: string) {
  const a = await repo.findArticle(db, id);
  if (!a || !articleRules.read(actor, a)) throw new NotFoundError('Article');
  return a;
}

export const listArticles = (db: DbOrTx, q: repo.ArticleQuery) => repo.listArticles(db, q);
export const listArticleSummaries = (db: DbOrTx, q: repo.ArticleQuery) => repo.listArticleSummaries(db, q);
export const countArticles = (db: DbOrTx, q: repo.ArticleQuery) => repo.countArticles(db, q);

export async function createArticle(db: Db, actor: Actor, input: NewArticleInput) {
  return db.transaction(async (tx) => {
    await assertLocale(tx, input.locale);
    let group: string = randomUUID();
    let base: Partial<ArticleContent> = {};
    if (input.translationOf) {
      const source = await repo.findArticle(tx, input.translationOf);
      if (!source) throw new ValidationError('Unknown source article.', 'translationOf');
      const siblings = await repo.listArticles(tx, {
        audience: 'internal',
        translationGroup: source.translationGroup,
      });
      if (siblings.some((s) => s.locale === input.locale)) {
        throw new ConflictError(`This article already has a ${input.locale} translation.`, 'locale');
      }
      group = source.translationGroup;
      // A translation inherits placement and audience unless told otherwise.
      base = {
        categoryId: source.categoryId,
        sectionId: source.sectionId,
        visibility: source.visibility,
        segments: source.segments,
        tags: source.tags,
        ownerId: source.ownerId,
        reviewBy: source.reviewBy,
      };
    }
    const content: ArticleContent = {
      body: '',
      formulations: [],
      tags: [],
      visibility: 'public',
      segments: [],
      categoryId: null,
      sectionId: null,
      ownerId: actor.kind === 'user' ? actor.id : null,
      reviewBy: null,
      ...base,
      ...Object.fromEntries(
        Object.entries(input).filter(
          ([k, v]) => v !== undefined && (CONTENT_FIELDS as readonly string[]).includes(k),
        ),
      ),
    } as ArticleContent;
    checkConsistency(content);
    await checkPlacement(tx, content.categoryId, content.sectionId);
    await claimSlug(tx, input.locale, content.slug, null);
    const who = by(actor);
    const row = await repo.insertArticle(tx, {
      ...content,
      translationGroup: group,
      key: input.key ?? null,
      locale: input.locale,
      status: 'draft',
      version: 1,
      position: await repo.nextPosition(tx, content.categoryId),
      createdBy: who,
      updatedBy: who,
    });
    await repo.insertVersion(tx, {
      articleId: row.id,
      version: 1,
      snapshot: { ...snapshotOf(row) },
      note: input.note ?? null,
      createdBy: who,
    });
    await recordAudit(tx, actor, {
      action: 'article.created',
      subjectType: 'article',
      subjectId: row.id,
      details: { locale: row.locale, translationGroup: row.translationGroup },
    });
    await announceContentChange(tx, [row.id]);
    return row;
  });
}

/** Saves new content: bumps the version, snapshots it, keeps the old slug as a redirect. */
async function saveContent(
  tx: DbOrTx,
  actor: Actor,
  before: repo.ArticleRow,
  patch: Partial<ArticleContent>,
  note: string | null,
  action: string,
) {
  const next: ArticleContent = { ...snapshotOf(before), ...patch };
  checkConsistency(next);
  await checkPlacement(tx, next.categoryId, next.sectionId);
  if (next.slug !== before.slug) {
    await claimSlug(tx, before.locale, next.slug, before.id);
    await repo.addRedirect(tx, before.locale, before.slug, before.id);
  }
  const who = by(actor);
  const version = before.version + 1;
  const row = await repo.updateArticleRow(tx, before.id, {
    ...next,
    version,
    updatedAt: new Date(),
    updatedBy: who,
  });
  await repo.insertVersion(tx, {
    articleId: row.id,
    version,
    snapshot: { ...snapshotOf(row) },
    note,
    createdBy: who,
  });
  const fields = CONTENT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(row[f]));
  await recordAudit(tx, actor, {
    action,
    subjectType: 'article',
    subjectId: row.id,
    details: { version, fields },
  });
  await announceContentChange(tx, [row.id]);
  return row;
}

export async function updateArticle(
  db: Db,
  actor: Actor,
  id: string,
  patch: Partial<ArticleContent>,
  note?: string,
) {
  return db.transaction(async (tx) => {
    const before = await findArticle(tx, id);
    authorize(articleRules, actor, 'edit', before);
    return saveContent(tx, actor, before, patch, note ?? null, 'article.updated');
  });
}

export type Transition = 'submit' | 'publish' | 'reject' | 'archive' | 'unpublish';

/** From which statuses each transition may start, where it leads, and which rule it needs. */
const TRANSITIONS: Record<
  Transition,
  { from: ArticleStatus[]; to: ArticleStatus; rule: 'submit' | 'publish' }
> = {
  submit: { from: ['draft'], to: 'in_review', rule: 'submit' },
  publish: { from: ['draft', 'in_review', 'archived'], to: 'published', rule: 'publish' },
  reject: { from: ['in_review'], to: 'draft', rule: 'publish' },
  archive: { from: ['published'], to: 'archived', rule: 'publish' },
  unpublish: { from: ['published', 'archived'], to: 'draft', rule: 'publish' },
};

export async function transitionArticle(
  db: Db,
  actor: Actor,
  id: string,
  transition: Transition,
  note?: string,
) {
  return db.transaction(async (tx) => {
    const before = await findArticle(tx, id);
    const t = TRANSITIONS[transition];
    authorize(articleRules, actor, t.rule, before);
    if (!t.from.includes(before.status)) {
      throw new ConflictError(`Cannot ${transition} an article that is ${before.status}.`, 'status');
    }
    const now = new Date();
    const who = by(actor);
    const stamp =
      t.to === 'in_review'
        ? { submittedAt: now, submittedBy: who }
        : t.to === 'published'
          ? { publishedAt: now, publishedBy: who, archivedAt: null, archivedBy: null }
          : t.to === 'archived'
            ? { archivedAt: now, archivedBy: who }
            : {};
    const row = await repo.updateArticleRow(tx, id, { status: t.to, ...stamp });
    await recordAudit(tx, actor, {
      action: `article.${{ submit: 'submitted', publish: 'published', reject: 'rejected', archive: 'archived', unpublish: 'unpublished' }[transition]}`,
      subjectType: 'article',
      subjectId: id,
      details: { from: before.status, to: t.to, ...(note ? { hasNote: true } : {}) },
    });
    await announceContentChange(tx, [id]);
    return row;
  });
}

export async function deleteArticle(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await findArticle(tx, id);
    authorize(articleRules, actor, 'delete', before);
    await repo.deleteArticleRow(tx, id);
    await recordAudit(tx, actor, { action: 'article.deleted', subjectType: 'article', subjectId: id });
    await announceContentChange(tx, [id]);
  });
}

export async function reorderArticles(db: Db, actor: Actor, ids: string[]) {
  return db.transaction(async (tx) => {
    const rows = await repo.listArticles(tx, { audience: 'internal', ids });
    if (rows.length !== new Set(ids).size || rows.length !== ids.length) {
      throw new ValidationError('Unknown or repeated article id.', 'ids');
    }
    await repo.setPositions(tx, 'article', ids);
    await recordAudit(tx, actor, {
      action: 'article.reordered',
      subjectType: 'article',
      details: { count: ids.length },
    });
  });
}

export async function listTranslations(db: DbOrTx, article: repo.ArticleRow, audience: repo.Audience) {
  return repo.listArticles(db, { audience, translationGroup: article.translationGroup });
}

// ── versions ──

export const listVersions = (db: DbOrTx, articleId: string) => repo.listVersions(db, articleId);

export async function findVersion(db: DbOrTx, articleId: string, version: number) {
  const v = await repo.findVersion(db, articleId, version);
  if (!v) throw new NotFoundError('Version');
  return v;
}

function asText(value: unknown): string {
  if (Array.isArray(value)) return value.join('\n');
  if (value === null || value === undefined) return '';
  return String(value);
}

/** Field-by-field unified diffs between two versions of an article (only changed fields). */
export async function diffVersions(db: DbOrTx, articleId: string, from: number, to: number) {
  const [a, b] = [await findVersion(db, articleId, from), await findVersion(db, articleId, to)];
  const changes = CONTENT_FIELDS.flatMap((field) => {
    const [x, y] = [asText(a.snapshot[field]), asText(b.snapshot[field])];
    if (x === y) return [];
    const patch = createTwoFilesPatch(`v${from}/${field}`, `v${to}/${field}`, `${x}\n`, `${y}\n`, '', '', {
      context: 3,
    });
    return [{ field, before: x, after: y, patch }];
  });
  return { from, to, changes };
}

/** Restores an old version's content as a new version (history is never rewritten). */
export async function restoreVersion(db: Db, actor: Actor, articleId: string, version: number) {
  return db.transaction(async (tx) => {
    const before = await findArticle(tx, articleId);
    authorize(articleRules, actor, 'edit', before);
    const old = await findVersion(tx, articleId, version);
    const patch = Object.fromEntries(
      CONTENT_FIELDS.filter((f) => f in old.snapshot).map((f) => [f, old.snapshot[f]]),
    ) as Partial<ArticleContent>;
    return saveContent(tx, actor, before, patch, `Restored version ${version}`, 'article.restored');
  });
}

// ── feedback ──

export async function recordFeedback(
  db: Db,
  actor: Actor,
  articleId: string,
  helpful: boolean,
  comment: string | undefined,
  context: { channel: Channel; visitorId: string | null; sessionId: string | null },
) {
  return db.transaction(async (tx) => {
    const a = await repo.findArticle(tx, articleId);
    if (!a || !articleRules.feedback(actor, a)) throw new NotFoundError('Article');
    await repo.insertFeedback(tx, articleId, helpful, comment?.trim() || null);
    // The comment stays in article_feedback (it may hold personal data); analytics gets the vote.
    await recordEvent(tx, {
      type: 'feedback.given',
      ...context,
      locale: a.locale,
      subjectType: 'article',
      subjectId: articleId,
      data: { helpful },
    });
  });
}

export const listFeedback = (db: DbOrTx, articleId: string, limit = 100) =>
  repo.listFeedback(db, articleId, limit);

// ── what other modules and the help centre read ──

export async function findPublicArticleBySlug(db: DbOrTx, locale: string, slug: string) {
  const article = await repo.findArticleBySlug(db, locale, slug, 'public');
  if (article) return { article };
  const moved = await repo.findRedirect(db, locale, slug, 'public');
  return moved ? { redirectTo: moved } : {};
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
export async function findArticlesForDisplay(
  db: DbOrTx,
  ids: string[],
  locale?: string,
  audience: repo.Audience = 'public',
): Promise<DisplayArticle[]> {
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

// ── bulk import (demo content, future Markdown/CSV imports) ──

export interface ImportBundle {
  categories: Array<{
    key: string;
    icon?: string | undefined;
    translations: Record<string, { slug: string; title: string; description?: string | undefined }>;
  }>;
  articles: Array<
    Partial<Omit<ArticleContent, 'categoryId' | 'sectionId'>> & {
      /** Articles sharing a `group` are linked translations. */
      group: string;
      key?: string | undefined;
      categoryKey?: string | undefined;
      locale: string;
      slug: string;
      title: string;
      shortAnswer: string;
      status: ArticleStatus;
    }
  >;
}

/**
 * Writes a whole bundle in one transaction (version 1 of each article, one audit entry, one
 * announcement), far faster than article-by-article for hundreds of rows.
 */
export async function importContent(db: Db, actor: Actor, bundle: ImportBundle) {
  return db.transaction(async (tx) => {
    const categoryIds = new Map<string, string>();
    const position0 = (await repo.listCategories(tx)).length;
    for (const [i, c] of bundle.categories.entries()) {
      await checkCategorySlugs(tx, null, c.translations);
      const row = await repo.insertCategory(tx, {
        key: c.key,
        icon: c.icon ?? null,
        position: position0 + i,
      });
      await repo.replaceCategoryTranslations(tx, row.id, c.translations);
      categoryIds.set(c.key, row.id);
    }
    const groups = new Map<string, string>();
    const positions = new Map<string, number>();
    const who = by(actor);
    const now = new Date();
    const locales = await listLocales(tx);
    // Every slug already taken, read once: imports are hundreds of rows.
    const slugs = new Set((await repo.listSlugs(tx)).map((r) => `${r.locale}/${r.slug}`));
    const rows: repo.ArticleInsert[] = [];
    for (const a of bundle.articles) {
      if (!locales.includes(a.locale)) throw new ValidationError(`Unknown locale '${a.locale}'.`, 'locale');
      const slugKey = `${a.locale}/${a.slug}`;
      if (slugs.has(slugKey)) {
        throw new ConflictError(`Slug '${a.slug}' is already used in ${a.locale}.`, 'slug');
      }
      slugs.add(slugKey);
      const categoryId = a.categoryKey ? (categoryIds.get(a.categoryKey) ?? null) : null;
      const group = groups.get(a.group) ?? randomUUID();
      groups.set(a.group, group);
      const slot = `${categoryId}/${a.locale}`;
      const position = positions.get(slot) ?? 0;
      positions.set(slot, position + 1);
      const content: ArticleContent = {
        body: '',
        formulations: [],
        tags: [],
        visibility: 'public',
        segments: [],
        ownerId: null,
        reviewBy: null,
        ...a,
        categoryId,
        sectionId: null,
      };
      checkConsistency(content);
      const stamps =
        a.status === 'published' || a.status === 'archived'
          ? { publishedAt: now, publishedBy: who, submittedAt: now, submittedBy: who }
          : a.status === 'in_review'
            ? { submittedAt: now, submittedBy: who }
            : {};
      rows.push({
        ...snapshotOf(content as repo.ArticleRow),
        id: randomUUID(),
        translationGroup: group,
        key: a.key ?? null,
        locale: a.locale,
        status: a.status,
        position,
        createdBy: who,
        updatedBy: who,
        ...stamps,
      });
    }
    await repo.dropRedirects(
      tx,
      rows.map((r) => ({ locale: r.locale, slug: r.slug })),
    );
    const inserted = await repo.insertArticles(tx, rows);
    await repo.insertVersions(
      tx,
      inserted.map((row) => ({
        articleId: row.id,
        version: 1,
        snapshot: { ...snapshotOf(row) },
        note: 'Imported',
        createdBy: who,
      })),
    );
    const ids = inserted.map((r) => r.id);
    await recordAudit(tx, actor, {
      action: 'kb.imported',
      subjectType: 'knowledge_base',
      details: { categories: bundle.categories.length, articles: ids.length },
    });
    await announceContentChange(tx, ids);
    return { categories: categoryIds.size, articles: ids.length };
  });
}

export const articleIdsByKey = (db: DbOrTx) => repo.articleIdsByKey(db);
