/**
 * The customer's side of live chat, shared by the surfaces that offer it: the widget
 * (`/api/v1/widget/chats…`, cross-origin, the site's CORS) and the help centre
 * (`/api/v1/helpcentre/chats…`, same origin). A surface says how a chat starts (its context, the
 * customer account) and what it checks first; everything after the start — resume token in
 * `x-chat-token` (REST, SSE) or the socket's first frame, never in a URL — is the same code.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError } from '../../server/errors.ts';
import { recordSurveyAnswer } from '../analytics/service.ts';
import { escalationOffer } from '../escalation/service.ts';
import { Locale } from '../settings/schemas.ts';
import { BucketMap, RateLimitedError } from './limits.ts';
import {
  Availability,
  CHAT_TOKEN_HEADER,
  ChatIdParams,
  ChatMessage,
  ChatView,
  FallbackBody,
  FallbackResult,
  ReadBody,
  StartChatBody,
  StartChatResult,
  TextBody,
  TranscriptBody,
  TypingBody,
} from './schemas.ts';
import type { ChatRow, StartChatInput } from './service.ts';
import { openEventStream, runSocket, socketClient } from './transport.ts';

/** How one surface opens chats; the routes are the same for all. */
export interface ChatSurface {
  /** `/api/v1/widget/chats` */
  prefix: string;
  tags: string[];
  /** The analytics channel of the surface (a chat's satisfaction rating). */
  channel: 'widget' | 'helpcentre';
  /** Query parameters every route of the surface takes (the widget: its site). */
  query: z.ZodObject;
  /** Before offering or starting a chat: refuses an unknown site (throws an AppError). */
  check(req: FastifyRequest): Promise<void>;
  /** Before every request of the surface (cheap and synchronous): refuses a foreign origin. */
  guard?(req: FastifyRequest): void;
  /** The escalation request of a new chat: the surface's context and customer (checks as `check`). */
  start(req: FastifyRequest, body: z.infer<typeof StartChatBody>): Promise<StartChatInput>;
}

const TokenHeader = z.object({ [CHAT_TOKEN_HEADER]: z.string().max(200).optional() });
const HELLO_TIMEOUT_MS = 10_000;

