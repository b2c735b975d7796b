import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, can } from '../../server/access.ts';
import { requestIds } from '../events/service.ts';
import { renderMarkdown } from './markdown.ts';
import { articleRules } from './policies.ts';
import { presentArticle, presentCategory, presentSection, presentVersion } from './presenter.ts';
import {
  AnyArticle,
  ArticleList,
  ArticleListQuery,
  ArticlePatchBody,
  Category,
  CategoryBody,
  CategoryPatchBody,
  Diff,
  DiffQuery,
  Feedback,
  FeedbackBody,
  IdParams,
  NewArticleBody,
  OrderBody,
  PreviewBody,
  Section,
  SectionBody,
  StaffArticle,
  TransitionBody,
  TranslationBody,
  Version,
  VersionParams,
} from './schemas.ts';
import * as kb from './service.ts';

const tags = ['knowledge base'];
// Anonymous feedback is a public write: keep it cheap to accept and hard to flood.
const feedbackRateLimit = { max: 20, timeWindow: '1 minute' };

/**
 * Knowledge-base API. Reading routes are public and narrow to published public content for
 * visitors; staff holding content:read see drafts and internal articles. Writes need content:write,
 * lifecycle moves that change what is live need content:publish.
 */
const kbRoutes: FastifyPluginAsyncZod = async (app) => {
  const audienceOf = (actor: Parameters<typeof can>[0]) =>
    can(actor, 'content:read') ? ('internal' as const) : ('public' as const);

  // ── categories, sections ──

  app.get(
    '/api/v1/categories',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Categories in order, with their sections.',
        response: { 200: z.object({ items: z.array(Category.extend({ sections: z.array(Section) })) }) },
      },
    },
    async () => {
      const [cats, secs] = await Promise.all([kb.listCategories(app.db), kb.listSections(app.db)]);
      return {
        items: cats.map((c) => ({
          ...presentCategory(c),
          sections: secs.filter((s) => s.categoryId === c.id).map(presentSection),
        })),
      };
    },
  );

  app.post(
    '/api/v1/categories',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Create a category (appended last).',
        body: CategoryBody,
        response: { 201: Category },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentCategory(await kb.createCategory(app.db, req.actor, req.body))),
  );

  app.patch(
    '/api/v1/categories/:id',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Change a category (translations are replaced as a whole).',
        params: IdParams,
        body: CategoryPatchBody,
        response: { 200: Category },
      },
    },
    async (req) => presentCategory(await kb.updateCategory(app.db, req.actor, req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/categories/:id',
    {
      config: { access: 'content:write' },
      schema: { tags, summary: 'Delete an empty category.', params: IdParams, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await kb.deleteCategory(app.db, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/categories/order',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Reorder all categories.',
        body: OrderBody,
        response: { 200: z.object({ items: z.array(Category) }) },
      },
    },
    async (req) => ({
      items: (await kb.reorderCategories(app.db, req.actor, req.body.ids)).map(presentCategory),
    }),
  );

  app.post(
    '/api/v1/categories/:id/sections',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Add a section to a category (appended last).',
        params: IdParams,
        body: SectionBody,
        response: { 201: Section },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(presentSection(await kb.createSection(app.db, req.actor, req.params.id, req.body))),
  );

  app.put(
    '/api/v1/categories/:id/sections/order',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: "Reorder a category's sections.",
        params: IdParams,
        body: OrderBody,
        response: { 200: z.object({ items: z.array(Section) }) },
      },
    },
    async (req) => ({
      items: (await kb.reorderSections(app.db, req.actor, req.params.id, req.body.ids)).map(presentSection),
    }),
  );

  app.patch(
    '/api/v1/sections/:id',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Rename a section.',
        params: IdParams,
        body: SectionBody,
        response: { 200: Section },
      },
    },
    async (req) => presentSection(await kb.updateSection(app.db, req.actor, req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/sections/:id',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Delete a section (its articles stay in the category).',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await kb.deleteSection(app.db, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ── articles ──

  app.get(
    '/api/v1/articles',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Articles: published public ones for visitors, all for staff with content:read.',
        querystring: ArticleListQuery,
        response: { 200: ArticleList },
      },
    },
    async (req) => {
      const audience = audienceOf(req.actor);
      const { reviewDue, ...rest } = req.query;
      const q = { ...rest, reviewDue, audience, orderBy: 'position' as const };
      const [rows, total] = await Promise.all([kb.listArticles(app.db, q), kb.countArticles(app.db, q)]);
      return { items: rows.map((a) => presentArticle(a, audience)), total };
    },
  );

  app.get(
    '/api/v1/articles/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One article (404 when the caller may not read it).',
        params: IdParams,
        response: { 200: AnyArticle },
      },
    },
    async (req) =>
      presentArticle(await kb.readArticle(app.db, req.actor, req.params.id), audienceOf(req.actor)),
  );

  app.post(
    '/api/v1/articles',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Write a new article (a draft, version 1).',
        body: NewArticleBody,
        response: { 201: StaffArticle },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentArticle(await kb.createArticle(app.db, req.actor, req.body), 'internal')),
  );

  app.patch(
    '/api/v1/articles/:id',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary:
          'Save changes: a new version. Changing a published article needs content:publish; a new slug redirects from the old one.',
        params: IdParams,
        body: ArticlePatchBody,
        response: { 200: StaffArticle },
      },
    },
    async (req) => {
      const { note, ...patch } = req.body;
      return presentArticle(
        await kb.updateArticle(app.db, req.actor, req.params.id, patch, note),
        'internal',
      );
    },
  );

  app.delete(
    '/api/v1/articles/:id',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Delete a draft (any article with content:publish).',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await kb.deleteArticle(app.db, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  const transitions: Array<[kb.Transition, string, 'content:write' | 'content:publish']> = [
    ['submit', 'Submit a draft for review.', 'content:write'],
    ['publish', 'Publish (from draft, in review or archived).', 'content:publish'],
    ['reject', 'Send an article in review back to draft.', 'content:publish'],
    ['archive', 'Archive a published article (leaves the help centre).', 'content:publish'],
    ['unpublish', 'Take a published or archived article back to draft.', 'content:publish'],
  ];
  for (const [transition, summary, access] of transitions) {
    app.post(
      `/api/v1/articles/:id/${transition}`,
      {
        config: { access },
        schema: { tags, summary, params: IdParams, body: TransitionBody, response: { 200: StaffArticle } },
      },
      async (req) =>
        presentArticle(
          await kb.transitionArticle(app.db, req.actor, req.params.id, transition, req.body?.note),
          'internal',
        ),
    );
  }

  app.put(
    '/api/v1/articles/order',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Set the order of articles (e.g. of one section): positions follow the list.',
        body: OrderBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await kb.reorderArticles(app.db, req.actor, req.body.ids);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/articles/:id/translations',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The article in every locale it exists in (that the caller may read).',
        params: IdParams,
        response: { 200: z.object({ items: z.array(AnyArticle) }) },
      },
    },
    async (req) => {
      const audience = audienceOf(req.actor);
      const article = await kb.readArticle(app.db, req.actor, req.params.id);
      return {
        items: (await kb.listTranslations(app.db, article, audience)).map((a) => presentArticle(a, audience)),
      };
    },
  );

  app.post(
    '/api/v1/articles/:id/translations',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Write a linked translation (a new draft in another locale).',
        params: IdParams,
        body: TranslationBody,
        response: { 201: StaffArticle },
      },
    },
    async (req, reply) => {
      const created = await kb.createArticle(app.db, req.actor, {
        ...req.body,
        translationOf: req.params.id,
      });
      return reply.status(201).send(presentArticle(created, 'internal'));
    },
  );

  // ── versions ──

  app.get(
    '/api/v1/articles/:id/versions',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'Every saved version, newest first.',
        params: IdParams,
        response: { 200: z.object({ items: z.array(Version) }) },
      },
    },
    async (req) => {
      await kb.findArticle(app.db, req.params.id);
      return { items: (await kb.listVersions(app.db, req.params.id)).map(presentVersion) };
    },
  );

  app.get(
    '/api/v1/articles/:id/versions/:version',
    {
      config: { access: 'content:read' },
      schema: { tags, summary: 'One version.', params: VersionParams, response: { 200: Version } },
    },
    async (req) => presentVersion(await kb.findVersion(app.db, req.params.id, req.params.version)),
  );

  app.get(
    '/api/v1/articles/:id/diff',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'Field-by-field unified diff between two versions.',
        params: IdParams,
        querystring: DiffQuery,
        response: { 200: Diff },
      },
    },
    async (req) => kb.diffVersions(app.db, req.params.id, req.query.from, req.query.to),
  );

  app.post(
    '/api/v1/articles/:id/versions/:version/restore',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: "Restore a version's content as a new version.",
        params: VersionParams,
        response: { 200: StaffArticle },
      },
    },
    async (req) =>
      presentArticle(
        await kb.restoreVersion(app.db, req.actor, req.params.id, req.params.version),
        'internal',
      ),
  );

  // ── feedback and preview ──

  app.post(
    '/api/v1/articles/:id/feedback',
    {
      config: { access: 'public', rateLimit: feedbackRateLimit },
      schema: {
        tags,
        summary: '"Was this helpful?" on a published public article.',
        params: IdParams,
        body: FeedbackBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await kb.recordFeedback(app.db, req.actor, req.params.id, req.body.helpful, req.body.comment, {
        channel: 'api',
        ...requestIds(req),
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/articles/:id/feedback',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'Latest feedback on an article.',
        params: IdParams,
        response: { 200: z.object({ items: z.array(Feedback) }) },
      },
    },
    async (req) => {
      const article = await kb.findArticle(app.db, req.params.id);
      authorize(articleRules, req.actor, 'read', article);
      return { items: await kb.listFeedback(app.db, article.id) };
    },
  );

  app.post(
    '/api/v1/kb/preview',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Render Markdown exactly as the help centre will (sanitized HTML).',
        body: PreviewBody,
        response: { 200: z.object({ html: z.string() }) },
      },
    },
    async (req) => ({ html: renderMarkdown(req.body.markdown) }),
  );
};

export default kbRoutes;
