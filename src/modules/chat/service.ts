/**
 * Live chat between a customer and an agent. A chat is the live side of a ticket created by the
 * escalation service (one hand-over path, one transaction); its transcript is the ticket's thread.
 * Every write runs in a transaction that also NOTIFYs `relais_chat` with ids only; each node's hub
 * (hub.ts) reads what changed from the database and pushes it to the sockets it holds.
 */

import { newSecret, sha256 } from '../../crypto/secrets.ts';
import type { Database, Db, DbOrTx } from '../../db/client.ts';
import { notifyOnCommit } from '../../db/notify.ts';
import { type Actor, can } from '../../server/access.ts';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../server/errors.ts';
import type { EscalationRequest } from '../escalation/contract.ts';
import { agentsOnline, escalate, type LiveChatOpener, PRESENCE_WINDOW_MS } from '../escalation/service.ts';
import { readEscalationSettings } from '../escalation/settings.ts';
import * as thread from '../escalation/thread.ts';
import { recordEvent } from '../events/service.ts';
import * as repo from './repository.ts';

export type { ChatRow } from './repository.ts';
export type Side = 'customer' | 'agent';

/** The one notification channel; payloads are a few ids (well under PostgreSQL's 8000 bytes). */
export const CHAT_CHANNEL = 'relais_chat';
/** Longest chat message, in characters. */
export const MAX_MESSAGE = 2000;
const DEFAULT_ACCEPT_SECONDS = 60;

/** What a notification says: `m` message, `t` typing, `r` read, `s` state changed, `q` queue changed. */
export type ChatSignal =
  | { k: 'm'; c: string; m: number; msg?: ChatMessage }
  | { k: 't'; c: string; w: Side; on: boolean }
  | { k: 'r'; c: string; w: Side; m: number }
  | { k: 's'; c: string }
  | { k: 'q' };

const signal = (tx: DbOrTx, s: ChatSignal) => notifyOnCommit(tx, CHAT_CHANNEL, JSON.stringify(s));

/** The chat is not open to this writer (over, or not theirs): the transaction rolls back. */
class PostRefused extends Error {}

export class ChatUnavailableError extends AppError {
  constructor() {
    super(
      'chat-unavailable',
      409,
      'No advisor can take a live chat right now: leave a request or ask for a callback.',
    );
  }
}

export interface StartChatInput {
  request: Omit<EscalationRequest, 'channel'>;
  siteKey?: string | undefined;
  /** The signed-in customer account (help-centre portal session), set by the server. */
  customerAccountId?: string | undefined;
}

export class ChatService {
  constructor(
    readonly db: Db,
    private readonly database: Database,
    private readonly publicUrl: string,
  ) {}

  /**
   * Opens a chat: the escalation service writes the ticket (channel `live`, the customer's first
   * message, the context) and this chat row joins the same transaction. When nobody can take it (closed,
   * nobody online), nothing is written and ChatUnavailableError tells the surface to offer the form.
   */
  async start(input: StartChatInput) {
    return this.db.transaction(async (tx) => {
      const result = await escalate(
        tx as unknown as Db,
        { ...input.request, channel: 'live' },
        { publicUrl: this.publicUrl, siteKey: input.siteKey, customerAccountId: input.customerAccountId },
      );
      if (!result.chat) throw new ChatUnavailableError();
      const chat = (await repo.findChat(tx, result.chat.id))!;
      return { chat, token: result.chat.token };
    });
  }

  /** The chat behind a resume token; the same 404 for an unknown id and a wrong token (no IDOR). */
  async forToken(id: string, token: string | undefined) {
    const row =
      token && token.length >= 20 ? await repo.findChatWithHash(this.db, id, sha256(token)) : undefined;
    if (!row) throw new NotFoundError('Chat');
    return row;
  }

  async find(id: string) {
    const row = await repo.findChat(this.db, id);
    if (!row) throw new NotFoundError('Chat');
    return row;
  }

