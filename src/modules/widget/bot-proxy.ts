/**
 * The bot and the escalation form from a customer's website. These routes live under
 * `/api/v1/widget/*`, so the site's CORS (routes.ts) applies to them and nowhere else: the bot's own
 * `/api/v1/conversations` routes stay same-origin. Segments only ever come from a verified widget token;
 * the channel is always `widget`.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { presentConversation, presentTurn } from '../bot/presenter.ts';
import {
  ChoiceBody,
  CONVERSATION_TOKEN_HEADER,
  ConversationParams,
  ConversationView,
  CreateConversationResponse,
  MessageBody,
  TurnResponse,
} from '../bot/schemas.ts';
import * as bot from '../bot/service.ts';
import type { EscalationContext } from '../escalation/contract.ts';
import { EscalationContextSchema, EscalationResult } from '../escalation/schemas.ts';
import { type EscalationRequest, escalate } from '../escalation/service.ts';
import { journeyIdOf } from '../journey/service.ts';
import { Locale } from '../settings/schemas.ts';
import { SiteKey } from './schemas.ts';
import * as widget from './service.ts';

const tags = ['widget'];
const Visitor = z
  .string()
  .regex(/^[\w-]{8,64}$/)
  .optional();
const SiteQuery = z.strictObject({
  site: SiteKey,
  token: z.string().max(2000).optional().describe('Widget session token from `identify`.'),
  visitor: Visitor,
});
const TokenHeader = z.object({ [CONVERSATION_TOKEN_HEADER]: z.string().max(100).optional() });
/** The bot's segment syntax (`key=value`); verified widget segments outside it are not passed on. */
const BOT_SEGMENT = /^[\w-]{1,40}=[\w.-]{1,60}$/;
const openLimit = { max: 20, timeWindow: '1 minute' };
const turnLimit = { max: 60, timeWindow: '1 minute' };

const Ctx = EscalationContextSchema.shape;
export const WidgetEscalateBody = z.strictObject({
  subject: z.string().trim().min(3, 'Give a subject (3 characters or more).').max(200),
  description: z.string().trim().min(10, 'Describe your request (10 characters or more).').max(10_000),
  name: z.string().trim().max(120).optional(),
  email: z.email('Enter a valid e-mail address.').max(254),
  locale: Locale.default('fr'),
  pageUrl: Ctx.pageUrl,
  searches: Ctx.searches,
  articlesViewed: Ctx.articlesViewed,
  selfServiceMs: Ctx.selfServiceMs,
  conversationId: z.uuid().optional().describe(`With its token in \`${CONVERSATION_TOKEN_HEADER}\`.`),
});

/** A short device summary from the user agent (no fingerprinting: family and form factor only). */
function deviceOf(ua: string | undefined): string | undefined {
  if (!ua) return undefined;
  const os = /Android|iPhone|iPad|Windows|Mac OS X|Linux/.exec(ua)?.[0] ?? 'other';
  const browser = /Edg|Firefox|Chrome|Safari/.exec(ua)?.[0] ?? 'other';
  return `${/Mobi/.test(ua) ? 'mobile' : 'desktop'} · ${os} · ${browser === 'Edg' ? 'Edge' : browser}`;
}

/**
 * The self-service context a widget hands over (form or live chat): page, device, visitor, searches,
 * articles, time spent — each only when present.
 */
export function widgetContext(
  userAgent: string | undefined,
  visitorId: string | undefined,
  b: {
    locale: string;
    pageUrl?: string | undefined;
    searches?: EscalationContext['searches'] | undefined;
    articlesViewed?: EscalationContext['articlesViewed'] | undefined;
    selfServiceMs?: number | undefined;
  },
): EscalationContext {
  const device = deviceOf(userAgent);
  const journeyId = journeyIdOf('widget', visitorId);
  return {
    locale: b.locale,
    source: 'widget',
    ...(b.pageUrl ? { pageUrl: b.pageUrl } : {}),
    ...(device ? { device } : {}),
    ...(visitorId ? { visitorId } : {}),
    ...(journeyId ? { journeyId } : {}),
    ...(b.searches?.length ? { searches: b.searches } : {}),
    ...(b.articlesViewed?.length ? { articlesViewed: b.articlesViewed } : {}),
    ...(b.selfServiceMs !== undefined ? { selfServiceMs: b.selfServiceMs } : {}),
  };
}

