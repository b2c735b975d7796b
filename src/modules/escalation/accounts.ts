/**
 * Tickets as the customer portal sees them (src/modules/customers, src/web/account.ts): the tickets of
 * one customer account, found by account and reference — never by id alone, so one customer cannot
 * reach another's. Only this module writes `tickets`; the customers module calls these functions.
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import { ConflictError, NotFoundError } from '../../server/errors.ts';
import { recordEvent } from '../events/service.ts';
import * as repo from './repository.ts';
import { presentCustomerView, replyAsCustomer } from './service.ts';

/** Joins the tickets created with this (now verified) address to the account. */
export const attachTicketsByEmail = (db: DbOrTx, email: string, accountId: string) =>
  repo.attachTicketsByEmail(db, email.trim().toLowerCase(), accountId);

/** Merge: every ticket of `fromId` now belongs to `toId`. */
export const moveAccountTickets = (db: DbOrTx, fromId: string, toId: string) =>
  repo.moveAccountTickets(db, fromId, toId);

/** Every ticket of the account, most recently updated first (headlines only). */
export async function listAccountTickets(db: DbOrTx, accountId: string) {
  const rows = await repo.listAccountTickets(db, accountId);
  return rows.map((t) => ({
    id: t.id,
    reference: t.reference,
    subject: t.subject,
    status: t.status,
    channel: t.channel,
    locale: t.locale,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  }));
}

async function accountTicket(db: DbOrTx, accountId: string, reference: string) {
  const ticket = await repo.findAccountTicket(db, accountId, reference);
  // Another customer's reference answers exactly like one that does not exist.
  if (!ticket) throw new NotFoundError('Ticket');
  return ticket;
}

/** The thread as the customer sees it (public messages only), for the account's own ticket. */
export async function accountTicketView(db: DbOrTx, accountId: string, reference: string) {
  return presentCustomerView(db, await accountTicket(db, accountId, reference));
}

export async function replyToAccountTicket(db: Db, accountId: string, reference: string, body: string) {
  return replyAsCustomer(db, await accountTicket(db, accountId, reference), body);
}

/** The customer closes their request: it takes no more customer replies. */
export async function closeAccountTicket(db: Db, accountId: string, reference: string) {
  const ticket = await accountTicket(db, accountId, reference);
  if (ticket.status === 'closed') return;
  await db.transaction(async (tx) => {
    await repo.updateTicket(tx, ticket.id, { status: 'closed' });
    await recordEvent(tx, {
      type: 'ticket.customer_closed',
      channel: 'helpcentre',
      locale: ticket.locale,
      subjectType: 'ticket',
      subjectId: ticket.id,
    });
  });
}

/** CSAT (1–5) on a solved or closed request: one more `survey.answered` for the dashboard. */
export async function rateAccountTicket(db: DbOrTx, accountId: string, reference: string, score: number) {
  const ticket = await accountTicket(db, accountId, reference);
  if (ticket.status !== 'solved' && ticket.status !== 'closed') {
    throw new ConflictError('Only a solved or closed request can be rated.');
  }
  await recordEvent(db, {
    type: 'survey.answered',
    channel: 'helpcentre',
    locale: ticket.locale,
    subjectType: 'ticket',
    subjectId: ticket.id,
    data: { kind: 'csat', score, context: 'contact' },
  });
}

/** Erasure of the account: its tickets lose every contact detail and what the customer wrote. */
export const anonymiseAccountTickets = (db: DbOrTx, accountId: string, placeholder: string) =>
  repo.anonymiseAccountTickets(db, accountId, placeholder);
