import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { notifyOnCommit } from '../../db/notify.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { assertLocale } from '../settings/service.ts';
import * as repo from './repository.ts';
import type { CategoryBody } from './schemas.ts';

// Categories (titles and slugs per locale, old slugs kept as redirects) and their sections.

/** A category as the console sends it (the body schema's type). */
export type CategoryInput = z.infer<typeof CategoryBody>;

export const listCategories = (db: DbOrTx) => repo.listCategories(db);

/** Channel on which category and section writes announce themselves (pages list them; the search index does not). */
export const CATEGORY_CHANNEL = 'relais_categories_changed';

/** Inside the write's transaction: every node's help centre re-reads its pages at commit. */
const announceCategoryChange = (tx: DbOrTx) => notifyOnCommit(tx, CATEGORY_CHANNEL, '{}');

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

export async function checkCategorySlugs(
  tx: DbOrTx,
  id: string | null,
  input: CategoryInput['translations'],
) {
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
    await announceCategoryChange(tx);
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
    await announceCategoryChange(tx);
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
    await announceCategoryChange(tx);
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
    await announceCategoryChange(tx);
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
    await announceCategoryChange(tx);
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
    await announceCategoryChange(tx);
    await recordAudit(tx, actor, { action: 'section.updated', subjectType: 'section', subjectId: id });
    return row!;
  });
}

export async function deleteSection(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    await findSection(tx, id);
    await repo.deleteSectionRow(tx, id);
    await announceCategoryChange(tx);
    await recordAudit(tx, actor, { action: 'section.deleted', subjectType: 'section', subjectId: id });
  });
}

export async function reorderSections(db: Db, actor: Actor, categoryId: string, ids: string[]) {
  return db.transaction(async (tx) => {
    const all = (await repo.listSections(tx, categoryId)).map((s) => s.id);
    if (!sameSet(ids, all))
      throw new ValidationError('List every section of the category exactly once.', 'ids');
    await repo.setPositions(tx, 'section', ids);
    await announceCategoryChange(tx);
    await recordAudit(tx, actor, {
      action: 'section.reordered',
      subjectType: 'category',
      subjectId: categoryId,
    });
    return repo.listSections(tx, categoryId);
  });
}
