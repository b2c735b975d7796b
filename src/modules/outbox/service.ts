import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { TICKET_PRIORITIES } from '../../db/schema.ts';
import * as repo from './repository.ts';

export type { OutboxRow } from './repository.ts';

/** An e-mail row's payload: the template that renders it and ids, never an address. */
export interface EmailPayload {
  template: string;
  [field: string]: unknown;
}

export interface Deliveries {
  /** What happened, e.g. `ticket.escalated`: webhook receivers get it as the event type. */
  topic: string;
  ticketId?: string | undefined;
  /** `idempotencyKey` when the same e-mail must never be queued twice; random otherwise. */
  emails?: Array<{ payload: EmailPayload; idempotencyKey?: string }>;
  /** Push the ticket to every enabled connector (escalations). */
  connectors?: boolean;
  /** Signed webhooks a module renders itself (status subscribers): the payload holds ids. */
  webhooks?: Array<{ payload: EmailPayload; idempotencyKey?: string }>;
}

/**
 * The one way to queue deliveries (e-mails, connector pushes), in the caller's transaction: if the
 * change is written, so are its deliveries, and nothing is lost if Relais or a target stops. A row
 * whose idempotency key is already queued is skipped. What is sent is rendered at delivery time by the
 * enqueuing module's `OutboxRenderer`.
 */
export async function enqueue(tx: DbOrTx, input: Deliveries) {
  const rows: repo.NewOutboxRow[] = (input.emails ?? []).map((e) => ({
    kind: 'email',
    ticketId: input.ticketId,
    topic: input.topic,
    payload: { ...e.payload },
    idempotencyKey: e.idempotencyKey ?? randomUUID(),
  }));
  for (const w of input.webhooks ?? []) {
    rows.push({
      kind: 'webhook',
      topic: input.topic,
      payload: { ...w.payload },
      idempotencyKey: w.idempotencyKey ?? randomUUID(),
    });
  }
  if (input.connectors) {
    for (const t of await repo.listEnabledConnectorIds(tx)) {
      rows.push({
        kind: 'connector',
        connectorId: t.id,
        ticketId: input.ticketId,
        topic: input.topic,
        idempotencyKey: randomUUID(),
      });
    }
  }
  await repo.insertDeliveries(tx, rows);
}

/** An e-mail as its module renders it; the worker adds From and a Message-ID built from the row's key. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058). */
  headers?: Record<string, string>;
}

/** A module's webhook as rendered at delivery time; the worker signs `body` with `secret` (connectors' scheme). */
export interface Webhook {
  url: string;
  secret: string;
  body: Record<string, unknown>;
}

/** Why a row can never be delivered (ticket deleted, recipient gone…): it becomes a dead letter. */
export interface Gone {
  gone: string;
}

/** A ticket as connectors receive it: the `ticket` of a webhook event (docs/api.md). */
export interface PushedTicket {
  id: string;
  reference: string;
  status: string;
  priority: (typeof TICKET_PRIORITIES)[number];
  level: string;
  channel: string;
  source: string;
  reason: string | null;
  subject: string;
  /** The customer's first message. */
  description: string;
  locale: string;
  customer: { id: string | null; email: string | null; name: string | null; phone: string | null };
  callbackTime: string | null;
  context: Record<string, unknown>;
  /** The ticket in the console. */
  url: string;
  createdAt: string;
}

/**
 * What a module that enqueues supplies so that the worker delivers its rows without reading the
 * module's tables: payloads hold ids, the renderer turns them into content at delivery time (a row
 * queued by an older version renders the same way). The composition root passes every module's
 * renderer to `registerOutbox`; the outbox imports none of them.
 */
export interface OutboxRenderer {
  /** E-mail rows, by their payload's `template`. */
  emails?: Record<string, (db: Db, row: repo.OutboxRow) => Promise<Mail | Gone>>;
  /** Webhook rows, by their payload's `template`. */
  webhooks?: Record<string, (db: Db, row: repo.OutboxRow) => Promise<Webhook | Gone>>;
  /** Connector rows: the ticket to push and its context as plain text, or undefined when it is gone. */
  connectorTicket?: (
    db: Db,
    ticketId: string,
  ) => Promise<{ ticket: PushedTicket; contextText: string } | undefined>;
}
