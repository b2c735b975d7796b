/**
 * Customer accounts: one customer across surfaces. Resolution rules (docs/architecture.md,
 * "Customer accounts"): a verified e-mail finds or creates the customer with that address and joins
 * the tickets left with it; a host-signed widget identity finds the customer by external id, then by
 * e-mail; an address merely typed in a form never creates nor joins an account.
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import {
  anonymiseAccountTickets,
  attachTicketsByEmail,
  listAccountTickets,
  moveAccountTickets,
  rateAccountTicket,
} from '../escalation/accounts.ts';
import * as repo from './repository.ts';

export type { CustomerRow } from './repository.ts';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Segments as stored: trimmed, unique, sorted (compared with articles' segments as they are written). */
export const normaliseSegments = (segments: string[]) =>
  [...new Set(segments.map((s) => s.trim()).filter(Boolean))].sort();

export async function findCustomer(db: DbOrTx, id: string) {
  const row = await repo.findCustomer(db, id);
  if (!row) throw new NotFoundError('Customer');
  return row;
}

/** The customer a host-signed widget identity names (its `sub`), if any. */
export const findCustomerByExternalId = (db: DbOrTx, externalId: string) =>
  repo.findCustomerByExternalId(db, externalId);

/** Names for lists that show customers (labels, not ids): e-mail, else name, by id. */
export async function customerLabels(db: DbOrTx, ids: string[]) {
  const rows = await repo.findCustomersByIds(db, [...new Set(ids)]);
  return new Map(rows.map((c) => [c.id, c.email ?? c.name ?? c.externalId ?? c.id.slice(0, 8)]));
}

/**
 * The customer who has just proved they read `email` (magic link, IdP with `email_verified`): found
 * or created, marked verified and seen, and every ticket left with that address joins the account.
 */
export async function resolveVerifiedEmail(
  tx: DbOrTx,
  email: string,
  hints: { name?: string | undefined; locale?: string | undefined; externalId?: string | undefined } = {},
  now = new Date(),
) {
  const address = normaliseEmail(email);
  const byExternal = hints.externalId ? await repo.findCustomerByExternalId(tx, hints.externalId) : undefined;
  const existing = byExternal ?? (await repo.findCustomerByEmail(tx, address));
  const customer = existing
    ? await repo.updateCustomer(tx, existing.id, {
        emailVerifiedAt:
          existing.email === address ? (existing.emailVerifiedAt ?? now) : existing.emailVerifiedAt,
        lastSeenAt: now,
        ...(existing.name ? {} : hints.name ? { name: hints.name } : {}),
        ...(existing.locale ? {} : hints.locale ? { locale: hints.locale } : {}),
        ...(existing.externalId || !hints.externalId ? {} : { externalId: hints.externalId }),
      })
    : await repo.insertCustomer(tx, {
        email: address,
        emailVerifiedAt: now,
        name: hints.name ?? null,
        locale: hints.locale ?? null,
        externalId: hints.externalId ?? null,
        lastSeenAt: now,
      });
  await attachTicketsByEmail(tx, address, customer!.id);
  return customer!;
}

/**
 * A widget visitor whose identity the host signed: by external id first, else by the (host-vouched)
 * e-mail, else a new customer. The host is the source of truth for segments: they replace ours.
 */
export async function resolveWidgetIdentity(
  db: Db,
  claims: { externalId: string; email?: string | undefined; segments: string[] },
  now = new Date(),
) {
  return db.transaction(async (tx) => {
    const segments = normaliseSegments(claims.segments);
    const email = claims.email ? normaliseEmail(claims.email) : undefined;
    const byExternal = await repo.findCustomerByExternalId(tx, claims.externalId);
    const byEmail = !byExternal && email ? await repo.findCustomerByEmail(tx, email) : undefined;
    const found = byExternal ?? (byEmail && !byEmail.externalId ? byEmail : undefined);
    const customer = found
      ? await repo.updateCustomer(tx, found.id, {
          externalId: claims.externalId,
          segments,
          lastSeenAt: now,
          ...(email && !found.email && !(await repo.findCustomerByEmail(tx, email))
            ? { email, emailVerifiedAt: now }
            : {}),
        })
      : await repo.insertCustomer(tx, {
          externalId: claims.externalId,
          // An address already held by another account stays there (staff can merge them).
          email: email && !byEmail ? email : null,
          emailVerifiedAt: email && !byEmail ? now : null,
          segments,
          lastSeenAt: now,
        });
    if (customer!.email && customer!.emailVerifiedAt)
      await attachTicketsByEmail(tx, customer!.email, customer!.id);
    return customer!;
  });
}

export async function listCustomers(
  db: DbOrTx,
  q: { q?: string | undefined; limit: number; offset: number },
) {
  return repo.listCustomers(db, q);
}

/** The console's profile: the customer and every ticket of theirs. */
export async function customerProfile(db: DbOrTx, id: string) {
  const customer = await findCustomer(db, id);
  return { customer, tickets: await listAccountTickets(db, id) };
}

