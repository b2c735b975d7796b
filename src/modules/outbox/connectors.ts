import { createHmac } from 'node:crypto';
import type { ConnectorRow } from './repository.ts';
import type { PushedTicket } from './service.ts';

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

/** The event webhook receivers get: the ticket, the customer and the whole context. */
export function webhookEvent(outboxId: string, topic: string, ticket: PushedTicket) {
  return { id: outboxId, type: topic, createdAt: new Date().toISOString(), ticket };
}

const SF_PRIORITY = { low: 'Low', normal: 'Medium', high: 'High', urgent: 'High' } as const;

/**
 * The vendor request for one escalation. Every request carries the outbox row's idempotency key;
 * Zendesk honours `Idempotency-Key` on ticket creation, webhook receivers must (docs/api.md).
 * `contextText` is the context as plain text, for systems that only take a description.
 */
export function buildConnectorRequest(
  connector: ConnectorRow,
  event: ReturnType<typeof webhookEvent>,
  contextText: string,
  idempotencyKey: string,
  now = Date.now(),
): OutboundRequest {
  const base = {
    'content-type': 'application/json',
    [IDEMPOTENCY_HEADER]: idempotencyKey,
    'user-agent': 'Relais',
  };
  const s = connector.settings;
  const { ticket } = event;
  const { customer } = ticket;
  const description = `${ticket.description}\n\n---\n${contextText}`;
  switch (connector.kind) {
    case 'zendesk': {
      const auth = Buffer.from(`${s.email}/token:${connector.secret}`).toString('base64');
      const body = {
        ticket: {
          subject: ticket.subject,
          comment: { body: description },
          requester: customer.email
            ? { email: customer.email, ...(customer.name ? { name: customer.name } : {}) }
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
        ...(customer.email ? { SuppliedEmail: customer.email } : {}),
        ...(customer.name ? { SuppliedName: customer.name } : {}),
        ...(customer.phone ? { SuppliedPhone: customer.phone } : {}),
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
