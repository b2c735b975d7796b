import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { outbox, ticketConnectors } from '../../db/schema.ts';

export type OutboxRow = typeof outbox.$inferSelect;

/** The e-mails Relais sends to customers (staff get `content_digest`, see analytics/digest.ts). */
export type EmailTemplate = 'ticket_confirmation' | 'agent_reply' | 'chat_transcript';

/**
 * Queues the deliveries announcing a ticket change, in the caller's transaction: if the ticket is
 * written, so are its deliveries, and nothing is lost if Relais or a target stops.
 */
export async function enqueueDeliveries(
  tx: DbOrTx,
  input: {
    ticketId: string;
    topic: 'ticket.escalated' | 'ticket.replied';
    email?: { template: EmailTemplate; link: string; messageId?: number } | undefined;
    /** Push to every enabled connector (escalations). */
    connectors: boolean;
  },
) {
  const rows: Array<typeof outbox.$inferInsert> = [];
  if (input.email) {
    rows.push({
      kind: 'email',
      ticketId: input.ticketId,
      topic: input.topic,
      payload: { ...input.email },
      idempotencyKey: randomUUID(),
    });
  }
  if (input.connectors) {
    const targets = await tx
      .select({ id: ticketConnectors.id })
      .from(ticketConnectors)
      .where(and(eq(ticketConnectors.enabled, true)));
    for (const t of targets) {
      rows.push({
        kind: 'connector',
        connectorId: t.id,
        ticketId: input.ticketId,
        topic: input.topic,
        idempotencyKey: randomUUID(),
      });
    }
  }
  if (rows.length) await tx.insert(outbox).values(rows);
}
