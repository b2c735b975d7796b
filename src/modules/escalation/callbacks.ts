/**
 * Callback requests: the slots a customer may choose (inside business hours, in the company's time
 * zone), phone numbers normalised to E.164 (kept in the ticket only; logs redact `*.phone`), and the agents'
 * callback queue (due slots first) with its outcomes.
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import type { CALLBACK_STATUSES } from '../../db/schema.ts';
import type { Actor } from '../../server/access.ts';
import { NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { recordEvent } from '../events/service.ts';
import * as repo from './repository.ts';
import { type EscalationSettings, isOpen } from './settings.ts';

export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];
export type CallbackOutcome = Exclude<CallbackStatus, 'pending'>;

/** Length of a callback slot, and how soon the first one may start (time to read the request). */
export const SLOT_MINUTES = 30;
const LEAD_MINUTES = 15;
/** Slots offered at once, looked for over the next week at most. */
const SLOTS_OFFERED = 8;
const HORIZON_MS = 7 * 24 * 3_600_000;

export interface CallbackSlot {
  /** Start of the slot, ISO 8601 UTC: what a surface sends back as `callback.slot`. */
  start: string;
  /** The slot as the customer reads it, in the company's time zone and the customer's locale. */
  label: string;
}

/**
 * The next callback slots: each starts on a half-hour boundary at least LEAD_MINUTES from now and lies
 * entirely inside the business hours (checked in the configured time zone, so DST is handled by Intl).
 */
export function callbackSlots(
  settings: EscalationSettings,
  locale: string,
  now = new Date(),
  count = SLOTS_OFFERED,
): CallbackSlot[] {
  if (!settings.channels.callback) return [];
  const hours = settings.businessHours;
  const step = SLOT_MINUTES * 60_000;
  const earliest = now.getTime() + LEAD_MINUTES * 60_000;
  const slots: CallbackSlot[] = [];
  const format = slotFormat(locale, hours.timezone);
  for (let t = Math.ceil(earliest / step) * step; t < now.getTime() + HORIZON_MS; t += step) {
    // The slot's first and last minute are both open: it does not straddle a closing time.
    if (!isOpen(hours, new Date(t)) || !isOpen(hours, new Date(t + step - 60_000))) continue;
    slots.push({ start: new Date(t).toISOString(), label: formatSlot(format, new Date(t), step) });
    if (slots.length >= count) break;
  }
  return slots;
}

function slotFormat(locale: string, timeZone: string) {
  return {
    day: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }),
    time: new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }),
  };
}

function formatSlot(f: ReturnType<typeof slotFormat>, start: Date, step: number) {
  // « lundi 7 décembre, 14:00 – 14:30 » / "Monday, December 7, 2:00 PM – 2:30 PM"
  return `${f.day.format(start)}, ${f.time.format(start)} – ${f.time.format(new Date(start.getTime() + step))}`;
}

/** The slot a customer chose, if it is still one of those offered; otherwise the field's error. */
export function chosenSlot(
  settings: EscalationSettings,
  slot: string,
  now = new Date(),
  field = 'callback.slot',
): Date {
  const at = Date.parse(slot);
  const offered = Number.isNaN(at) ? [] : callbackSlots(settings, 'en', now, SLOTS_OFFERED * 2);
  const match = offered.find((s) => Date.parse(s.start) === at);
  if (!match) {
    throw new ValidationError('Choose one of the proposed time slots.', field);
  }
  return new Date(match.start);
}

/**
 * A phone number in E.164 (`+33612345678`): separators dropped, `00` read as `+`, a French national
 * number (`06 12 34 56 78`) given the +33 prefix. Anything else is undefined (the caller's 400).
 */
export function normalizePhone(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const e164 = /^0[1-9]\d{8}$/.test(international) ? `+33${international.slice(1)}` : international;
  return /^\+[1-9]\d{6,14}$/.test(e164) ? e164 : undefined;
}

