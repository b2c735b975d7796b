import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { auditLog } from '../../db/schema.ts';

export const insertAuditEntry = async (db: DbOrTx, values: typeof auditLog.$inferInsert) => {
  await db.insert(auditLog).values(values);
};

export interface AuditQuery {
  limit: number;
  before?: number;
  subjectType?: string;
  action?: string;
}

export function listAuditEntries(db: DbOrTx, q: AuditQuery) {
  const where = and(
    q.before ? lt(auditLog.id, q.before) : undefined,
    q.subjectType ? eq(auditLog.subjectType, q.subjectType) : undefined,
    q.action ? eq(auditLog.action, q.action) : undefined,
  );
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(q.limit);
}
