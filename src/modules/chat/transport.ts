/**
 * The two transports of the chat protocol (docs/api.md, "Live chat"): a WebSocket carrying JSON frames
 * both ways, and the fallback where sockets are blocked — a `text/event-stream` of the same server
 * frames plus the POST endpoints. Both register a ChatClient with the node's hub.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { AppError } from '../../server/errors.ts';
import type { ChatClient, ChatHub, ServerFrame } from './hub.ts';
import { messageBucket, RateLimitedError, signalBucket } from './limits.ts';
import { MAX_MESSAGE } from './service.ts';

const ChatId = z.uuid();
/** Frames a client may send. `chatId` is required from agents (one socket, several chats). */
export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), token: z.string().max(200) }),
  z.strictObject({ type: z.literal('watch'), chatId: ChatId }),
  z.strictObject({ type: z.literal('unwatch'), chatId: ChatId }),
  z.strictObject({
    type: z.literal('message'),
    chatId: ChatId.optional(),
    text: z.string().trim().min(1, 'Write a message.').max(MAX_MESSAGE, `At most ${MAX_MESSAGE} characters.`),
  }),
  z.strictObject({ type: z.literal('typing'), chatId: ChatId.optional(), on: z.boolean() }),
  z.strictObject({
    type: z.literal('read'),
    chatId: ChatId.optional(),
    messageId: z.number().int().positive(),
  }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** An error frame has the fields of a problem+json document. */
export function errorFrame(err: unknown, ref?: string): ServerFrame {
  if (err instanceof AppError) {
    return {
      type: 'error',
      status: err.status,
      code: err.code,
      detail: err.detail,
      ...(err.field ? { field: err.field } : {}),
      ...(ref ? { ref } : {}),
    };
  }
  return { type: 'error', status: 500, code: 'internal', detail: 'Internal error.', ...(ref ? { ref } : {}) };
}

/**
 * Runs a socket: parses and validates each frame, applies the per-connection rate limits, and hands the
 * frame to `handle`; any AppError becomes an error frame, the socket stays open.
 */
export function runSocket(
  socket: WebSocket,
  hub: ChatHub,
  client: ChatClient,
  handle: (frame: ClientFrame) => Promise<void>,
  log: FastifyRequest['log'],
) {
  const messages = messageBucket(client.side);
  const signals = signalBucket();
  let chain = Promise.resolve();
  socket.on('message', (raw, isBinary) => {
    // Frames are handled in order: a read receipt never overtakes the message it acknowledges.
    chain = chain.then(async () => {
      try {
        if (isBinary) throw new AppError('validation', 400, 'Send JSON text frames.');
        let json: unknown;
        try {
          json = JSON.parse(raw.toString());
        } catch {
          throw new AppError('validation', 400, 'Send JSON text frames.');
        }
        const parsed = ClientFrame.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue?.path.join('.') || undefined;
          throw new AppError('validation', 400, issue?.message ?? 'Invalid frame.', field);
        }
        const frame = parsed.data;
        if (frame.type === 'ping') return client.send({ type: 'pong' });
        if (!(frame.type === 'message' ? messages : signals).take()) throw new RateLimitedError();
        await handle(frame);
      } catch (err) {
        if (!(err instanceof AppError)) log.error({ err }, 'chat: frame failed');
        client.send(errorFrame(err, (json(raw) as { type?: string } | undefined)?.type));
      }
    });
  });
  const heartbeat = setInterval(() => socket.ping(), 30_000);
  socket.on('close', () => {
    clearInterval(heartbeat);
    hub.remove(client);
  });
}

function json(raw: unknown): unknown {
  try {
    return JSON.parse(String(raw));
  } catch {
    return undefined;
  }
}

export function socketClient(socket: WebSocket, side: ChatClient['side'], userId?: string): ChatClient {
  return {
    side,
    ...(userId ? { userId } : {}),
    lobby: false,
    chats: new Set(),
    send: (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    },
  };
}

/**
 * Opens an event stream on this reply (the fallback transport). Headers set by hooks (CORS) are kept.
 * Returns the client to register; it is removed from the hub when the stream closes.
 */
export function openEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  hub: ChatHub,
  side: ChatClient['side'],
  userId?: string,
): ChatClient {
  reply.hijack();
  const headers = Object.fromEntries(
    Object.entries(reply.getHeaders()).filter(
      (e): e is [string, string | number | string[]] => e[1] !== undefined,
    ),
  );
  reply.raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  reply.raw.write(': relais chat\n\n');
  const client: ChatClient = {
    side,
    ...(userId ? { userId } : {}),
    lobby: false,
    chats: new Set(),
    send: (frame) => {
      if (!reply.raw.writableEnded) reply.raw.write(`data: ${JSON.stringify(frame)}\n\n`);
    },
  };
  const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), 25_000);
  const end = () => reply.raw.end();
  hub.streams.add(end);
  req.raw.on('close', () => {
    clearInterval(heartbeat);
    hub.streams.delete(end);
    hub.remove(client);
  });
  return client;
}

export const sendProblemFrame = (client: ChatClient, err: unknown) => client.send(errorFrame(err));
