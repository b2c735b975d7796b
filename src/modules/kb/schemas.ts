import { z } from 'zod';
import { ARTICLE_STATUSES, VISIBILITIES } from '../../db/schema.ts';
import { Locale } from '../settings/schemas.ts';

export const Slug = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and dashes')
  .describe('URL segment: lower-case letters, digits and dashes.');
const ConfiguredLocale = Locale.describe('A configured locale (`locales` setting; default fr, en).');
export const Visibility = z
  .enum(VISIBILITIES)
  .describe('public; internal (staff only); segment (visitors holding one of `segments`).');
export const Status = z.enum(ARTICLE_STATUSES);
export const Segment = z
  .string()
  .regex(/^[a-z0-9_-]+=[a-z0-9_.-]+$/i, 'key=value, e.g. plan=pro')
  .max(80);
export const IdParams = z.strictObject({ id: z.uuid() });

const CategoryTranslation = z.strictObject({
  slug: Slug,
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(500).optional(),
});
export const CategoryBody = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .max(60)
    .optional(),
  icon: z.string().max(40).nullable().optional(),
  translations: z
    .record(ConfiguredLocale, CategoryTranslation)
    .describe('Title, slug and description per locale.'),
});
export const CategoryPatchBody = CategoryBody.omit({ key: true }).partial();
export const Category = z.object({
  id: z.uuid(),
  key: z.string().nullable(),
  icon: z.string().nullable(),
  position: z.number().int(),
  translations: z.record(
    z.string(),
    z.object({ slug: z.string(), title: z.string(), description: z.string() }),
  ),
});
export const OrderBody = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(5000).describe('Every id, in the new order.'),
});

export const SectionBody = z.strictObject({
  titles: z.record(ConfiguredLocale, z.string().trim().min(1).max(120)).describe('Title per locale.'),
});
export const Section = z.object({
  id: z.uuid(),
  categoryId: z.uuid(),
  position: z.number().int(),
  titles: z.record(z.string(), z.string()),
});

const ArticleFields = {
  slug: Slug,
  title: z.string().trim().min(1).max(200),
  shortAnswer: z.string().trim().min(1).max(800).describe('1–3 sentences that answer on their own.'),
  body: z.string().max(100_000).describe('Markdown.'),
  formulations: z
    .array(z.string().trim().min(1).max(300))
    .max(200)
    .describe('Ways customers ask the question; the matching engine learns from them.'),
  tags: z.array(z.string().trim().min(1).max(60)).max(50),
  visibility: Visibility,
  segments: z.array(Segment).max(50),
  categoryId: z.uuid().nullable(),
  sectionId: z.uuid().nullable(),
  ownerId: z.uuid().nullable().describe('Staff member responsible for the article.'),
  reviewBy: z.iso.date().nullable().describe('Date by which the content must be reviewed.'),
};

export const NewArticleBody = z.strictObject({
  locale: ConfiguredLocale,
  key: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .max(80)
    .optional(),
  translationOf: z.uuid().optional().describe('Create as a translation of this article.'),
  note: z.string().max(500).optional().describe('Version note.'),
  ...ArticleFields,
  body: ArticleFields.body.optional(),
  formulations: ArticleFields.formulations.optional(),
  tags: ArticleFields.tags.optional(),
  visibility: ArticleFields.visibility.optional(),
  segments: ArticleFields.segments.optional(),
  categoryId: ArticleFields.categoryId.optional(),
  sectionId: ArticleFields.sectionId.optional(),
  ownerId: ArticleFields.ownerId.optional(),
  reviewBy: ArticleFields.reviewBy.optional(),
});

export const TranslationBody = NewArticleBody.omit({ translationOf: true, key: true });

export const ArticlePatchBody = z
  .strictObject({ ...ArticleFields, note: z.string().max(500).optional() })
  .partial()
  .refine((p) => Object.keys(p).some((k) => k !== 'note'), { message: 'Nothing to change.' });

export const TransitionBody = z.strictObject({ note: z.string().max(500).optional() }).nullish();

export const ArticleListQuery = z.strictObject({
  locale: ConfiguredLocale.optional(),
  status: Status.optional().describe('Staff only; the public always gets published.'),
  visibility: Visibility.optional(),
  categoryId: z.uuid().optional(),
  sectionId: z.uuid().optional(),
  ownerId: z.uuid().optional(),
  reviewDue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().max(200).optional().describe('Substring of title, short answer or formulations.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** What the public sees of an article. */
export const PublicArticle = z.object({
  id: z.uuid(),
  translationGroup: z.uuid(),
  locale: z.string(),
  slug: z.string(),
  url: z.string().describe('Path of the help-centre page.'),
  title: z.string(),
  shortAnswer: z.string(),
  body: z.string().describe('Markdown.'),
  tags: z.array(z.string()),
  categoryId: z.uuid().nullable(),
  sectionId: z.uuid().nullable(),
  position: z.number().int(),
  publishedAt: z.date().nullable(),
  updatedAt: z.date(),
});

/** What staff see: everything but the raw counters' internals. */
export const StaffArticle = PublicArticle.extend({
  key: z.string().nullable(),
  formulations: z.array(z.string()),
  visibility: Visibility,
  segments: z.array(z.string()),
  status: Status,
  ownerId: z.uuid().nullable(),
  reviewBy: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  submittedAt: z.date().nullable(),
  submittedBy: z.string().nullable(),
  publishedBy: z.string().nullable(),
  archivedAt: z.date().nullable(),
  archivedBy: z.string().nullable(),
  views: z.number().int(),
  helpfulYes: z.number().int(),
  helpfulNo: z.number().int(),
});

/** Public and staff readers share one route: the response is the union, presenters pick the audience. */
export const AnyArticle = z.union([StaffArticle, PublicArticle]);

export const ArticleList = z.object({ items: z.array(AnyArticle), total: z.number().int() });

export const VersionParams = z.strictObject({ id: z.uuid(), version: z.coerce.number().int().min(1) });
export const Version = z.object({
  version: z.number().int(),
  note: z.string().nullable(),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  snapshot: z.record(z.string(), z.unknown()),
});
export const DiffQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});
export const Diff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(
    z.object({
      field: z.string(),
      before: z.string(),
      after: z.string(),
      patch: z.string().describe('Unified diff.'),
    }),
  ),
});

export const FeedbackBody = z.strictObject({
  helpful: z.boolean(),
  comment: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .describe('Optional free text; do not ask for personal data.'),
});
export const Feedback = z.object({
  id: z.number().int(),
  helpful: z.boolean(),
  comment: z.string().nullable(),
  createdAt: z.date(),
});

export const PreviewBody = z.strictObject({ markdown: z.string().max(100_000) });
