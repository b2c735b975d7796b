/**
 * Customer sign-in: magic links by e-mail and portal sessions (`relais_customer` cookie, separate from
 * staff sessions). Asking for a link answers the same whatever the address: the link is stored for
 * any address and the customer row is created only when the link is used — nothing to enumerate.
 */
import { newSecret, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { hitSharedLimit } from '../../server/shared-rate-limit.ts';
import { enqueue } from '../outbox/service.ts';
import * as repo from './repository.ts';
import { normaliseEmail, resolveVerifiedEmail } from './service.ts';

export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
export const CUSTOMER_SESSION_TTL_MS = 30 * 24 * 3_600_000;
/** Links per address per window: enough for a lost e-mail, too few to flood a mailbox. */
export const LINKS_PER_ADDRESS = 3;
export const LINK_WINDOW_MS = 15 * 60_000;

export const signInLinkUrl = (publicUrl: string, locale: string, token: string) =>
  `${publicUrl}/${locale}/account/sign-in/verify?token=${encodeURIComponent(token)}`;

/**
 * Queues a sign-in link to `email` (outbox, rendered by `customerDeliveries`). Returns the link for the
 * demo's log only; callers never show it. Over the per-address limit nothing is queued — and the
 * caller answers exactly the same.
 */
export async function requestSignInLink(
  db: Db,
  input: { email: string; locale: string },
  publicUrl: string,
  now = new Date(),
): Promise<{ queued: boolean; link?: string }> {
  const email = normaliseEmail(input.email);
  const token = newSecret();
  const link = signInLinkUrl(publicUrl, input.locale, token);
  // Counted in the shared rate-limit store (one atomic upsert, keyed by a hash of the address): N
  // nodes, or N requests at once, allow three links, not three each.
  const limit = await hitSharedLimit(db, 'customer-sign-in-link', email, {
    max: LINKS_PER_ADDRESS,
    windowMs: LINK_WINDOW_MS,
  });
  if (!limit.allowed) return { queued: false };
  return db.transaction(async (tx) => {
    const row = await repo.insertSignInToken(tx, {
      hash: sha256(token),
      email,
      locale: input.locale,
      expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS),
    });
    await enqueue(tx, {
      topic: 'customer.sign_in_requested',
      emails: [{ payload: { template: 'customer_sign_in', signInId: row.id, link } }],
    });
    return { queued: true, link };
  });
}

export interface CustomerSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  customer: repo.CustomerRow;
}

async function openSession(tx: DbOrTx, customer: repo.CustomerRow, now: Date): Promise<CustomerSession> {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + CUSTOMER_SESSION_TTL_MS);
  await repo.insertSession(tx, { id: sha256(token), customerId: customer.id, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt, customer };
}

/** Uses a link (once, within 15 minutes): the address is now verified; opens a session. */
export async function consumeSignInLink(
  db: Db,
  token: string,
  now = new Date(),
): Promise<CustomerSession | undefined> {
  if (!/^[A-Za-z0-9_-]{20,128}$/.test(token)) return undefined;
  return db.transaction(async (tx) => {
    const link = await repo.consumeSignInToken(tx, sha256(token), now);
    if (!link) return undefined;
    return openVerifiedSession(tx, link.email, { locale: link.locale }, now);
  });
}

/**
 * Someone has just proved they read `email` (a magic link used, an identity provider's
 * `email_verified`): the customer is resolved by the verified-e-mail rules and a session opens.
 * The one way every customer sign-in ends.
 */
export async function openVerifiedSession(
  tx: DbOrTx,
  email: string,
  hints: { name?: string | undefined; locale?: string | undefined },
  now = new Date(),
): Promise<CustomerSession> {
  const customer = await resolveVerifiedEmail(tx, email, hints, now);
  return openSession(tx, customer, now);
}

/** The actor behind a `relais_customer` cookie, or undefined. */
export async function actorFromCustomerSession(db: DbOrTx, token: string): Promise<Actor | undefined> {
  const session = await repo.findLiveSession(db, sha256(token));
  if (!session) return undefined;
  return { kind: 'customer', id: session.customerId, sessionId: session.id, csrfToken: session.csrfToken };
}

export async function signOutCustomer(db: DbOrTx, actor: Actor) {
  if (actor.kind === 'customer') await repo.deleteSession(db, actor.sessionId);
}
