import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';

/**
 * NOTIFY from inside a write's transaction: PostgreSQL delivers it at commit only, to every
 * listening Relais node; a rolled-back write announces nothing. Payloads are limited to 8000 bytes.
 */
export async function notifyOnCommit(tx: DbOrTx, channel: string, payload: string): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${channel}, ${payload})`);
}
