import type { DbOrTx } from '../../db/client.ts';
import { type Actor, actorRef } from '../../server/access.ts';
import * as repo from './repository.ts';

export interface AuditEntryInput {
  /** `noun.past_verb`, e.g. `user.created`, `api_key.revoked`. */
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** Ids and field names only: never personal data (e-mails, names, message bodies). */
  details?: Record<string, unknown>;
}

/** Records a staff write. Call it with the write's transaction so both land or neither does. */
export async function recordAudit(tx: DbOrTx, actor: Actor, entry: AuditEntryInput): Promise<void> {
  await repo.insertAuditEntry(tx, {
    ...actorRef(actor),
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    details: entry.details ?? {},
  });
}

export type { AuditQuery } from './repository.ts';

export const listAudit = (db: DbOrTx, q: repo.AuditQuery) => repo.listAuditEntries(db, q);