export interface CallbackQueueItem {
  ticketId: string;
  reference: string;
  subject: string;
  customerName: string | null;
  phone: string | null;
  locale: string;
  dueAt: string | null;
  status: CallbackStatus;
  preferredTime: string | null;
  createdAt: string;
}

/** The callback queue, due slots first; `open` = pending and called (a follow-up is still owed). */
export async function callbackQueue(
  db: DbOrTx,
  which: 'open' | CallbackStatus = 'open',
): Promise<CallbackQueueItem[]> {
  const statuses: CallbackStatus[] = which === 'open' ? ['pending', 'called'] : [which];
  const rows = await repo.listCallbacks(db, statuses);
  return rows.map((t) => ({
    ticketId: t.id,
    reference: t.reference,
    subject: t.subject,
    customerName: t.customerName,
    phone: t.customerPhone,
    locale: t.locale,
    dueAt: t.callbackDueAt?.toISOString() ?? null,
    status: t.callbackStatus ?? 'pending',
    preferredTime: t.callbackTime,
    createdAt: t.createdAt.toISOString(),
  }));
}

const OUTCOME_NOTE: Record<CallbackOutcome, string> = {
  called: 'callback.called',
  done: 'callback.done',
  no_answer: 'callback.no_answer',
};

/**
 * An agent records a call: an internal note in the thread, the ticket assigned to them, solved when
 * done; audited and counted (ids and outcome only) in the same transaction.
 */
export async function recordCallbackOutcome(
  db: Db,
  actor: Actor,
  ticketId: string,
  outcome: CallbackOutcome,
  note: string | undefined,
) {
  const ticket = await repo.findTicket(db, ticketId);
  if (!ticket?.callbackStatus) throw new NotFoundError('Callback request');
  return db.transaction(async (tx) => {
    const row = await repo.updateTicket(tx, ticketId, {
      callbackStatus: outcome,
      ...(actor.kind === 'user' && !ticket.assigneeId ? { assigneeId: actor.id } : {}),
      ...(outcome === 'done'
        ? { status: 'solved' as const, solvedAt: new Date() }
        : { status: 'open' as const }),
    });
    await repo.insertMessage(tx, {
      ticketId,
      visibility: 'internal',
      author: 'agent',
      authorId: actor.kind === 'user' ? actor.id : null,
      body: note?.trim() ? `${OUTCOME_NOTE[outcome]}: ${note.trim()}` : OUTCOME_NOTE[outcome],
    });
    await recordAudit(tx, actor, {
      action: 'ticket.callback_recorded',
      subjectType: 'ticket',
      subjectId: ticketId,
      details: { outcome },
    });
    await recordEvent(tx, {
      type: `callback.${outcome}`,
      channel: 'console',
      locale: ticket.locale,
      subjectType: 'ticket',
      subjectId: ticketId,
    });
    return row!;
  });
}

/** Ticket columns for a new callback request (the escalation's transaction writes them). */
export function callbackColumns(
  settings: EscalationSettings,
  callback: { phone: string; slot?: string | undefined; preferredTime?: string | undefined },
  now: Date,
  /** Where the fields sit in the caller's body (`callback.` in an EscalationRequest). */
  prefix = 'callback.',
) {
  const phone = normalizePhone(callback.phone);
  if (!phone) throw new ValidationError('Enter a phone number, e.g. +33 6 12 34 56 78.', `${prefix}phone`);
  // Without a chosen slot, the request is due at the first slot the team can call.
  const due = callback.slot
    ? chosenSlot(settings, callback.slot, now, `${prefix}slot`)
    : new Date(callbackSlots(settings, 'en', now, 1)[0]?.start ?? now);
  return {
    customerPhone: phone,
    callbackDueAt: due,
    callbackStatus: 'pending' as const,
    callbackTime: callback.preferredTime ?? (callback.slot ? due.toISOString() : null),
  };
}