  /**
   * A message from either side; the customer may write while waiting, an agent once they hold the
   * chat. One transaction: the message joins the ticket thread, the writer's read mark moves — only
   * while the chat is open to this side, checked in that UPDATE, so a stale `chat` is harmless — and
   * the NOTIFY carries the presented message itself, so no node reads it back to fan it out.
   */
  async post(chat: Pick<repo.ChatRow, 'id' | 'ticketId'>, side: Side, actorId: string | null, text: string) {
    const body = text.trim();
    if (!body) throw new ValidationError('Write a message.', 'text');
    if (body.length > MAX_MESSAGE) throw new ValidationError(`At most ${MAX_MESSAGE} characters.`, 'text');
    const names = side === 'agent' && actorId ? await this.staffNames([actorId]) : new Map<string, string>();
    try {
      return await this.db.transaction(async (tx) => {
        const m = await thread.appendPublicMessage(tx, chat.ticketId, {
          author: side,
          authorId: side === 'agent' ? actorId : null,
          body,
        });
        const message = presentMessage(m, names);
        const full = JSON.stringify({ k: 'm', c: chat.id, m: m.id, msg: message } satisfies ChatSignal);
        // PostgreSQL refuses payloads of 8000 bytes or more: a long message goes by id, read once per node.
        const payload =
          Buffer.byteLength(full) < 7900
            ? full
            : JSON.stringify({ k: 'm', c: chat.id, m: m.id } satisfies ChatSignal);
        const open = await repo.markReadIfOpen(tx, chat.id, side, m.id, actorId, CHAT_CHANNEL, payload);
        if (!open) throw new PostRefused();
        return message;
      });
    } catch (err) {
      if (!(err instanceof PostRefused)) throw err;
      const row = await this.find(chat.id);
      if (row.status === 'ended' || row.status === 'timed_out') {
        throw new ConflictError('This chat is over.', 'status');
      }
      throw new ForbiddenError('Accept this chat before writing in it.');
    }
  }

  /** Staff display names, kept a minute (they are on every agent message). */
  private readonly nameCache = new Map<string, { name: string; at: number }>();
  private async staffNames(ids: string[]) {
    const now = Date.now();
    const missing = ids.filter((id) => (this.nameCache.get(id)?.at ?? 0) < now - 60_000);
    if (missing.length) {
      const found = await repo.staffNames(this.db, missing);
      for (const [id, name] of found) this.nameCache.set(id, { name, at: now });
    }
    return new Map(ids.flatMap((id) => (this.nameCache.has(id) ? [[id, this.nameCache.get(id)!.name]] : [])));
  }

  /** Typing indicators are not stored: a notification only. */
  async typing(chat: repo.ChatRow, side: Side, on: boolean) {
    if (chat.status !== 'active' && chat.status !== 'waiting') return;
    await this.database.notify(
      CHAT_CHANNEL,
      JSON.stringify({ k: 't', c: chat.id, w: side, on } satisfies ChatSignal),
    );
  }

  async read(chat: repo.ChatRow, side: Side, messageId: number) {
    await this.db.transaction(async (tx) => {
      await repo.markRead(tx, chat.id, side, messageId);
      await signal(tx, { k: 'r', c: chat.id, w: side, m: messageId });
    });
  }

  /** First agent wins, across nodes (a conditional UPDATE); the others get 409. */
  async accept(actor: Actor, chatId: string) {
    const agentId = agentOf(actor);
    const chat = await this.find(chatId);
    return this.db.transaction(async (tx) => {
      const row = await repo.claimWaiting(tx, chat.id, agentId);
      if (!row) throw new ConflictError('This chat was already taken or is over.', 'status');
      await thread.setLivePhase(tx, chat.ticketId, 'agent', { assigneeId: agentId, status: 'open' });
      await thread.appendPublicMessage(tx, chat.ticketId, { author: 'system', body: 'handoff.agent_joined' });
      await recordEvent(tx, {
        type: 'chat.accepted',
        channel: 'console',
        locale: chat.locale,
        subjectType: 'ticket',
        subjectId: chat.ticketId,
        data: { waitedMs: row.acceptedAt!.getTime() - row.createdAt.getTime() },
      });
      await signal(tx, { k: 's', c: chat.id });
      await signal(tx, { k: 'q' });
      return row;
    });
  }

  /** Hands an active chat to another available agent (the holder or an admin may). */
  async transfer(actor: Actor, chatId: string, toId: string) {
    const me = agentOf(actor);
    const chat = await this.find(chatId);
    if (chat.status !== 'active')
      throw new ConflictError('Only an active chat can be transferred.', 'status');
    if (chat.agentId !== me && !can(actor, 'settings:manage')) {
      throw new ForbiddenError('Only the agent in this chat can transfer it.');
    }
    const target = await repo.findAgent(this.db, toId);
    if (!target || toId === chat.agentId)
      throw new ValidationError('Choose another active agent.', 'agentId');
    return this.db.transaction(async (tx) => {
      const row = await repo.updateChat(tx, chat.id, { agentId: target.id });
      await thread.setLivePhase(tx, chat.ticketId, 'agent', { assigneeId: target.id });
      await thread.appendPublicMessage(tx, chat.ticketId, { author: 'system', body: 'chat.transferred' });
      await recordEvent(tx, {
        type: 'chat.transferred',
        channel: 'console',
        locale: chat.locale,
        subjectType: 'ticket',
        subjectId: chat.ticketId,
      });
      await signal(tx, { k: 's', c: chat.id });
      return row!;
    });
  }

