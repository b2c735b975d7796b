/**
 * The console's one live-chat connection (docs/api.md, "Live chat"): a WebSocket to
 * `/api/v1/chats/socket` (same origin, session cookie, CSRF token in the query), or where it cannot
 * open, an event stream (`/api/v1/chats/events`, same frames) with the POST endpoints for writing.
 */
import { post } from './api.ts';

export interface ChatMessage {
  id: number;
  author: 'customer' | 'agent' | 'system';
  authorName: string | null;
  body: string;
  createdAt: string;
}
export interface ChatSummary {
  id: string;
  ticketId: string;
  status: 'waiting' | 'active' | 'ended' | 'timed_out';
  reference: string;
  subject: string;
  customerName: string | null;
  locale: string;
  agent: { id: string; name: string } | null;
  createdAt: string;
  acceptedAt: string | null;
}
export interface ChatView {
  id: string;
  ticketId: string;
  status: ChatSummary['status'];
  locale: string;
  agent: { id: string; name: string } | null;
  customerReadId: number;
  agentReadId: number;
  messages: ChatMessage[];
}
export type ServerFrame =
  | { type: 'queue'; waiting: ChatSummary[] }
  | { type: 'state'; chat: ChatView }
  | { type: 'message'; chatId: string; message: ChatMessage }
  | { type: 'typing'; chatId: string; from: 'customer' | 'agent'; on: boolean }
  | { type: 'read'; chatId: string; by: 'customer' | 'agent'; messageId: number }
  | { type: 'error'; status: number; code: string; detail: string }
  | { type: 'pong' };

type Listener = (frame: ServerFrame) => void;

class ChatConnection {
  private ws: WebSocket | undefined;
  private es: EventSource | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly watched = new Set<string>();
  private csrf = '';
  private retry = 0;

  start(csrf: string) {
    this.csrf = csrf;
    if (!this.ws && !this.es) this.openSocket();
  }

  on(listener: Listener) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  watch(chatId: string) {
    this.watched.add(chatId);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'watch', chatId }));
    else if (this.es) this.openStream();
  }

  unwatch(chatId: string) {
    this.watched.delete(chatId);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'unwatch', chatId }));
  }

  /** A frame over the socket, or its POST twin without one. */
  send(
    chatId: string,
    frame:
      | { type: 'message'; text: string }
      | { type: 'typing'; on: boolean }
      | { type: 'read'; messageId: number },
  ) {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ ...frame, chatId }));
      return Promise.resolve();
    }
    const { type, ...body } = frame;
    const path = type === 'message' ? 'messages' : type;
    return post(`/chats/${chatId}/${path}`, body).then(() => undefined);
  }

  private emit(frame: ServerFrame) {
    for (const l of this.listeners) l(frame);
  }

  private openSocket() {
    const url = new URL(`/api/v1/chats/socket?csrf=${encodeURIComponent(this.csrf)}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let opened = false;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.retry = 0;
      for (const chatId of this.watched) ws.send(JSON.stringify({ type: 'watch', chatId }));
    };
    ws.onmessage = (e) => this.emit(JSON.parse(String(e.data)) as ServerFrame);
    ws.onclose = () => {
      this.ws = undefined;
      if (!opened) return this.openStream();
      setTimeout(() => this.openSocket(), Math.min(10_000, 500 * 2 ** this.retry++));
    };
  }

  private openStream() {
    this.es?.close();
    const watch = [...this.watched].join(',');
    this.es = new EventSource(`/api/v1/chats/events${watch ? `?watch=${watch}` : ''}`);
    this.es.onmessage = (e) => this.emit(JSON.parse(String(e.data)) as ServerFrame);
  }
}

export const chatConnection = new ChatConnection();
