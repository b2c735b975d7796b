/**
 * Agents' side of live chat under `/api/v1/chats` (staff session or API key, `config.access` like every
 * route): the queue, accept, messages, typing, read receipts, transfer, end, and the two transports —
 * `GET /api/v1/chats/socket` (WebSocket) and `GET /api/v1/chats/events` (SSE fallback).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { safeEqual } from '../../crypto/secrets.ts';
import { ForbiddenError } from '../../server/errors.ts';
import helpCentreChatRoutes from './helpcentre-routes.ts';
import { BucketMap, RateLimitedError } from './limits.ts';
import {
  AgentChatView,
  ChatIdParams,
  ChatMessage,
  ChatSummary,
  ReadBody,
  TextBody,
  TypingBody,
} from './schemas.ts';
import type { ChatRow } from './service.ts';
import { openEventStream, runSocket, socketClient } from './transport.ts';

const tags = ['chats'];

/**
 * A browser always sends Origin on a WebSocket upgrade and SameSite=Lax cookies ride along on it, so
 * a cross-site page could open an agent's socket: only Relais's own origin may, and the session's CSRF
 * token must be in the `csrf` query parameter (the console has it from /auth/me).
 */
function checkSocketOrigin(req: FastifyRequest, publicUrl: string) {
  const origin = req.headers.origin;
  const own = [new URL(publicUrl).origin, `${req.protocol}://${req.host}`];
  if (origin && !own.includes(origin)) throw new ForbiddenError('This origin may not open an agent socket.');
  const actor = req.actor;
  const csrf = (req.query as { csrf?: unknown }).csrf;
  if (actor.kind === 'user' && (typeof csrf !== 'string' || !safeEqual(csrf, actor.csrfToken))) {
    throw new ForbiddenError('Missing or wrong csrf parameter.');
  }
}

