import type { ArticleRow, CategoryWithTranslations, SectionRow, VersionRow } from './service.ts';
import { articlePath } from './service.ts';

/** An article for `audience`: the public never gets formulations, visibility, owners or counters. */
export function presentArticle(a: ArticleRow, audience: 'internal'): ReturnType<typeof presentStaffArticle>;
export function presentArticle(
  a: ArticleRow,
  audience: 'public' | 'internal',
): ReturnType<typeof presentPublicArticle>;
export function presentArticle(a: ArticleRow, audience: 'public' | 'internal') {
  return audience === 'public' ? presentPublicArticle(a) : presentStaffArticle(a);
}

function presentPublicArticle(a: ArticleRow) {
  return {
    id: a.id,
    translationGroup: a.translationGroup,
    locale: a.locale,
    slug: a.slug,
    url: articlePath(a),
    title: a.title,
    shortAnswer: a.shortAnswer,
    body: a.body,
    tags: a.tags,
    categoryId: a.categoryId,
    sectionId: a.sectionId,
    position: a.position,
    publishedAt: a.publishedAt,
    updatedAt: a.updatedAt,
  };
}

function presentStaffArticle(a: ArticleRow) {
  return {
    ...presentPublicArticle(a),
    key: a.key,
    formulations: a.formulations,
    visibility: a.visibility,
    segments: a.segments,
    status: a.status,
    ownerId: a.ownerId,
    reviewBy: a.reviewBy,
    version: a.version,
    createdAt: a.createdAt,
    createdBy: a.createdBy,
    updatedBy: a.updatedBy,
    submittedAt: a.submittedAt,
    submittedBy: a.submittedBy,
    publishedBy: a.publishedBy,
    archivedAt: a.archivedAt,
    archivedBy: a.archivedBy,
    views: a.views,
    helpfulYes: a.helpfulYes,
    helpfulNo: a.helpfulNo,
  };
}

export function presentCategory(c: CategoryWithTranslations) {
  return {
    id: c.id,
    key: c.key,
    icon: c.icon,
    position: c.position,
    translations: Object.fromEntries(
      Object.entries(c.translations).map(([l, t]) => [
        l,
        { slug: t.slug, title: t.title, description: t.description },
      ]),
    ),
  };
}

export const presentSection = (s: SectionRow) => ({
  id: s.id,
  categoryId: s.categoryId,
  position: s.position,
  titles: s.titles,
});

export const presentVersion = (v: VersionRow) => ({
  version: v.version,
  note: v.note,
  createdAt: v.createdAt,
  createdBy: v.createdBy,
  snapshot: v.snapshot,
});
