import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { auditLog } from '../../db/schema.ts';
import { type Actor, actorRef } from '../../server/access.ts';

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
  await tx.insert(auditLog).values({
    ...actorRef(actor),
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    details: entry.details ?? {},
  });
}

export interface AuditQuery {
  limit: number;
  before?: number;
  subjectType?: string;
  action?: string;
}

export async function listAudit(db: DbOrTx, q: AuditQuery) {
  const where = and(
    q.before ? lt(auditLog.id, q.before) : undefined,
    q.subjectType ? eq(auditLog.subjectType, q.subjectType) : undefined,
    q.action ? eq(auditLog.action, q.action) : undefined,
  );
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(q.limit);
}