export interface CustomerPatch {
  name?: string | null | undefined;
  locale?: string | null | undefined;
  segments?: string[] | undefined;
}

/** Staff edit a customer's name, locale or segments (plan, products); audited without the values. */
export async function updateCustomerProfile(db: Db, actor: Actor, id: string, patch: CustomerPatch) {
  await findCustomer(db, id);
  return db.transaction(async (tx) => {
    const row = await repo.updateCustomer(tx, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
      ...(patch.segments ? { segments: normaliseSegments(patch.segments) } : {}),
    });
    await recordAudit(tx, actor, {
      action: 'customer.updated',
      subjectType: 'customer',
      subjectId: id,
      details: { fields: Object.keys(patch).filter((k) => patch[k as keyof CustomerPatch] !== undefined) },
    });
    return row!;
  });
}

/**
 * Merges `sourceId` into `targetId` (two records of one person): the target keeps its own values and
 * takes from the source what it lacks (e-mail, external id, name, locale, consents); segments are the
 * union; the source's tickets move over; the source's sessions end and its row is deleted.
 */
export async function mergeCustomers(db: Db, actor: Actor, targetId: string, sourceId: string) {
  if (targetId === sourceId)
    throw new ValidationError('A customer cannot be merged into itself.', 'sourceId');
  const [target, source] = await Promise.all([findCustomer(db, targetId), findCustomer(db, sourceId)]);
  return db.transaction(async (tx) => {
    await moveAccountTickets(tx, source.id, target.id);
    await repo.deleteSessionsOf(tx, source.id);
    // Unique columns: free the source's values before the target takes them.
    await repo.deleteCustomer(tx, source.id);
    const row = await repo.updateCustomer(tx, target.id, {
      email: target.email ?? source.email,
      emailVerifiedAt: target.email ? target.emailVerifiedAt : source.emailVerifiedAt,
      externalId: target.externalId ?? source.externalId,
      name: target.name ?? source.name,
      locale: target.locale ?? source.locale,
      segments: normaliseSegments([...target.segments, ...source.segments]),
      consents: { ...source.consents, ...target.consents },
      createdAt: source.createdAt < target.createdAt ? source.createdAt : target.createdAt,
    });
    await recordAudit(tx, actor, {
      action: 'customer.merged',
      subjectType: 'customer',
      subjectId: target.id,
      details: { mergedId: source.id },
    });
    return row!;
  });
}

export const CONSENT_KEYS = ['analytics', 'product_news'] as const;
export type ConsentKey = (typeof CONSENT_KEYS)[number];

/** The customer grants or withdraws one consent; the date is kept as proof. */
export async function setConsent(
  db: DbOrTx,
  id: string,
  key: ConsentKey,
  granted: boolean,
  now = new Date(),
) {
  const customer = await findCustomer(db, id);
  return repo.updateCustomer(db, id, {
    consents: { ...customer.consents, [key]: { granted, at: now.toISOString() } },
  });
}

/** Everything Relais holds on this customer, as the portal's "download my data" hands it over. */
export async function exportCustomerData(
  db: DbOrTx,
  id: string,
  thread: (reference: string) => Promise<unknown>,
) {
  const customer = await findCustomer(db, id);
  const tickets = await listAccountTickets(db, id);
  return {
    exportedAt: new Date().toISOString(),
    account: {
      email: customer.email,
      emailVerifiedAt: customer.emailVerifiedAt,
      name: customer.name,
      locale: customer.locale,
      externalId: customer.externalId,
      segments: customer.segments,
      consents: customer.consents,
      createdAt: customer.createdAt,
      lastSeenAt: customer.lastSeenAt,
    },
    tickets: await Promise.all(
      tickets.map(async (t) => ({ ...t, id: undefined, thread: await thread(t.reference) })),
    ),
  };
}

/**
 * "Delete my account": the tickets are anonymised through the escalation module (the company keeps
 * the requests, not who made them), pending sign-in links go, then the customer row and its sessions.
 */
export async function deleteCustomerAccount(db: Db, id: string, placeholder: string) {
  const customer = await findCustomer(db, id);
  await db.transaction(async (tx) => {
    await anonymiseAccountTickets(tx, id, placeholder);
    if (customer.email) await repo.deleteSignInTokensOf(tx, customer.email);
    await repo.deleteCustomer(tx, id);
  });
}

/**
 * The customer rates one of their requests (CSAT 1–5), once: a second rating is a 409. The ticket's
 * checks (theirs, solved or closed) run in the same transaction, so a refused rating leaves no mark.
 */
export async function rateTicketOnce(db: Db, customerId: string, reference: string, score: number) {
  await db.transaction(async (tx) => {
    if (!(await repo.insertTicketRating(tx, reference, customerId)))
      throw new ConflictError('This request has already been rated.', 'score');
    await rateAccountTicket(tx, customerId, reference, score);
  });
}
