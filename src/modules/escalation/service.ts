import { randomInt } from 'node:crypto';
import { newSecret, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { ConflictError, NotFoundError } from '../../server/errors.ts';
import { recordEvent } from '../events/service.ts';
import { takeJourneyForEscalation } from '../journey/service.ts';
import { enqueue } from '../outbox/service.ts';
import { callbackColumns, callbackSlots } from './callbacks.ts';
import type { EscalationChannel, EscalationRequest } from './contract.ts';
import { ticketEmail } from './deliveries.ts';
import { type HandoffPhase, initialHandoff, type NoticeKey, transition } from './handoff.ts';
import { mergeJourney } from './journey-context.ts';
import * as repo from './repository.ts';
import { type EscalationSettings, isOpen, levelOf, readEscalationSettings } from './settings.ts';

export type { EscalationRequest } from './contract.ts';
export type { TicketRow } from './repository.ts';

/** An agent counts as online while the inbox sends heartbeats (every 30 s). */
export const PRESENCE_WINDOW_MS = 90_000;

export interface EscalateOptions {
  /** External base URL of Relais (config.publicUrl), for the customer's secure link. */
  publicUrl: string;
  now?: Date;
  /** The widget site the customer chats from, kept on the chat (its CORS applies to the chat's routes). */
  siteKey?: string | undefined;
  /** The signed-in customer account (portal, verified widget identity): set by the server, never by the body. */
  customerAccountId?: string | undefined;
}

/** The live side of a `live` ticket, opened in the escalation's transaction. */
export interface LiveChatOpening {
  id: string;
  /** Resume token (stored hashed by the chat module): the customer's key to the chat. */
  token: string;
}
export type LiveChatOpener = (
  tx: DbOrTx,
  ticket: { ticketId: string; locale: string; siteKey?: string | undefined },
) => Promise<LiveChatOpening>;

let liveChatOpener: LiveChatOpener | undefined;
/**
 * The chat module registers how a live ticket becomes a queued chat (it owns the chat tables), so that
 * every `live` escalation — API, bot, flow, widget — opens a real chat through this one path.
 */
export function registerLiveChatOpener(opener: LiveChatOpener) {
  liveChatOpener = opener;
}

export interface EscalationResult {
  ticketId: string;
  /** Public reference to quote, e.g. `R-7K3M9QXD`. Grants nothing by itself. */
  reference: string;
  /** Effective channel: `live` falls back to `form` when nobody can take the chat. */
  channel: EscalationChannel;
  level: 'simple' | 'intermediate' | 'expert';
  handoff: { phase: HandoffPhase; notice?: NoticeKey };
  /** Secure link for the customer to follow the ticket and reply (the token is stored hashed). */
  customerUrl: string;
  estimatedResponseMinutes: number;
  /** For `live`: the chat now waiting in the agents' queue (absent when it fell back to a form). */
  chat?: LiveChatOpening;
}

// No 0/O/1/I: references are read aloud on the phone.
const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newReference(): string {
  let s = 'R-';
  for (let i = 0; i < 8; i++) s += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return s;
}

const EVENT_CHANNEL = {
  helpcentre: 'helpcentre',
  widget: 'widget',
  bot: 'bot',
  flow: 'bot',
  api: 'api',
} as const;

export const customerLink = (publicUrl: string, token: string) =>
  `${publicUrl}/tickets/view?token=${encodeURIComponent(token)}`;

/** Issues a new secure link for a ticket (stored as SHA-256 only). */
export async function issueCustomerToken(db: DbOrTx, ticketId: string): Promise<string> {
  const token = newSecret();
  await repo.insertAccessToken(db, ticketId, sha256(token));
  return token;
}

export async function agentsOnline(db: DbOrTx, now = new Date()) {
  return repo.countAgentsOnline(db, new Date(now.getTime() - PRESENCE_WINDOW_MS));
}

/** What the customer may choose right now: channels, business hours, estimated response times. */
export async function escalationOffer(db: DbOrTx, locale: string, now = new Date()) {
  const settings = await readEscalationSettings(db);
  const open = isOpen(settings.businessHours, now);
  const online = open ? await agentsOnline(db, now) : 0;
  const channels = (['form', 'callback', 'live'] as const)
    .filter((c) => settings.channels[c])
    .map((channel) => {
      const available = channel !== 'live' || online > 0;
      return {
        channel,
        available,
        estimatedResponseMinutes: settings.responseMinutes[channel],
        ...(channel === 'live' ? { fallback: 'form' as const } : {}),
      };
    });
  return {
    open,
    agentsOnline: online,
    channels,
    businessHours: settings.businessHours as {
      timezone: string;
      week: Record<string, Array<[string, string]>>;
    },
    reasons: settings.reasons.map((r) => ({
      id: r.id,
      level: r.level,
      label: r.label[locale] ?? r.label.en ?? r.id,
    })),
    callbackSlots: callbackSlots(settings, locale, now),
  };
}

/**
 * Turns an escalation from any surface (help centre form, bot, flow, widget, API) into a ticket that
 * carries the whole context, in one transaction with: the customer's first message, a secure link,
 * the confirmation e-mail and the connector pushes (outbox), and one analytics event without any
 * personal data. A `live` request becomes a waiting chat when an agent is online during business
 * hours, otherwise a ticket — and the customer is told which (never a silent handoff).
 */
export async function escalate(
  db: Db,
  request: EscalationRequest,
  opts: EscalateOptions,
): Promise<EscalationResult> {
  const now = opts.now ?? new Date();
  const settings = await readEscalationSettings(db);
  const channel = await effectiveChannel(db, settings, request.channel, now);
  if (channel === 'live' && !liveChatOpener) throw new Error('No live chat opener registered.');
  const handoff =
    request.channel === 'live'
      ? transition(initialHandoff(), { type: 'request_human', agentsOnline: channel === 'live' })
      : { state: { phase: 'ticket' as const, session: 1 }, notice: undefined };
  const level = levelOf(settings, request.reason);
  const { customer, journeyId, ...handed } = request.context;
  // A callback's number is normalised (E.164) and its slot checked against those offered, before writing.
  const callback =
    channel === 'callback' && request.callback ? callbackColumns(settings, request.callback, now) : undefined;

  return db.transaction(async (tx) => {
    // The journey's steps are handed over with this ticket only (marked in this transaction).
    const context = mergeJourney(handed, await takeJourneyForEscalation(tx, journeyId, now), now);
    const ticket = await repo.insertTicket(tx, {
      reference: newReference(),
      channel,
      source: context.source,
      reason: request.reason ?? null,
      level,
      subject: request.subject,
      locale: context.locale,
      customerId: customer?.id ?? null,
      customerAccountId: opts.customerAccountId ?? null,
      customerEmail: customer?.email?.toLowerCase() ?? null,
      customerName: customer?.name ?? null,
      customerPhone: request.callback?.phone ?? customer?.phone ?? null,
      callbackTime: request.callback?.preferredTime ?? null,
      ...callback,
      handoffPhase: handoff.state.phase,
      context: { ...context, ...(customer?.segments ? { segments: customer.segments } : {}) },
    });
    await repo.insertMessage(tx, {
      ticketId: ticket.id,
      visibility: 'public',
      author: 'customer',
      body: request.description,
    });
    if (handoff.notice) {
      await repo.insertMessage(tx, {
        ticketId: ticket.id,
        visibility: 'public',
        author: 'system',
        body: handoff.notice,
      });
    }
    const token = await issueCustomerToken(tx, ticket.id);
    const link = customerLink(opts.publicUrl, token);
    const chat =
      channel === 'live'
        ? await liveChatOpener!(tx, { ticketId: ticket.id, locale: ticket.locale, siteKey: opts.siteKey })
        : undefined;
    await enqueue(tx, {
      topic: 'ticket.escalated',
      ticketId: ticket.id,
      emails: ticket.customerEmail ? [{ payload: ticketEmail('ticket_confirmation', link) }] : [],
      connectors: true,
    });
    // Counts and ids only: what the customer typed stays in the ticket.
    await recordEvent(tx, {
      type: 'escalation.created',
      channel: EVENT_CHANNEL[context.source],
      visitorId: context.visitorId,
      sessionId: context.sessionId,
      locale: context.locale,
      subjectType: 'ticket',
      subjectId: ticket.id,
      data: {
        requestedChannel: request.channel,
        channel,
        source: context.source,
        level,
        reason: request.reason ?? null,
        searches: context.searches?.length ?? 0,
        articlesViewed: context.articlesViewed?.length ?? 0,
        transcriptTurns: context.transcript?.length ?? 0,
        flowSteps: context.flowPath?.length ?? 0,
        selfServiceMs: context.selfServiceMs ?? null,
      },
    });
    return {
      ticketId: ticket.id,
      reference: ticket.reference,
      channel,
      level,
      handoff: { phase: handoff.state.phase, ...(handoff.notice ? { notice: handoff.notice } : {}) },
      customerUrl: link,
      estimatedResponseMinutes: settings.responseMinutes[channel],
      ...(chat ? { chat } : {}),
    };
  });
}

async function effectiveChannel(
  db: DbOrTx,
  settings: EscalationSettings,
  requested: EscalationChannel,
  now: Date,
): Promise<EscalationChannel> {
  if (requested !== 'live') return requested;
  const live =
    settings.channels.live && isOpen(settings.businessHours, now) && (await agentsOnline(db, now)) > 0;
  return live ? 'live' : 'form';
}

/** The ticket behind a secure customer link, or NotFoundError (same answer for wrong and expired). */
export async function ticketForToken(db: DbOrTx, token: string) {
  const ticket = token.length >= 20 ? await repo.findTicketByTokenHash(db, sha256(token)) : undefined;
  if (!ticket) throw new NotFoundError('Ticket');
  return ticket;
}

/** What the customer sees: public messages only, never internal notes, tags, assignee or context. */
export async function customerView(db: DbOrTx, token: string) {
  return presentCustomerView(db, await ticketForToken(db, token));
}

/** A ticket's customer view (secure link or portal): public messages only. */
export async function presentCustomerView(db: DbOrTx, ticket: repo.TicketRow) {
  const messages = await repo.listMessages(db, ticket.id, 'public');
  return {
    reference: ticket.reference,
    status: ticket.status,
    subject: ticket.subject,
    locale: ticket.locale,
    createdAt: ticket.createdAt,
    messages: messages.map((m) => ({ id: m.id, author: m.author, body: m.body, createdAt: m.createdAt })),
  };
}

/** A customer's reply through the secure link reopens the ticket; a closed ticket takes no more replies. */
export async function customerReply(db: Db, token: string, body: string) {
  return replyAsCustomer(db, await ticketForToken(db, token), body);
}

/** The customer's reply (secure link or portal), once the caller has established whose ticket it is. */
export async function replyAsCustomer(db: Db, ticket: repo.TicketRow, body: string) {
  if (ticket.status === 'closed') {
    throw new ConflictError('This request is closed: please start a new one from the help centre.');
  }
  return db.transaction(async (tx) => {
    const message = await repo.insertMessage(tx, {
      ticketId: ticket.id,
      visibility: 'public',
      author: 'customer',
      body,
    });
    await repo.updateTicket(tx, ticket.id, { status: 'open' });
    await recordEvent(tx, {
      type: 'ticket.customer_replied',
      channel: 'helpcentre',
      locale: ticket.locale,
      subjectType: 'ticket',
      subjectId: ticket.id,
    });
    return message;
  });
}
