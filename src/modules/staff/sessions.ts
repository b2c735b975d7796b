import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { ForbiddenError, NotFoundError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as repo from './repository.ts';

function accountOf(actor: Actor) {
  if (actor.kind !== 'user') throw new ForbiddenError('This is for signed-in staff members.');
  return actor;
}

/** A session as its owner sees it: when, which browser, which network; never the token or its hash. */
export function presentSession(row: repo.SessionRow, currentId?: string) {
  return {
    id: row.handle,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    userAgent: row.userAgent,
    network: row.network,
    current: row.id === currentId,
  };
}

export async function listOwnSessions(db: DbOrTx, actor: Actor, now = new Date()) {
  const me = accountOf(actor);
  return (await repo.listUserSessions(db, me.id, now)).map((s) => presentSession(s, me.sessionId));
}

export async function revokeOwnSession(db: Db, actor: Actor, handle: string) {
  const me = accountOf(actor);
  await db.transaction(async (tx) => {
    if (!(await repo.deleteSessionByHandle(tx, me.id, handle))) throw new NotFoundError('Session');
    await recordAudit(tx, actor, { action: 'session.revoked', subjectType: 'user', subjectId: me.id });
  });
}

export async function revokeOtherSessions(db: Db, actor: Actor) {
  const me = accountOf(actor);
  return db.transaction(async (tx) => {
    const revoked = await repo.deleteOtherSessions(tx, me.id, me.sessionId);
    await recordAudit(tx, actor, {
      action: 'session.others_revoked',
      subjectType: 'user',
      subjectId: me.id,
      details: { revoked },
    });
    return revoked;
  });
}

/** An admin ends every session of a staff member (a lost laptop, a departure). */
export async function revokeUserSessions(db: Db, actor: Actor, userId: string) {
  return db.transaction(async (tx) => {
    if (!(await repo.findUserById(tx, userId))) throw new NotFoundError('User');
    const revoked = (await repo.deleteUserSessions(tx, userId)).length;
    await recordAudit(tx, actor, {
      action: 'user.sessions_revoked',
      subjectType: 'user',
      subjectId: userId,
      details: { revoked },
    });
    return revoked;
  });
}
