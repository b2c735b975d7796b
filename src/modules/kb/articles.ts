import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { ArticleStatus, Visibility } from '../../db/schema.ts';
import { type Actor, actorRef, authorize } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { announceContentChange } from '../search/changes.ts';
import { assertLocale } from '../settings/service.ts';
import { articleRules } from './policies.ts';
import * as repo from './repository.ts';

// Articles: what an editor writes (every save is a version), slugs, placement and the lifecycle
// draft → in_review → published → archived.

/** Who a stamp names: `user:<id>`, `api_key:<id>` or `system`. */
export const by = (actor: Actor) => {
  const ref = actorRef(actor);
  return ref.actorId ? `${ref.actorType}:${ref.actorId}` : 'system';
};

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
export const CONTENT_FIELDS = [
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

/** What a new article holds where its author gave nothing (fresh arrays each time). */
export const emptyContent = (): Omit<ArticleContent, 'slug' | 'title' | 'shortAnswer'> => ({
  body: '',
  formulations: [],
  tags: [],
  visibility: 'public',
  segments: [],
  categoryId: null,
  sectionId: null,
  ownerId: null,
  reviewBy: null,
});

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

export function snapshotOf(a: repo.ArticleRow): ArticleContent {
  return Object.fromEntries(CONTENT_FIELDS.map((f) => [f, a[f]])) as unknown as ArticleContent;
}

export function checkConsistency(c: Pick<ArticleContent, 'visibility' | 'segments'>) {
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
      ...emptyContent(),
      ownerId: actor.kind === 'user' ? actor.id : null,
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
export async function saveContent(
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
