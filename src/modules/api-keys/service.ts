import { newSecret, safeEqual, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor, Permission } from '../../server/access.ts';
import { NotFoundError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as repo from './repository.ts';

/** Keys look like `rls_<prefix>_<secret>`: the prefix finds the row, the secret proves possession. */
const KEY_PATTERN = /^rls_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export type { ApiKeyRow } from './repository.ts';

export async function createApiKey(db: Db, actor: Actor, input: { name: string; scopes: Permission[] }) {
  const prefix = newSecret(12)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 12)
    .padEnd(12, '0');
  const secret = newSecret();
  return db.transaction(async (tx) => {
    const row = await repo.insertApiKey(tx, {
      name: input.name,
      prefix,
      secretHash: sha256(secret),
      scopes: [...new Set(input.scopes)],
      createdBy: actor.kind === 'user' ? actor.id : null,
    });
    await recordAudit(tx, actor, {
      action: 'api_key.created',
      subjectType: 'api_key',
      subjectId: row.id,
      details: { scopes: row.scopes },
    });
    return { row, key: `rls_${prefix}_${secret}` };
  });
}

export const listApiKeys = (db: DbOrTx) => repo.listApiKeys(db);

export async function revokeApiKey(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const row = await repo.revokeApiKey(tx, id);
    if (!row) throw new NotFoundError('Active API key');
    await recordAudit(tx, actor, { action: 'api_key.revoked', subjectType: 'api_key', subjectId: id });
    return row;
  });
}

/** The actor behind a bearer key, or undefined when unknown, malformed or revoked. */
export async function actorFromApiKey(db: DbOrTx, key: string): Promise<Actor | undefined> {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const row = await repo.findActiveKeyByPrefix(db, m[1]!);
  if (!row || !safeEqual(row.secretHash, sha256(m[2]!))) return undefined;
  // Best effort, not awaited on the request path's critical section.
  void repo.touchApiKey(db, row.id).catch(() => {});
  return { kind: 'api_key', id: row.id, permissions: new Set(row.scopes as Permission[]) };
}
