/**
 * Per-node fan-out. Each node LISTENs once on `relais_chat`; a notification names a chat and what
 * changed — a message carries itself, so delivering it costs no read — and the hub pushes it to the
 * sockets and SSE streams this node holds for that chat (state changes are read once per node). A customer on node A and an agent on node B thus meet through
 * PostgreSQL; on PGlite the same path runs in-process.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/client.ts';
import { CHAT_CHANNEL, type ChatService, type ChatSignal, type Side } from './service.ts';

/** Anything the server sends: see the protocol in docs/api.md. */
export type ServerFrame = { type: string; [k: string]: unknown };

export interface ChatClient {
  side: Side;
  /** Agents: their user id. */
  userId?: string;
  /** Agents: receive queue updates. */
  lobby: boolean;
  /** Chats this connection follows (a customer: one). */
  chats: Set<string>;
  send(frame: ServerFrame): void;
}

export class ChatHub {
  private readonly byChat = new Map<string, Set<ChatClient>>();
  /** ticket id of each followed chat: messages are read by (ticket, id). */
  private readonly ticketOf = new Map<string, string>();
  private readonly lobby = new Set<ChatClient>();
  private unlisten: (() => Promise<void>) | undefined;
  private queueDirty = false;
  private queueRunning = false;

  constructor(
    private readonly chats: ChatService,
    private readonly database: Database,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start() {
    this.unlisten = await this.database.listen(CHAT_CHANNEL, (payload) => {
      let s: ChatSignal;
      try {
        s = JSON.parse(payload) as ChatSignal;
      } catch {
        return;
      }
      this.dispatch(s).catch((err) => this.log.warn({ err }, 'chat: fan-out failed'));
    });
  }

  async stop() {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Open connections and followed chats on this node (health, benchmarks). */
  stats() {
    let connections = this.lobby.size;
    const seen = new Set<ChatClient>(this.lobby);
    for (const set of this.byChat.values()) {
      for (const c of set) {
        if (seen.has(c)) continue;
        seen.add(c);
        connections++;
      }
    }
    return { connections, chats: this.byChat.size };
  }

  follow(client: ChatClient, chat: { id: string; ticketId: string }) {
    client.chats.add(chat.id);
    this.ticketOf.set(chat.id, chat.ticketId);
    let set = this.byChat.get(chat.id);
    if (!set) {
      set = new Set();
      this.byChat.set(chat.id, set);
    }
    set.add(client);
  }

  unfollow(client: ChatClient, chatId: string) {
    client.chats.delete(chatId);
    const set = this.byChat.get(chatId);
    set?.delete(client);
    if (set && !set.size) {
      this.byChat.delete(chatId);
      this.ticketOf.delete(chatId);
    }
  }

  joinLobby(client: ChatClient) {
    client.lobby = true;
    this.lobby.add(client);
  }

  /** Event streams to end on shutdown (sockets are closed by the WebSocket server). */
  readonly streams = new Set<() => void>();

  remove(client: ChatClient) {
    for (const id of [...client.chats]) this.unfollow(client, id);
    this.lobby.delete(client);
  }

  private async dispatch(s: ChatSignal) {
    if (s.k === 'q') return this.queueChanged();
    const clients = this.byChat.get(s.c);
    if (!clients?.size) return;
    switch (s.k) {
      case 'm': {
        // The message rides in the notification; only an oversized one is read back (once per node).
        const message = s.msg ?? (await this.chats.message({ ticketId: this.ticketOf.get(s.c)! }, s.m));
        if (message) for (const c of clients) c.send({ type: 'message', chatId: s.c, message });
        return;
      }
      case 't':
        for (const c of clients)
          if (c.side !== s.w) c.send({ type: 'typing', chatId: s.c, from: s.w, on: s.on });
        return;
      case 'r':
        for (const c of clients) c.send({ type: 'read', chatId: s.c, by: s.w, messageId: s.m });
        return;
      case 's': {
        const row = await this.chats.find(s.c).catch(() => undefined);
        if (!row) return;
        const chat = await this.chats.view(row);
        for (const c of clients) {
          // A transferred chat leaves the previous agent's screen read-only; it stays followed.
          c.send({ type: 'state', chat: c.side === 'agent' ? { ...chat, ticketId: row.ticketId } : chat });
        }
        return;
      }
    }
  }

  /** Coalesced: a burst of queue changes costs one read per node. */
  private async queueChanged() {
    this.queueDirty = true;
    if (this.queueRunning) return;
    this.queueRunning = true;
    try {
      while (this.queueDirty) {
        this.queueDirty = false;
        await new Promise((r) => setTimeout(r, 20));
        const waitingCustomers = [...this.byChat.entries()].filter(([, set]) =>
          [...set].some((c) => c.side === 'customer'),
        );
        if (!this.lobby.size && !waitingCustomers.length) continue;
        const queue = await this.chats.queue();
        for (const c of this.lobby) c.send({ type: 'queue', waiting: queue });
        if (!waitingCustomers.length) continue;
        const per = await this.chats.perChatSeconds();
        const rank = new Map(queue.map((q, i) => [q.id, i + 1]));
        for (const [chatId, set] of waitingCustomers) {
          const position = rank.get(chatId);
          if (!position) continue;
          const frame = { type: 'queue', chatId, position, estimatedWaitSeconds: Math.round(position * per) };
          for (const c of set) if (c.side === 'customer') c.send(frame);
        }
      }
    } finally {
      this.queueRunning = false;
    }
  }
}
