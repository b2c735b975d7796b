import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerLiveChatOpener } from '../escalation/service.ts';
import { ChatHub } from './hub.ts';
import { ChatService, openLiveChat } from './service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatService;
    chatHub: ChatHub;
  }
}

/** How often each node looks for waiting chats past the acceptance delay (one indexed UPDATE). */
const SWEEP_MS = 1000;

/**
 * Live chat's shared parts: the WebSocket server (frames up to 16 KiB), the service, this node's hub
 * listening on `relais_chat`, and the sweep that turns unanswered chats into a form/callback offer.
 */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(websocket, { options: { maxPayload: 16 * 1024 } });
    // Every `live` escalation (API, bot, flow, widget) opens a queued chat through the escalation service.
    registerLiveChatOpener(openLiveChat);
    const service = new ChatService(app.db, app.database, app.config.publicUrl);
    const hub = new ChatHub(service, app.database, app.log);
    app.decorate('chat', service);
    app.decorate('chatHub', hub);
    // A refused upgrade (401, 403, 404…) is answered over the raw socket, which nothing else closes.
    app.addHook('onResponse', async (req, reply) => {
      if (req.headers.upgrade?.toLowerCase() === 'websocket' && reply.statusCode >= 400)
        req.raw.socket?.end();
    });
    let sweep: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      await hub.start();
      sweep = setInterval(() => {
        service.sweepTimeouts().catch((err) => app.log.warn({ err }, 'chat: time-out sweep failed'));
      }, SWEEP_MS);
      sweep.unref();
    });
    app.addHook('preClose', async () => {
      clearInterval(sweep);
      await hub.stop();
      // Sockets would keep the server from closing.
      for (const client of app.websocketServer?.clients ?? []) client.terminate();
      for (const end of app.chatHub.streams) end();
    });
  },
  { name: 'relais-chat', dependencies: ['relais-db'] },
);
