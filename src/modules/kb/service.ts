/**
 * The knowledge base's public façade: what routes, the help centre and other modules use. Each
 * concern lives in its own file; helpers they share inside kb are not re-exported here.
 */
export {
  type ArticleContent,
  countArticles,
  createArticle,
  deleteArticle,
  findArticle,
  listArticleSummaries,
  listArticles,
  listTranslations,
  type NewArticleInput,
  readArticle,
  reorderArticles,
  type Transition,
  transitionArticle,
  updateArticle,
} from './articles.ts';
export {
  CATEGORY_CHANNEL,
  type CategoryInput,
  createCategory,
  createSection,
  deleteCategory,
  deleteSection,
  findCategory,
  findCategoryBySlug,
  findCategoryRedirect,
  findSection,
  listCategories,
  listSections,
  reorderCategories,
  reorderSections,
  updateCategory,
  updateSection,
} from './categories.ts';
export { listFeedback, recordFeedback } from './feedback.ts';
export { type ImportBundle, importContent } from './import.ts';
export {
  addViews,
  articleIdsByKey,
  articlePath,
  categoryPath,
  type DisplayArticle,
  findArticlesForDisplay,
  findPublicArticleBySlug,
  findSegmentArticleBySlug,
  isKnowledgeBaseEmpty,
  listIndexableArticles,
  listSegmentArticles,
} from './published.ts';
export type {
  ArticleQuery,
  ArticleRow,
  ArticleSummary,
  Audience,
  CategoryWithTranslations,
  SectionRow,
  VersionRow,
} from './repository.ts';
export { diffVersions, findVersion, listVersions, restoreVersion } from './versions.ts';
