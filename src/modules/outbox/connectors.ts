import { createHmac } from 'node:crypto';
import type { ticketConnectors } from '../../db/schema.ts';
import type { EscalationContext } from '../escalation/contract.ts';
import type { MessageRow, TicketRow } from '../escalation/repository.ts';

export type ConnectorRow = typeof ticketConnectors.$inferSelect;

export interface OutboundRequest {
  /** POST unless the vendor's idempotent form is an upsert (Salesforce with an external id field). */
  method?: 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Signature headers of webhooks (docs/api.md shows how receivers verify them). */
export const SIGNATURE_HEADER = 'x-relais-signature';
export const TIMESTAMP_HEADER = 'x-relais-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `v1=` + hex HMAC-SHA256 of `${timestamp}.${body}` with the webhook's secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The context as plain text, for systems that only take a description (Zendesk, Salesforce). */
export function contextAsText(ticket: TicketRow): string {
  const c = ticket.context as Omit<EscalationContext, 'customer'>;
  const lines = [
    `Relais ${ticket.reference} · ${ticket.channel} via ${ticket.source} · ${ticket.locale} · ${ticket.level}`,
  ];
  if (c.pageUrl) lines.push(`Page: ${c.pageUrl}`);
  if (c.device) lines.push(`Device: ${c.device}`);
  if (c.selfServiceMs !== undefined)
    lines.push(`Self-service before escalating: ${Math.round(c.selfServiceMs / 1000)} s`);
  for (const s of c.searches ?? [])
    lines.push(`Search: "${s.query}"${s.abstained ? ' (no confident answer)' : ''}`);
  for (const a of c.articlesViewed ?? []) {
    lines.push(
      `Article viewed: ${a.articleId}${a.helpful === undefined ? '' : a.helpful ? ' (helpful)' : ' (not helpful)'}`,
    );
  }
  if (c.transcript?.length) {
    lines.push('Conversation:');
    for (const m of c.transcript) lines.push(`  ${m.from}: ${m.text}`);
  }
  for (const f of c.flowPath ?? [])
    lines.push(`Flow ${f.flowId} › ${f.nodeId}${f.answer ? `: ${f.answer}` : ''}`);
  return lines.join('\n');
}

/** The escalation as webhook receivers get it: the ticket, the customer and the whole context. */
export function webhookEvent(
  outboxId: string,
  topic: string,
  ticket: TicketRow,
  messages: MessageRow[],
  agentUrl: string,
) {
  return {
    id: outboxId,
    type: topic,
    createdAt: new Date().toISOString(),
    ticket: {
      id: ticket.id,
      reference: ticket.reference,
      status: ticket.status,
      priority: ticket.priority,
      level: ticket.level,
      channel: ticket.channel,
      source: ticket.source,
      reason: ticket.reason,
      subject: ticket.subject,
      description: messages.find((m) => m.author === 'customer')?.body ?? '',
      locale: ticket.locale,
      customer: {
        id: ticket.customerId,
        email: ticket.customerEmail,
        name: ticket.customerName,
        phone: ticket.customerPhone,
      },
      callbackTime: ticket.callbackTime,
      context: ticket.context,
      url: agentUrl,
      createdAt: ticket.createdAt.toISOString(),
    },
  };
}

const SF_PRIORITY = { low: 'Low', normal: 'Medium', high: 'High', urgent: 'High' } as const;

/**
 * The vendor request for one escalation. Every request carries the outbox row's idempotency key;
 * Zendesk honours `Idempotency-Key` on ticket creation, webhook receivers must (docs/api.md).
 */
export function buildConnectorRequest(
  connector: ConnectorRow,
  event: ReturnType<typeof webhookEvent>,
  ticket: TicketRow,
  idempotencyKey: string,
  now = Date.now(),
): OutboundRequest {
  const base = {
    'content-type': 'application/json',
    [IDEMPOTENCY_HEADER]: idempotencyKey,
    'user-agent': 'Relais',
  };
  const s = connector.settings;
  const description = `${event.ticket.description}\n\n---\n${contextAsText(ticket)}`;
  switch (connector.kind) {
    case 'zendesk': {
      const auth = Buffer.from(`${s.email}/token:${connector.secret}`).toString('base64');
      const body = {
        ticket: {
          subject: ticket.subject,
          comment: { body: description },
          requester: ticket.customerEmail
            ? { email: ticket.customerEmail, ...(ticket.customerName ? { name: ticket.customerName } : {}) }
            : undefined,
          priority: ticket.priority,
          tags: ['relais', `relais_${ticket.level}`, ...(ticket.reason ? [`relais_${ticket.reason}`] : [])],
          external_id: ticket.reference,
        },
      };
      return {
        url: `${trim(s.url)}/api/v2/tickets.json`,
        headers: { ...base, authorization: `Basic ${auth}` },
        body: JSON.stringify(body),
      };
    }
    case 'salesforce': {
      const body = {
        Subject: ticket.subject,
        Description: description,
        Origin: 'Web',
        Status: 'New',
        Priority: SF_PRIORITY[ticket.priority],
        ...(ticket.customerEmail ? { SuppliedEmail: ticket.customerEmail } : {}),
        ...(ticket.customerName ? { SuppliedName: ticket.customerName } : {}),
        ...(ticket.customerPhone ? { SuppliedPhone: ticket.customerPhone } : {}),
      };
      const cases = `${trim(s.url)}/services/data/${s.apiVersion || 'v60.0'}/sobjects/Case`;
      const headers = { ...base, authorization: `Bearer ${connector.secret}` };
      // Salesforce has no idempotency header: with an external id field on Case, an upsert keyed by the
      // ticket's reference makes a retried delivery update the same Case instead of creating another.
      if (s.externalIdField) {
        return {
          method: 'PATCH',
          url: `${cases}/${s.externalIdField}/${encodeURIComponent(ticket.reference)}`,
          headers,
          body: JSON.stringify(body),
        };
      }
      return { url: cases, headers, body: JSON.stringify(body) };
    }
    case 'webhook': {
      const body = JSON.stringify(event);
      const timestamp = Math.floor(now / 1000);
      return {
        url: s.url!,
        headers: {
          ...base,
          'x-relais-event': event.type,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(connector.secret, timestamp, body),
        },
        body,
      };
    }
  }
}

const trim = (url: string | undefined) => (url ?? '').replace(/\/+$/, '');
