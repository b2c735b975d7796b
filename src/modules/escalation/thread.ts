/**
 * The ticket thread as other modules use it: live chat (src/modules/chat) writes its transcript here,
 * so `GET /api/v1/tickets/{id}` shows the chat, and turns a live ticket into a form or callback
 * request when nobody accepted. Only this module writes `tickets` and `ticket_messages`.
 */
import type { DbOrTx } from '../../db/client.ts';
import { enqueue } from '../outbox/service.ts';
import { callbackColumns } from './callbacks.ts';
import { ticketEmail } from './deliveries.ts';
import * as repo from './repository.ts';
import { customerLink, issueCustomerToken } from './service.ts';
import { readEscalationSettings } from './settings.ts';

export type ThreadMessage = repo.MessageRow;

/** A public message in the ticket's thread (chat messages and chat notices). */
export function appendPublicMessage(
  tx: DbOrTx,
  ticketId: string,
  message: { author: 'customer' | 'agent' | 'system'; authorId?: string | null; body: string },
) {
  return repo.insertMessage(tx, {
    ticketId,
    visibility: 'public',
    author: message.author,
    authorId: message.authorId ?? null,
    body: message.body,
  });
}

/** Public messages of a ticket, oldest first (internal notes never). */
export const publicThread = (db: DbOrTx, ticketId: string) => repo.listMessages(db, ticketId, 'public');

export const findTicketRow = (db: DbOrTx, id: string) => repo.findTicket(db, id);

/** The live-handoff phase and assignee as the chat moves (handoff.ts phases). */
export async function setLivePhase(
  tx: DbOrTx,
  ticketId: string,
  phase: repo.TicketRow['handoffPhase'],
  patch: { assigneeId?: string | null; status?: repo.TicketRow['status'] } = {},
) {
  await repo.updateTicket(tx, ticketId, {
    handoffPhase: phase,
    ...patch,
    ...(patch.status === 'solved' ? { solvedAt: new Date() } : {}),
  });
}

/**
 * Nobody took the chat: the same ticket becomes a form or callback request with the contact details
 * the customer gives now, and the confirmation e-mail goes out (what they typed is already the thread).
 */
export async function convertLiveTicket(
  tx: DbOrTx,
  ticketId: string,
  input: {
    channel: 'form' | 'callback';
    email?: string | undefined;
    name?: string | undefined;
    phone?: string | undefined;
    preferredTime?: string | undefined;
    slot?: string | undefined;
  },
  publicUrl: string,
) {
  // A callback joins the callback queue like one asked for directly (E.164 number, checked slot).
  const callback =
    input.channel === 'callback' && input.phone
      ? callbackColumns(await readEscalationSettings(tx), { ...input, phone: input.phone }, new Date(), '')
      : undefined;
  const row = await repo.updateTicket(tx, ticketId, {
    channel: input.channel,
    handoffPhase: 'ticket',
    ...(input.email ? { customerEmail: input.email.toLowerCase() } : {}),
    ...(input.name ? { customerName: input.name } : {}),
    ...(input.phone ? { customerPhone: input.phone } : {}),
    ...(input.preferredTime ? { callbackTime: input.preferredTime } : {}),
    ...callback,
  });
  const link = customerLink(publicUrl, await issueCustomerToken(tx, ticketId));
  await enqueue(tx, {
    ticketId,
    topic: 'ticket.escalated',
    emails: row?.customerEmail ? [{ payload: ticketEmail('ticket_confirmation', link) }] : [],
    connectors: false,
  });
  return row!;
}

/** The chat's transcript by e-mail (outbox), to the address given now or the ticket's. */
export async function enqueueTranscript(
  tx: DbOrTx,
  ticketId: string,
  email: string | undefined,
  publicUrl: string,
) {
  const ticket = email
    ? await repo.updateTicket(tx, ticketId, { customerEmail: email.toLowerCase() })
    : await repo.findTicket(tx, ticketId);
  if (!ticket?.customerEmail) return false;
  const link = customerLink(publicUrl, await issueCustomerToken(tx, ticketId));
  await enqueue(tx, {
    ticketId,
    topic: 'ticket.replied',
    emails: [{ payload: ticketEmail('chat_transcript', link) }],
    connectors: false,
  });
  return true;
}

/** Reference, subject and locale of several tickets (chat queues), by id. */
export async function ticketHeadlines(db: DbOrTx, ids: string[]) {
  const rows = await repo.findTickets(db, ids);
  return new Map(
    rows.map((t) => [
      t.id,
      { reference: t.reference, subject: t.subject, locale: t.locale, customerName: t.customerName },
    ]),
  );
}

/** One public message of a ticket (chat fan-out reads messages by id, never from the notification). */
export async function publicMessage(db: DbOrTx, ticketId: string, id: number) {
  const m = await repo.findMessage(db, id);
  return m && m.ticketId === ticketId && m.visibility === 'public' ? m : undefined;
}