const chatRoutes: FastifyPluginAsyncZod = async (app) => {
  const limits = new BucketMap();
  const userId = (req: FastifyRequest) => (req.actor.kind === 'user' ? req.actor.id : undefined);
  const agentView = async (row: ChatRow) => ({ ...(await app.chat.view(row)), ticketId: row.ticketId });
  const limited = (key: string, kind: 'm' | 's') => {
    if (!limits.get(key)[kind].take()) throw new RateLimitedError();
  };

  app.get(
    '/api/v1/chats',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags,
        summary: 'Live chats: the queue (waiting, oldest first), mine, or all active.',
        querystring: z.strictObject({ status: z.enum(['waiting', 'mine', 'active']).default('waiting') }),
        response: { 200: z.object({ items: z.array(ChatSummary), waiting: z.number() }) },
      },
    },
    async (req) => {
      const items = await app.chat.listFor(req.actor, req.query.status);
      const waiting = req.query.status === 'waiting' ? items.length : (await app.chat.queue()).length;
      return { items, waiting };
    },
  );

  app.get(
    '/api/v1/chats/agents',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags,
        summary: 'Agents available now (inbox heartbeat): whom a chat can be transferred to.',
        response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) }) },
      },
    },
    async () => ({ items: await app.chat.onlineAgents() }),
  );

  app.get(
    '/api/v1/chats/socket',
    {
      websocket: true,
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Agent WebSocket (protocol in docs/api.md): queue updates and the chats watched.',
        querystring: z.strictObject({ csrf: z.string().max(200).optional() }),
      },
      preValidation: async (req) => checkSocketOrigin(req, app.config.publicUrl),
    },
    (socket, req) => {
      const me = userId(req);
      const client = socketClient(socket, 'agent', me);
      const known = new Map<string, ChatRow>();
      app.chatHub.joinLobby(client);
      void app.chat.queue().then((waiting) => client.send({ type: 'queue', waiting }));
      runSocket(
        socket,
        app.chatHub,
        client,
        async (frame) => {
          if (frame.type === 'hello') return;
          const chatId = 'chatId' in frame ? frame.chatId : undefined;
          if (!chatId)
            return client.send({
              type: 'error',
              status: 400,
              code: 'validation',
              detail: 'chatId is required.',
              field: 'chatId',
            });
          if (frame.type === 'unwatch') return app.chatHub.unfollow(client, chatId);
          if (frame.type === 'watch') {
            const row = await app.chat.find(chatId);
            known.set(row.id, row);
            app.chatHub.follow(client, row);
            return client.send({ type: 'state', chat: await agentView(row) });
          }
          // Writes check that the chat is open to this agent themselves: a row read once will do.
          const row = known.get(chatId) ?? (await app.chat.find(chatId));
          known.set(row.id, row);
          if (frame.type === 'message') await app.chat.post(row, 'agent', me ?? null, frame.text);
          else if (frame.type === 'typing') await app.chat.typing(row, 'agent', frame.on);
          else if (frame.type === 'read') await app.chat.read(row, 'agent', frame.messageId);
        },
        req.log,
      );
    },
  );

  app.get(
    '/api/v1/chats/events',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags,
        summary: 'Fallback transport (text/event-stream): the same server frames as the agent socket.',
        querystring: z.strictObject({
          watch: z
            .string()
            .max(2000)
            .optional()
            .describe('Comma-separated chat ids to follow; the queue is always sent.'),
        }),
      },
    },
    async (req, reply) => {
      const ids = (req.query.watch ?? '')
        .split(',')
        .filter((s) => z.uuid().safeParse(s).success)
        .slice(0, 50);
      const rows = await Promise.all(ids.map((id) => app.chat.find(id)));
      const client = openEventStream(req, reply, app.chatHub, 'agent', userId(req));
      app.chatHub.joinLobby(client);
      client.send({ type: 'queue', waiting: await app.chat.queue() });
      for (const row of rows) {
        app.chatHub.follow(client, row);
        client.send({ type: 'state', chat: await agentView(row) });
      }
    },
  );

  app.get(
    '/api/v1/chats/:id',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags,
        summary: 'A chat with its whole thread.',
        params: ChatIdParams,
        response: { 200: AgentChatView },
      },
    },
    async (req) => agentView(await app.chat.find(req.params.id)),
  );

  app.post(
    '/api/v1/chats/:id/accept',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Take a waiting chat (the first agent wins; 409 for the others).',
        params: ChatIdParams,
        response: { 200: AgentChatView },
      },
    },
    async (req) => agentView(await app.chat.accept(req.actor, req.params.id)),
  );

  app.post(
    '/api/v1/chats/:id/messages',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Write in a chat you hold (fallback transport; the socket takes `message` frames).',
        params: ChatIdParams,
        body: TextBody,
        response: { 201: ChatMessage },
      },
    },
    async (req, reply) => {
      limited(`a:${req.params.id}:${userId(req)}`, 'm');
      const row = await app.chat.find(req.params.id);
      return reply.status(201).send(await app.chat.post(row, 'agent', userId(req) ?? null, req.body.text));
    },
  );

  app.post(
    '/api/v1/chats/:id/typing',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Typing indicator on or off.',
        params: ChatIdParams,
        body: TypingBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      limited(`a:${req.params.id}:${userId(req)}`, 's');
      await app.chat.typing(await app.chat.find(req.params.id), 'agent', req.body.on);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/chats/:id/read',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Read receipt: the agent has seen up to this message.',
        params: ChatIdParams,
        body: ReadBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      limited(`a:${req.params.id}:${userId(req)}`, 's');
      await app.chat.read(await app.chat.find(req.params.id), 'agent', req.body.messageId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/chats/:id/transfer',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Hand the chat to another available agent.',
        params: ChatIdParams,
        body: z.strictObject({ agentId: z.uuid() }),
        response: { 200: AgentChatView },
      },
    },
    async (req) => agentView(await app.chat.transfer(req.actor, req.params.id, req.body.agentId)),
  );

  app.post(
    '/api/v1/chats/:id/end',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'End the chat: the ticket (whose thread is the transcript) is solved.',
        params: ChatIdParams,
        response: { 200: AgentChatView },
      },
    },
    async (req) => agentView(await app.chat.end(await app.chat.find(req.params.id), 'agent', req.actor)),
  );

  // The customer's side from the help centre (same origin); the widget's is inside the widget plugin.
  await app.register(helpCentreChatRoutes);
};

export default chatRoutes;
