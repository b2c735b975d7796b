import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { refineOutboundUrl } from '../../net/outbound.ts';
import { NotFoundError } from '../../server/errors.ts';
import { problemLanguage, translateDetail } from '../../server/problem-language.ts';
import { flowJsonSchema, validateFlow } from './flow-schema.ts';
import * as flows from './flow-service.ts';
import * as repo from './repository.ts';
import { FlowDetail, FlowIssues, FlowParams, FlowSummary } from './schemas.ts';
import { BotSettings, readBotSettings, writeBotSettings } from './settings.ts';

const Definition = z
  .record(z.string(), z.unknown())
  .describe('Flow definition: see `/api/v1/flows/schema.json`.');
const DefinitionBody = z.strictObject({ definition: Definition });

const summary = (f: repo.FlowRow) => ({
  id: f.id,
  key: f.key,
  title: f.title,
  locale: f.locale,
  latestVersion: f.latestVersion,
  publishedVersion: f.publishedVersion,
  updatedAt: f.updatedAt,
});

const ConnectionName = z.strictObject({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });
const Connection = z.object({
  name: z.string(),
  baseUrl: z.string(),
  headerNames: z.array(z.string()).describe('Secret header values are write-only.'),
  timeoutMs: z.number(),
  updatedAt: z.date(),
});

const flowRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['flows'];

  app.get(
    '/api/v1/flows/schema.json',
    { config: { access: 'public' }, schema: { tags, summary: 'JSON Schema of a flow definition.' } },
    async () => flowJsonSchema(),
  );

  app.get(
    '/api/v1/flows',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'Guided flows.',
        response: { 200: z.object({ items: z.array(FlowSummary) }) },
      },
    },
    async () => ({ items: (await repo.listFlows(app.db)).map(summary) }),
  );

  app.post(
    '/api/v1/flows',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Create a flow (version 1, unpublished).',
        body: DefinitionBody,
        response: { 201: FlowSummary },
      },
    },
    async (req, reply) =>
      reply.status(201).send(summary(await flows.createFlow(app.db, req.actor, req.body.definition))),
  );

  app.post(
    '/api/v1/flows/validate',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'Check a definition: shape, dead ends, unreachable nodes, cycles without exit.',
        body: DefinitionBody,
        response: { 200: FlowIssues },
      },
    },
    async (req) => {
      const { issues } = validateFlow(req.body.definition);
      const lang = problemLanguage(req);
      return {
        valid: issues.length === 0,
        issues: issues.map((i) => ({
          ...i,
          field: `definition.${i.field}`,
          message: translateDetail(i.message, lang),
        })),
      };
    },
  );

  app.post(
    '/api/v1/flows/preview',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'Run a definition with scripted answers (actions are simulated).',
        body: z.strictObject({
          definition: Definition,
          answers: z.array(z.string().max(500)).max(50).default([]),
          failActions: z.boolean().optional().describe('Take the failure branch of actions.'),
        }),
        response: {
          200: z.object({
            transcript: z.array(
              z.object({
                from: z.enum(['bot', 'customer']),
                text: z.string(),
                quickReplies: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
              }),
            ),
            path: z.array(z.string()),
            waitingOn: z.string().nullable(),
            exit: z.enum(['end', 'escalate']).nullable(),
          }),
        },
      },
    },
    async (req) => {
      const settings = await readBotSettings(app.db);
      const source = app.hasDecorator('searchSource')
        ? app.searchSource
        : { cards: async () => [], load: async () => [] };
      return flows.previewFlow(
        { tone: settings.tone, botName: settings.botName },
        req.body.definition,
        req.body.answers,
        {
          failActions: req.body.failActions,
          source,
        },
      );
    },
  );

  app.get(
    '/api/v1/flows/:id',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: 'A flow with its latest (or `?version=`) definition and its versions.',
        params: FlowParams,
        querystring: z.strictObject({ version: z.coerce.number().int().min(1).optional() }),
        response: { 200: FlowDetail },
      },
    },
    async (req) => {
      const { flow, version, versions, articleIds } = await flows.getFlow(
        app.db,
        req.params.id,
        req.query.version,
      );
      return {
        ...summary(flow),
        version: version.version,
        definition: version.definition,
        versions,
        articleIds,
      };
    },
  );

  app.put(
    '/api/v1/flows/:id',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Save a new version of the definition.',
        params: FlowParams,
        body: DefinitionBody,
        response: { 200: FlowSummary },
      },
    },
    async (req) => summary(await flows.saveFlow(app.db, req.actor, req.params.id, req.body.definition)),
  );

  app.post(
    '/api/v1/flows/:id/publish',
    {
      config: { access: 'content:publish' },
      schema: {
        tags,
        summary: 'Publish a version (default: the latest): new conversations run it.',
        params: FlowParams,
        body: z.strictObject({ version: z.number().int().min(1).optional() }).default({}),
        response: { 200: FlowSummary },
      },
    },
    async (req) => summary(await flows.publishFlow(app.db, req.actor, req.params.id, req.body.version)),
  );

  app.post(
    '/api/v1/flows/:id/unpublish',
    {
      config: { access: 'content:publish' },
      schema: {
        tags,
        summary: 'Stop offering the flow.',
        params: FlowParams,
        response: { 200: FlowSummary },
      },
    },
    async (req) => summary(await flows.unpublishFlow(app.db, req.actor, req.params.id)),
  );

  app.put(
    '/api/v1/article-flows/:articleId',
    {
      config: { access: 'content:write' },
      schema: {
        tags,
        summary: 'Make an answer offer a guided flow (`flowId: null` removes the link).',
        params: z.strictObject({ articleId: z.string().min(1).max(100) }),
        body: z.strictObject({ flowId: z.uuid().nullable() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await flows.linkArticle(app.db, req.actor, req.params.articleId, req.body.flowId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/flow-connections',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Endpoints flow actions may call (secret headers never shown).',
        response: { 200: z.object({ items: z.array(Connection) }) },
      },
    },
    async () => ({ items: (await repo.listConnections(app.db)).map(flows.presentConnection) }),
  );

  app.get(
    '/api/v1/flow-connections/names',
    {
      config: { access: 'content:read' },
      schema: {
        tags,
        summary: "Connection names only, for the flow builder's picker (no URL, no header).",
        response: { 200: z.object({ items: z.array(z.string()) }) },
      },
    },
    async () => ({ items: (await repo.listConnections(app.db)).map((c) => c.name) }),
  );

  app.put(
    '/api/v1/flow-connections/:name',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Create or replace a connection: base URL, secret headers, timeout.',
        params: ConnectionName,
        body: z.strictObject({
          baseUrl: z
            .url()
            .regex(/^https?:\/\//)
            .max(500)
            .superRefine(refineOutboundUrl),
          headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(2000)).optional(),
          timeoutMs: z.number().int().min(100).max(15_000).optional(),
        }),
        response: { 200: Connection },
      },
    },
    async (req) =>
      flows.presentConnection(await flows.saveConnection(app.db, req.actor, req.params.name, req.body)),
  );

  app.delete(
    '/api/v1/flow-connections/:name',
    {
      config: { access: 'settings:manage' },
      schema: { tags, summary: 'Remove a connection.', params: ConnectionName, response: { 204: z.null() } },
    },
    async (req, reply) => {
      const [gone] = await repo.deleteConnection(app.db, req.params.name);
      if (!gone) throw new NotFoundError('Connection');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/bot/settings',
    {
      config: { access: 'staff' },
      schema: { tags: ['conversations'], summary: 'Bot name and tone.', response: { 200: BotSettings } },
    },
    async () => readBotSettings(app.db),
  );

  app.put(
    '/api/v1/bot/settings',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['conversations'],
        summary: 'Set the bot name and French tone (vous/tu).',
        body: BotSettings,
        response: { 200: BotSettings },
      },
    },
    async (req) => writeBotSettings(app.db, req.body),
  );
};

export default flowRoutes;