  /** Ends the chat from either side; the ticket is solved when an agent had it, kept open otherwise. */
  async end(chat: repo.ChatRow, by: Side, actor?: Actor) {
    if (chat.status === 'ended' || chat.status === 'timed_out') return chat;
    if (by === 'agent' && actor && chat.agentId !== agentOf(actor) && !can(actor, 'settings:manage')) {
      throw new ForbiddenError('Only the agent in this chat can end it.');
    }
    return this.db.transaction(async (tx) => {
      const row = await repo.updateChat(tx, chat.id, { status: 'ended', endedBy: by, endedAt: new Date() });
      const handled = chat.status === 'active';
      await thread.setLivePhase(
        tx,
        chat.ticketId,
        handled ? 'resolved' : 'ticket',
        handled ? { status: 'solved' } : {},
      );
      await thread.appendPublicMessage(tx, chat.ticketId, { author: 'system', body: 'handoff.resolved' });
      await recordEvent(tx, {
        type: 'chat.ended',
        channel: by === 'agent' ? 'console' : 'widget',
        locale: chat.locale,
        subjectType: 'ticket',
        subjectId: chat.ticketId,
        data: { by, handled },
      });
      await signal(tx, { k: 's', c: chat.id });
      if (chat.status === 'waiting') await signal(tx, { k: 'q' });
      return row!;
    });
  }

  /** Waiting chats past the configured delay: the customer is offered the form or a callback. */
  async sweepTimeouts(now = new Date()) {
    const settings = await readEscalationSettings(this.db);
    const seconds = settings.liveChat?.acceptTimeoutSeconds ?? 120;
    return this.db.transaction(async (tx) => {
      const rows = await repo.timeOutWaiting(tx, new Date(now.getTime() - seconds * 1000));
      for (const row of rows) {
        await thread.setLivePhase(tx, row.ticketId, 'ticket');
        await thread.appendPublicMessage(tx, row.ticketId, {
          author: 'system',
          body: 'handoff.wait_timeout_ticket_created',
        });
        await signal(tx, { k: 's', c: row.id });
      }
      if (rows.length) await signal(tx, { k: 'q' });
      return rows.length;
    });
  }

  /**
   * After a time-out (or when the customer leaves the queue), the same ticket becomes a form or callback
   * request: the contact details given now are added, what was typed is already its thread.
   */
  async fallback(
    chat: repo.ChatRow,
    input: {
      channel: 'form' | 'callback';
      email?: string | undefined;
      name?: string | undefined;
      phone?: string | undefined;
      preferredTime?: string | undefined;
      slot?: string | undefined;
      note?: string | undefined;
    },
  ) {
    if (chat.status === 'active') throw new ConflictError('An advisor is in this chat.', 'status');
    if (input.channel === 'form' && !input.email)
      throw new ValidationError('Enter a valid e-mail address.', 'email');
    if (input.channel === 'callback' && !input.phone)
      throw new ValidationError('Enter a phone number.', 'phone');
    return this.db.transaction(async (tx) => {
      if (chat.status === 'waiting') {
        await repo.updateChat(tx, chat.id, { status: 'ended', endedBy: 'customer', endedAt: new Date() });
        await signal(tx, { k: 'q' });
      }
      if (input.note?.trim()) {
        await thread.appendPublicMessage(tx, chat.ticketId, { author: 'customer', body: input.note.trim() });
      }
      const ticket = await thread.convertLiveTicket(tx, chat.ticketId, input, this.publicUrl);
      await signal(tx, { k: 's', c: chat.id });
      const settings = await readEscalationSettings(tx);
      return {
        reference: ticket.reference,
        channel: input.channel,
        estimatedResponseMinutes: settings.responseMinutes[input.channel],
      };
    });
  }

  /** The transcript by e-mail through the outbox. */
  async emailTranscript(chat: repo.ChatRow, email: string | undefined) {
    const sent = await this.db.transaction((tx) =>
      thread.enqueueTranscript(tx, chat.ticketId, email, this.publicUrl),
    );
    if (!sent) throw new ValidationError('Enter a valid e-mail address.', 'email');
  }

  /** What a side sees of a chat: status, queue position, agent, whole thread, read receipts. */
  async view(chat: repo.ChatRow) {
    const [messages, names, queue] = await Promise.all([
      thread.publicThread(this.db, chat.ticketId),
      repo.staffNames(this.db, chat.agentId ? [chat.agentId] : []),
      chat.status === 'waiting' ? this.queueOf(chat.id) : undefined,
    ]);
    const agentNames = await repo.staffNames(this.db, [
      ...new Set(messages.flatMap((m) => (m.authorId ? [m.authorId] : []))),
    ]);
    const customerText = messages.filter((m) => m.author === 'customer').map((m) => m.body);
    return {
      id: chat.id,
      status: chat.status,
      locale: chat.locale,
      agent: chat.agentId ? { id: chat.agentId, name: names.get(chat.agentId) ?? '' } : null,
      position: queue?.position ?? null,
      estimatedWaitSeconds: queue?.estimatedWaitSeconds ?? null,
      customerReadId: chat.customerReadId,
      agentReadId: chat.agentReadId,
      messages: messages.map((m) => presentMessage(m, agentNames)),
      // After a time-out, what the customer typed, to prefill the form: nothing is lost.
      draft:
        chat.status === 'timed_out'
          ? {
              subject: (customerText[0] ?? '').slice(0, 200),
              description: customerText.join('\n').slice(0, 10_000),
            }
          : null,
    };
  }

