import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../server/access.ts';
import { ForbiddenError } from '../../server/errors.ts';
import type { Generator } from './generative.ts';
import { presentConversation, presentTurn } from './presenter.ts';
import * as repo from './repository.ts';
import {
  ChoiceBody,
  CONVERSATION_TOKEN_HEADER,
  ConversationParams,
  ConversationSummary,
  ConversationView,
  CreateConversationBody,
  CreateConversationResponse,
  EscalateBody,
  FeedbackBody,
  MessageBody,
  StaffConversationView,
  StartFlowBody,
  TurnResponse,
} from './schemas.ts';
import * as bot from './service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Generated answers (RELAIS_LLM_URL); absent → extractive answers only. */
    botGenerator?: Generator;
  }
}

// Public endpoints are anonymous: these limits (per client IP) keep one visitor from draining the bot.
const openLimit = { max: 20, timeWindow: '1 minute' };
const turnLimit = { max: 60, timeWindow: '1 minute' };

const tokenOf = (headers: Record<string, unknown>) => {
  const t = headers[CONVERSATION_TOKEN_HEADER];
  return typeof t === 'string' ? t : undefined;
};

const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['conversations'];
  const tokenHeader = z.object({ [CONVERSATION_TOKEN_HEADER]: z.string().max(100).optional() });

  app.post(
    '/api/v1/conversations',
    {
      config: { access: 'public', rateLimit: openLimit },
      schema: {
        tags,
        summary: 'Start a conversation with the bot (optionally with a first question or a guided flow).',
        body: CreateConversationBody,
        response: { 201: CreateConversationResponse },
      },
    },
    async (req, reply) => {
      const { token, ...result } = await bot.createConversation(bot.botDeps(app), req.body);
      return reply.status(201).send({ ...presentTurn(result), token });
    },
  );

  /** The conversation of this token (public) — or any conversation for staff who may read them. */
  const load = async (req: {
    params: { id: string };
    headers: Record<string, unknown>;
    actor: import('../../server/access.ts').Actor;
  }) => {
    const token = tokenOf(req.headers);
    if (!token && (can(req.actor, 'tickets:read') || can(req.actor, 'analytics:read'))) {
      return bot.findForStaff(app.db, req.params.id);
    }
    return bot.findWithToken(app.db, req.params.id, token);
  };

  const open = async (req: Parameters<typeof load>[0]) => bot.assertOpen(await load(req));

  app.get(
    '/api/v1/conversations/:id',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: `Resume a conversation (send its token in \`${CONVERSATION_TOKEN_HEADER}\`); staff also get the bot's decisions.`,
        params: ConversationParams,
        headers: tokenHeader,
        response: { 200: z.union([StaffConversationView, ConversationView]) },
      },
    },
    async (req) => {
      const row = await load(req);
      const events = await bot.transcriptOf(app.db, row.id);
      const view = presentConversation(row, events);
      const staffView =
        !tokenOf(req.headers) && (can(req.actor, 'tickets:read') || can(req.actor, 'analytics:read'));
      if (staffView) {
        return {
          ...view,
          events: events.map((e) => ({
            id: e.id,
            at: e.at,
            kind: e.kind,
            author: e.author,
            text: e.text,
            data: e.data,
          })),
        };
      }
      return view;
    },
  );

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: 'Send a message; the bot answers.',
        params: ConversationParams,
        headers: tokenHeader,
        body: MessageBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => presentTurn(await bot.postMessage(bot.botDeps(app), await open(req), req.body.text)),
  );

  app.post(
    '/api/v1/conversations/:id/choices',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: 'Choose one of the quick replies on offer.',
        params: ConversationParams,
        headers: tokenHeader,
        body: ChoiceBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => presentTurn(await bot.chooseReply(bot.botDeps(app), await open(req), req.body.choice)),
  );

  app.post(
    '/api/v1/conversations/:id/feedback',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: '"Did this solve it?"',
        params: ConversationParams,
        headers: tokenHeader,
        body: FeedbackBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => presentTurn(await bot.giveFeedback(bot.botDeps(app), await open(req), req.body.solved)),
  );

  app.post(
    '/api/v1/conversations/:id/flows',
    {
      config: { access: 'public', rateLimit: turnLimit },
      schema: {
        tags,
        summary: 'Start a published guided flow in the conversation (a button).',
        params: ConversationParams,
        headers: tokenHeader,
        body: StartFlowBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => presentTurn(await bot.startFlowIn(bot.botDeps(app), await open(req), req.body.flowId)),
  );

  app.post(
    '/api/v1/conversations/:id/escalate',
    {
      config: { access: 'public', rateLimit: openLimit },
      schema: {
        tags,
        summary: 'Hand the conversation over to a human, with its transcript, searches and flow path.',
        params: ConversationParams,
        headers: tokenHeader,
        body: EscalateBody,
        response: { 200: TurnResponse },
      },
    },
    async (req) => presentTurn(await bot.escalateConversation(bot.botDeps(app), await open(req), req.body)),
  );

  app.get(
    '/api/v1/conversations',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Recent conversations (agents and analysts).',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.coerce.date().optional(),
          status: z.enum(['open', 'resolved', 'escalated']).optional(),
        }),
        response: { 200: z.object({ items: z.array(ConversationSummary) }) },
      },
    },
    async (req) => {
      if (!can(req.actor, 'tickets:read') && !can(req.actor, 'analytics:read')) {
        throw new ForbiddenError("This requires the 'tickets:read' or 'analytics:read' permission.");
      }
      const rows = await repo.listConversations(app.db, req.query);
      return {
        items: rows.map((r) => ({
          id: r.id,
          status: r.status,
          locale: r.locale,
          channel: r.channel,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        })),
      };
    },
  );
};

export default conversationRoutes;