export function customerChatRoutes(surface: ChatSurface): FastifyPluginAsyncZod {
  const { prefix, tags, query } = surface;
  return async (app) => {
    const limits = new BucketMap();
    const { guard } = surface;
    if (guard) app.addHook('onRequest', async (req) => guard(req));
    const tokenOf = (h: Record<string, unknown>) => {
      const t = h[CHAT_TOKEN_HEADER];
      return typeof t === 'string' ? t : undefined;
    };
    const open = (id: string, headers: Record<string, unknown>) => app.chat.forToken(id, tokenOf(headers));
    const limited = (row: ChatRow, kind: 'm' | 's') => {
      if (!limits.get(`c:${row.id}`)[kind].take()) throw new RateLimitedError();
    };

    app.get(
      `${prefix}/availability`,
      {
        config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Whether a live chat can start now (an agent online within business hours).',
          querystring: query.extend({ locale: Locale.default('fr') }),
          response: { 200: Availability },
        },
      },
      async (req) => {
        await surface.check(req);
        const offer = await escalationOffer(app.db, (req.query as { locale: string }).locale);
        const has = (c: string) => offer.channels.find((x) => x.channel === c);
        const available = Boolean(has('live')?.available);
        return {
          available,
          callback: Boolean(has('callback')) && offer.open && offer.callbackSlots.length > 0,
          callbackSlots: offer.open ? offer.callbackSlots : [],
          form: Boolean(has('form')),
          estimatedWaitSeconds: available
            ? Math.round(((await app.chat.queue()).length + 1) * (await app.chat.perChatSeconds()))
            : null,
        };
      },
    );

    app.post(
      prefix,
      {
        config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Start a live chat: a ticket (channel `live`) with the self-service context and the first message, in the queue. 409 `chat-unavailable` when nobody can take it: offer the form with the text kept.',
          querystring: query,
          body: StartChatBody,
          response: { 201: StartChatResult },
        },
      },
      async (req, reply) => {
        const { chat, token } = await app.chat.start(await surface.start(req, req.body));
        const view = await app.chat.view(chat);
        const reference = (await app.chat.reference(chat)) ?? '';
        return reply.status(201).send({ ...view, token, reference });
      },
    );

    app.get(
      `${prefix}/:id`,
      {
        config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: `Resume a chat after a reload (token in \`${CHAT_TOKEN_HEADER}\`).`,
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          response: { 200: ChatView },
        },
      },
      async (req) => app.chat.view(await open(req.params.id, req.headers)),
    );

    app.get(
      `${prefix}/:id/socket`,
      {
        websocket: true,
        config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Customer WebSocket (protocol in docs/api.md); the first frame is `hello` with the token.',
          params: ChatIdParams,
          querystring: query,
        },
      },
      (socket, req) => {
        const client = socketClient(socket, 'customer');
        let chat: ChatRow | undefined;
        const hello = setTimeout(() => socket.close(4401, 'hello expected'), HELLO_TIMEOUT_MS);
        socket.on('close', () => clearTimeout(hello));
        runSocket(
          socket,
          app.chatHub,
          client,
          async (frame) => {
            if (frame.type === 'hello') {
              chat = await app.chat.forToken(req.params.id, frame.token).catch(() => undefined);
              clearTimeout(hello);
              if (!chat) return socket.close(4404, 'chat not found');
              app.chatHub.follow(client, chat);
              return client.send({ type: 'state', chat: await app.chat.view(chat) });
            }
            if (!chat) return socket.close(4401, 'hello expected');
            // The row read at hello: whether the chat is still open is checked by each write itself.
            if (frame.type === 'message') await app.chat.post(chat, 'customer', null, frame.text);
            else if (frame.type === 'typing') await app.chat.typing(chat, 'customer', frame.on);
            else if (frame.type === 'read') await app.chat.read(chat, 'customer', frame.messageId);
          },
          req.log,
        );
      },
    );

    app.get(
      `${prefix}/:id/events`,
      {
        config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Fallback transport where sockets are blocked: the same server frames as text/event-stream.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
        },
      },
      async (req, reply) => {
        const chat = await open(req.params.id, req.headers);
        const view = await app.chat.view(chat);
        const client = openEventStream(req, reply, app.chatHub, 'customer');
        app.chatHub.follow(client, chat);
        client.send({ type: 'state', chat: view });
      },
    );

    app.post(
      `${prefix}/:id/messages`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Send a message (fallback transport; the socket takes `message` frames).',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          body: TextBody,
          response: { 201: ChatMessage },
        },
      },
      async (req, reply) => {
        const chat = await open(req.params.id, req.headers);
        limited(chat, 'm');
        return reply.status(201).send(await app.chat.post(chat, 'customer', null, req.body.text));
      },
    );

    app.post(
      `${prefix}/:id/typing`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Typing indicator on or off.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          body: TypingBody,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        const chat = await open(req.params.id, req.headers);
        limited(chat, 's');
        await app.chat.typing(chat, 'customer', req.body.on);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${prefix}/:id/read`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Read receipt: the customer has seen up to this message.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          body: ReadBody,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        const chat = await open(req.params.id, req.headers);
        limited(chat, 's');
        await app.chat.read(chat, 'customer', req.body.messageId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${prefix}/:id/end`,
      {
        config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'The customer ends the chat.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          response: { 200: ChatView },
        },
      },
      async (req) => app.chat.view(await app.chat.end(await open(req.params.id, req.headers), 'customer')),
    );

    app.post(
      `${prefix}/:id/transcript`,
      {
        config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'E-mail me the transcript (through the outbox), to this address or the one already given.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          body: TranscriptBody,
          response: { 202: z.object({ queued: z.literal(true) }) },
        },
      },
      async (req, reply) => {
        await app.chat.emailTranscript(await open(req.params.id, req.headers), req.body.email);
        return reply.status(202).send({ queued: true as const });
      },
    );

    app.post(
      `${prefix}/:id/rating`,
      {
        config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'How satisfied the customer is with an ended chat (CSAT 1–5), for analytics.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          body: z.strictObject({ score: z.number().int().min(1).max(5) }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        const row = await open(req.params.id, req.headers);
        if (row.status !== 'ended') throw new ConflictError('Rate a chat once it has ended.', 'score');
        await recordSurveyAnswer(
          app.db,
          { kind: 'csat', score: req.body.score, context: 'contact' },
          { channel: surface.channel, locale: row.locale, visitorId: null, sessionId: null },
        );
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${prefix}/:id/fallback`,
      {
        config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Nobody accepted (or the customer stops waiting): the same ticket becomes a form or callback request; what was typed is kept.',
          params: ChatIdParams,
          querystring: query,
          headers: TokenHeader,
          body: FallbackBody,
          response: { 200: FallbackResult },
        },
      },
      async (req) => app.chat.fallback(await open(req.params.id, req.headers), req.body),
    );
  };
}