  /** Position (1 = next) and estimated wait of a waiting chat. */
  async queueOf(chatId: string) {
    const waiting = await repo.listWaiting(this.db);
    const index = waiting.findIndex((c) => c.id === chatId);
    if (index < 0) return undefined;
    const per = await this.perChatSeconds();
    return { position: index + 1, estimatedWaitSeconds: Math.round((index + 1) * per) };
  }

  /** Seconds each queued chat adds: mean acceptance time shared by the agents online. */
  async perChatSeconds() {
    const [mean, online] = await Promise.all([repo.meanAcceptSeconds(this.db), agentsOnline(this.db)]);
    return (mean ?? DEFAULT_ACCEPT_SECONDS) / Math.max(1, online);
  }

  /** Agents' queue (waiting, oldest first) with the ticket's reference and subject. */
  async queue() {
    const waiting = await repo.listWaiting(this.db);
    return this.summaries(waiting);
  }

  async listFor(actor: Actor, which: 'waiting' | 'mine' | 'active') {
    const rows =
      which === 'waiting'
        ? await repo.listWaiting(this.db)
        : which === 'mine'
          ? await repo.listActiveOf(this.db, agentOf(actor))
          : await repo.listActive(this.db);
    return this.summaries(rows);
  }

  private async summaries(rows: repo.ChatRow[]) {
    const [heads, names] = await Promise.all([
      thread.ticketHeadlines(
        this.db,
        rows.map((r) => r.ticketId),
      ),
      repo.staffNames(this.db, [...new Set(rows.flatMap((r) => (r.agentId ? [r.agentId] : [])))]),
    ]);
    return rows.map((r) => {
      const h = heads.get(r.ticketId);
      return {
        id: r.id,
        ticketId: r.ticketId,
        status: r.status,
        reference: h?.reference ?? '',
        subject: h?.subject ?? '',
        customerName: h?.customerName ?? null,
        locale: r.locale,
        agent: r.agentId ? { id: r.agentId, name: names.get(r.agentId) ?? '' } : null,
        createdAt: r.createdAt.toISOString(),
        acceptedAt: r.acceptedAt?.toISOString() ?? null,
      };
    });
  }

  /** The ticket's public reference (quoted to the customer). */
  async reference(chat: repo.ChatRow) {
    return (await thread.ticketHeadlines(this.db, [chat.ticketId])).get(chat.ticketId)?.reference;
  }

  /** Agents available right now (inbox heartbeat): transfer targets. */
  onlineAgents() {
    return repo.onlineAgents(this.db, new Date(Date.now() - PRESENCE_WINDOW_MS));
  }

  async message(chat: { ticketId: string }, id: number) {
    const m = await thread.publicMessage(this.db, chat.ticketId, id);
    if (!m) return undefined;
    const names = await repo.staffNames(this.db, m.authorId ? [m.authorId] : []);
    return presentMessage(m, names);
  }
}

/**
 * How the escalation service opens the live side of a `live` ticket, in its transaction: a waiting
 * chat in the queue (agents are told) and its resume token. Registered by the chat plugin.
 */
export const openLiveChat: LiveChatOpener = async (tx, ticket) => {
  const token = newSecret();
  const row = await repo.insertChat(tx, {
    ticketId: ticket.ticketId,
    tokenHash: sha256(token),
    siteKey: ticket.siteKey ?? null,
    locale: ticket.locale,
  });
  await signal(tx, { k: 'q' });
  return { id: row.id, token };
};

export function presentMessage(m: thread.ThreadMessage, names: Map<string, string>) {
  return {
    id: m.id,
    author: m.author,
    authorName: m.author === 'agent' && m.authorId ? (names.get(m.authorId) ?? null) : null,
    body: m.body,
    createdAt: m.createdAt.toISOString(),
  };
}
export type ChatMessage = ReturnType<typeof presentMessage>;
export type ChatView = Awaited<ReturnType<ChatService['view']>>;

function agentOf(actor: Actor): string {
  if (actor.kind !== 'user') throw new ForbiddenError('Only a signed-in agent can take chats.');
  return actor.id;
}
