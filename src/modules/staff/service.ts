import { z } from 'zod';
import { newSecret, safeEqual, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import { type Actor, ROLE_PERMISSIONS } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { defineSetting, deleteSetting, getSetting, putSetting } from '../settings/service.ts';
import { hashPassword } from './passwords.ts';
import * as repo from './repository.ts';

export { clientInfo } from './client-info.ts';
export type { UserRow } from './repository.ts';
export * from './sessions.ts';
export { completeTwoFactor, login, type NewSession, purgeSignInState, type SignInResult } from './sign-in.ts';
export {
  confirmEnrolment,
  disableTwoFactor,
  readTwoFactorPolicy,
  regenerateRecoveryCodes,
  startEnrolment,
  totpCode,
  twoFactorStatus,
  writeTwoFactorPolicy,
} from './two-factor.ts';

// "Last used" is written at most this often, not on every request.
const TOUCH_EVERY_MS = 5 * 60_000;

const SETUP_TOKEN = defineSetting('setup_token_sha256', z.string().nullable(), null);
const invitation = (userId: string) =>
  defineSetting(`invite:${userId}`, z.object({ sha256: z.string(), expiresAt: z.number() }).nullable(), null);
const INVITE_TTL_MS = 7 * 24 * 3_600_000;

/** The actor behind a session cookie, or undefined when it is not a live session. */
export async function actorFromSession(db: DbOrTx, token: string): Promise<Actor | undefined> {
  const row = await repo.findLiveSession(db, sha256(token));
  if (!row) return undefined;
  const now = new Date();
  if (now.getTime() - row.session.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await repo.touchSession(db, row.session.id, now, TOUCH_EVERY_MS);
  }
  const enrolmentOnly = row.session.enrolmentOnly;
  return {
    kind: 'user',
    id: row.user.id,
    role: row.user.role,
    // Until two-factor is set up, the session holds no permission ('account' routes only).
    permissions: new Set(enrolmentOnly ? [] : ROLE_PERMISSIONS[row.user.role]),
    sessionId: row.session.id,
    csrfToken: row.session.csrfToken,
    enrolmentOnly,
  };
}

export async function logout(db: DbOrTx, actor: Actor) {
  if (actor.kind === 'user') await repo.deleteSession(db, actor.sessionId);
}

export interface NewUserInput {
  email: string;
  name: string;
  role: Role;
  password?: string | undefined;
}

/** Creates a staff member; without a password, returns a one-time invitation token instead. */
export async function createUser(db: Db, actor: Actor, input: NewUserInput) {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db.transaction(async (tx) => {
    const user = await repo.insertUser(tx, { ...input, passwordHash });
    if (!user) throw new ConflictError('A staff member with this e-mail already exists.', 'email');
    let inviteToken: string | undefined;
    if (!passwordHash) {
      const secret = newSecret();
      inviteToken = `${user.id}.${secret}`;
      await putSetting(tx, invitation(user.id), {
        sha256: sha256(secret),
        expiresAt: Date.now() + INVITE_TTL_MS,
      });
    }
    await recordAudit(tx, actor, {
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
      details: { role: user.role, invited: Boolean(inviteToken) },
    });
    return { user, inviteToken };
  });
}

/** Sets the password of an invited staff member; the invitation is single-use. */
export async function acceptInvite(db: Db, token: string, password: string) {
  const [userId, secret] = token.split('.');
  if (!userId || !secret || !/^[0-9a-f-]{36}$/.test(userId))
    throw new ValidationError('Invalid invitation.', 'token');
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const invite = await getSetting(tx, invitation(userId));
    if (!invite || invite.expiresAt < Date.now() || !safeEqual(invite.sha256, sha256(secret))) {
      throw new ValidationError('Invalid or expired invitation.', 'token');
    }
    await deleteSetting(tx, invitation(userId));
    const user = await repo.updateUser(tx, userId, { passwordHash });
    if (!user) throw new NotFoundError('User');
    await recordAudit(tx, { kind: 'user', id: user.id } as Actor, {
      action: 'user.invite_accepted',
      subjectType: 'user',
      subjectId: user.id,
    });
    return user;
  });
}

export interface UserPatch {
  name?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
}

export async function changeUser(db: Db, actor: Actor, id: string, patch: UserPatch) {
  return db.transaction(async (tx) => {
    const before = await repo.findUserById(tx, id);
    if (!before) throw new NotFoundError('User');
    const losesAdmin =
      before.role === 'admin' &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false);
    if (losesAdmin) {
      const admins = (await repo.listUsers(tx)).filter((u) => u.role === 'admin' && u.active);
      if (admins.length <= 1) throw new ConflictError('Relais needs at least one active admin.', 'role');
    }
    const user = await repo.updateUser(tx, id, patch);
    if (patch.active === false || (patch.role && patch.role !== before.role))
      await repo.deleteUserSessions(tx, id);
    await recordAudit(tx, actor, {
      action: 'user.updated',
      subjectType: 'user',
      subjectId: id,
      details: { fields: Object.keys(patch).filter((k) => patch[k as keyof UserPatch] !== undefined) },
    });
    return user!;
  });
}

export const listStaff = (db: DbOrTx) => repo.listUsers(db);

/** A staff member by id (active or not), or undefined. */
export const findUser = (db: DbOrTx, id: string) => repo.findUserById(db, id);

/**
 * First run: with no staff yet, creates the admin from the environment, or issues a one-time
 * setup token (returned so the caller can print the link; only its hash is stored).
 */
export async function ensureFirstAdmin(
  db: Db,
  admin: { email: string; password: string } | undefined,
): Promise<{ created: boolean; setupToken?: string }> {
  const passwordHash = admin ? await hashPassword(admin.password) : null;
  return db.transaction(async (tx) => {
    if ((await repo.countUsers(tx)) > 0) return { created: false };
    if (admin && passwordHash) {
      const user = await repo.insertUser(tx, {
        email: admin.email,
        name: 'Admin',
        role: 'admin',
        passwordHash,
      });
      await recordAudit(
        tx,
        { kind: 'anonymous' },
        {
          action: 'user.created',
          subjectType: 'user',
          subjectId: user?.id,
          details: { role: 'admin', source: 'env' },
        },
      );
      return { created: true };
    }
    const setupToken = newSecret();
    await putSetting(tx, SETUP_TOKEN, sha256(setupToken));
    return { created: false, setupToken };
  });
}

/** Completes first-run setup with the printed token: creates the first admin, burns the token. */
export async function completeSetup(db: Db, token: string, input: Omit<NewUserInput, 'role'>) {
  const passwordHash = await hashPassword(input.password ?? '');
  return db.transaction(async (tx) => {
    const stored = await getSetting(tx, SETUP_TOKEN);
    if (!stored || (await repo.countUsers(tx)) > 0 || !safeEqual(stored, sha256(token))) {
      throw new ValidationError('Invalid or used setup token.', 'token');
    }
    await deleteSetting(tx, SETUP_TOKEN);
    const user = await repo.insertUser(tx, {
      email: input.email,
      name: input.name,
      role: 'admin',
      passwordHash,
    });
    await recordAudit(
      tx,
      { kind: 'anonymous' },
      {
        action: 'user.created',
        subjectType: 'user',
        subjectId: user?.id,
        details: { role: 'admin', source: 'setup' },
      },
    );
    return user!;
  });
}
