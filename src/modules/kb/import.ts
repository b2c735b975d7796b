import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { ArticleStatus } from '../../db/schema.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { announceContentChange } from '../search/changes.ts';
import { listLocales } from '../settings/service.ts';
import { type ArticleContent, by, checkConsistency, emptyContent, snapshotOf } from './articles.ts';
import { checkCategorySlugs } from './categories.ts';
import * as repo from './repository.ts';

// Bulk import (demo content, future Markdown/CSV imports).

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
        ...emptyContent(),
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
