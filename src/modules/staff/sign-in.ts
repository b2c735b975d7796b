import { newSecret, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { TooManyAttemptsError, UnauthorizedError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import type { ClientInfo } from './client-info.ts';
import { verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';
import { acceptTotp, hashRecoveryCode, isTwoFactorRequired } from './two-factor.ts';

/**
 * Per-account throttling, across every client address (the per-address limit stays on the route):
 * five attempts freely, then each further one waits 2^(n−5) s, capped at 15 minutes — slow for a
 * guesser, never a lock-out for the real user. A successful sign-in resets it; a day without
 * attempts forgets it.
 */
export const LOGIN_THROTTLE = { free: 5, capSeconds: 15 * 60, forgetMs: 24 * 3_600_000 };
const CHALLENGE_TTL_MS = 5 * 60_000;
const CHALLENGE_ATTEMPTS = 5;
const EXPIRED = 'This sign-in has expired: enter your e-mail and password again.';

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: repo.UserRow;
  enrolmentOnly: boolean;
}

export type SignInResult =
  | { kind: 'session'; session: NewSession }
  | { kind: 'two-factor'; challenge: string; expiresAt: Date };

export interface SignInContext {
  client: ClientInfo;
  now: Date;
  ttlMs: number;
}

// Keyed by the e-mail as typed, existing or not: the same answer and work for every address.
const accountKey = (email: string) => sha256(`login:${email.trim().toLowerCase()}`);

async function claimAttempt(db: DbOrTx, email: string, now: Date) {
  const key = accountKey(email);
  if (await repo.claimLoginAttempt(db, key, now, LOGIN_THROTTLE)) return key;
  const row = await repo.findLoginThrottle(db, key);
  const ms = (row?.blockedUntil?.getTime() ?? now.getTime()) - now.getTime();
  throw new TooManyAttemptsError(Math.max(1, Math.ceil(ms / 1000)));
}

async function openSession(db: DbOrTx, user: repo.UserRow, ctx: SignInContext, enrolmentOnly: boolean) {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(ctx.now.getTime() + ctx.ttlMs);
  await repo.insertSession(db, {
    id: sha256(token),
    userId: user.id,
    csrfToken,
    expiresAt,
    userAgent: ctx.client.userAgent,
    network: ctx.client.network,
    enrolmentOnly,
  });
  await repo.updateUser(db, user.id, { lastLoginAt: ctx.now });
  return { token, csrfToken, expiresAt, user, enrolmentOnly };
}

/**
 * First step: e-mail and password, one error for both. With two-factor on, a short-lived challenge
 * (not a session) is returned instead; the attempt stays counted until the code is right.
 */
export async function login(
  db: DbOrTx,
  email: string,
  password: string,
  ctx: SignInContext,
): Promise<SignInResult> {
  const key = await claimAttempt(db, email, ctx.now);
  const user = await repo.findUserByEmail(db, email);
  const ok = await verifyPassword(user?.active ? user.passwordHash : null, password);
  if (!user || !ok) throw new UnauthorizedError('Wrong e-mail or password.');
  if (user.totpSecret) {
    const challenge = newSecret();
    const expiresAt = new Date(ctx.now.getTime() + CHALLENGE_TTL_MS);
    await repo.insertChallenge(db, { id: sha256(challenge), userId: user.id, expiresAt });
    return { kind: 'two-factor', challenge, expiresAt };
  }
  await repo.clearLoginThrottle(db, key);
  // Required but not set up: a session that can only set it up (checkAccess, 'account' routes).
  const enrolmentOnly = await isTwoFactorRequired(db, user.role);
  return { kind: 'session', session: await openSession(db, user, ctx, enrolmentOnly) };
}

/** Second step: a code from the authenticator or a recovery code, within the challenge's few attempts. */
export async function completeTwoFactor(
  db: Db,
  challenge: string,
  proof: { code?: string | undefined; recoveryCode?: string | undefined },
  ctx: SignInContext,
): Promise<NewSession> {
  const row = await repo.spendChallengeAttempt(db, sha256(challenge), ctx.now, CHALLENGE_ATTEMPTS);
  if (!row) throw new UnauthorizedError(EXPIRED);
  const user = await repo.findUserById(db, row.userId);
  if (!user?.active || !user.totpSecret) throw new UnauthorizedError(EXPIRED);
  const key = await claimAttempt(db, user.email, ctx.now);
  return db.transaction(async (tx) => {
    let ok = false;
    if (proof.code) ok = await acceptTotp(tx, user, proof.code, ctx.now);
    else if (proof.recoveryCode) {
      ok = await repo.burnRecoveryCode(tx, user.id, hashRecoveryCode(proof.recoveryCode), ctx.now);
      if (ok) {
        const self: Actor = { kind: 'user', id: user.id } as Actor;
        await recordAudit(tx, self, {
          action: 'user.recovery_code_used',
          subjectType: 'user',
          subjectId: user.id,
        });
      }
    }
    if (!ok) throw new UnauthorizedError('Wrong code.');
    await repo.deleteChallenge(tx, row.id);
    await repo.clearLoginThrottle(tx, key);
    return openSession(tx, user, ctx, false);
  });
}

/** Forgets stale throttles and expired challenges (run now and then by the staff plugin). */
export async function purgeSignInState(db: DbOrTx, now: Date) {
  await repo.purgeLoginThrottles(db, new Date(now.getTime() - LOGIN_THROTTLE.forgetMs));
  await repo.purgeExpiredChallenges(db, now);
  await repo.purgeExpiredSessions(db);
}