const widgetBotRoutes: FastifyPluginAsyncZod = async (app) => {
  const tokenOf = (h: Record<string, unknown>) => {
    const t = h[CONVERSATION_TOKEN_HEADER];
    return typeof t === 'string' ? t : undefined;
  };
  /** The conversation this token opens; a handed-over conversation takes no more turns. */
  const openConversation = async (id: string, headers: Record<string, unknown>) =>
    bot.assertOpen(await bot.findWithToken(app.db, id, tokenOf(headers)));

  app.post(
    '/api/v1/widget/conversations',
    {
      config: { access: 'public', rateLimit: openLimit },
      schema: {
        tags,
        summary:
          'Start a bot conversation from the widget (channel `widget`; segments from the verified token only).',
        querystring: SiteQuery,
        body: z.strictObject({
          locale: Locale.optional(),
          message: z.string().trim().min(1).max(1000).optional(),
          flowId: z.uuid().optional(),
          pageUrl: z.url().max(2000).optional(),
        }),
        response: { 201: CreateConversationResponse },
      },
    },
    async (req, reply) => {
      const site = await widget.findSite(app.db, req.query.site);
      const session = widget.sessionOf(site, req.query.token);
      const { token, ...result } = await bot.createConversation(bot.botDeps(app), {
        ...req.body,
        channel: 'widget',
        visitorId: req.query.visitor,
        segments: (session?.segments ?? []).filter((s) => BOT_SEGMENT.test(s)),
      });
      return reply.status(201).send({ ...presentTurn(result), token });
    },
  );

  app.get(
    '/api/v1/widget/conversations/:id',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: `Resume a widget conversation (its token in \`${CONVERSATION_TOKEN_HEADER}\`).`,
        params: ConversationParams,
        querystring: SiteQuery,
        headers: TokenHeader,
        response: { 200: ConversationView },
      },
    },
    async (req) => {
      await widget.findSite(app.db, req.query.site);
      const row = await bot.findWithToken(app.db, req.params.id, tokenOf(req.headers));
      return presentConversation(row, await bot.transcriptOf(app.db, row.id));
    },
  );

  app.post(
    '/api/v1/widget/conversations/:id/messages',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: 'Send a message in a widget conversation; the bot answers.',
        params: ConversationParams,
        querystring: SiteQuery,
        headers: TokenHeader,
        body: MessageBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => {
      await widget.findSite(app.db, req.query.site);
      const row = await openConversation(req.params.id, req.headers);
      return presentTurn(await bot.postMessage(bot.botDeps(app), row, req.body.text));
    },
  );

  app.post(
    '/api/v1/widget/conversations/:id/choices',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary:
          'Choose a quick reply (answer, flow, option, "did this solve it?") in a widget conversation.',
        params: ConversationParams,
        querystring: SiteQuery,
        headers: TokenHeader,
        body: ChoiceBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => {
      await widget.findSite(app.db, req.query.site);
      const row = await openConversation(req.params.id, req.headers);
      return presentTurn(await bot.chooseReply(bot.botDeps(app), row, req.body.choice));
    },
  );

  app.post(
    '/api/v1/widget/escalate',
    {
      config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          "The widget's contact form: a ticket with the self-service context (page, searches, articles, transcript, time spent, device).",
        querystring: SiteQuery,
        headers: TokenHeader,
        body: WidgetEscalateBody,
        response: { 201: EscalationResult },
      },
    },
    async (req, reply) => {
      const site = await widget.findSite(app.db, req.query.site);
      const session = widget.sessionOf(site, req.query.token);
      const b = req.body;
      // The transcript comes from the server's own record, only for the holder of the conversation's token.
      const conversation = b.conversationId
        ? await bot.findWithToken(app.db, b.conversationId, tokenOf(req.headers))
        : undefined;
      const transcript = conversation ? await bot.conversationTranscript(app.db, conversation.id) : undefined;
      const request: EscalationRequest = {
        channel: 'form',
        subject: b.subject,
        description: b.description,
        context: {
          ...widgetContext(req.headers['user-agent'], req.query.visitor, b),
          ...(conversation ? { conversationId: conversation.id, sessionId: conversation.id } : {}),
          ...(transcript?.length ? { transcript } : {}),
          customer: {
            email: b.email,
            ...(b.name ? { name: b.name } : {}),
            // Only what the host's server signed: an id and segments the browser cannot forge.
            ...(session ? { id: session.sub, segments: session.segments } : {}),
          },
        },
      };
      // From a conversation, the bot hands it over in the escalation's transaction, as its own escalation.
      const result = conversation
        ? await bot.escalateWithConversation(bot.botDeps(app), conversation, request)
        : await escalate(app.db, request, { publicUrl: app.config.publicUrl });
      return reply.status(201).send(result);
    },
  );
};

export default widgetBotRoutes;
