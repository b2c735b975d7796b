/**
 * What the outbox delivers for tickets — the customer's e-mails and the ticket pushed to connectors —
 * rendered at delivery time from the ids in the outbox rows (`OutboxRenderer`), so that outbox rows
 * carry no personal data and the outbox reads none of this module's tables.
 */
import type { Db } from '../../db/client.ts';
import type { Mail, OutboxRenderer, OutboxRow, PushedTicket } from '../outbox/service.ts';
import type { EscalationContext } from './contract.ts';
import type { MessageRow, TicketRow } from './repository.ts';
import * as repo from './repository.ts';

/** The e-mails Relais sends to customers (staff get `content_digest`, see analytics/digest.ts). */
export type EmailTemplate = 'ticket_confirmation' | 'agent_reply' | 'chat_transcript';

/** The outbox payload of a customer e-mail: the secure link is removed from the row once sent. */
export const ticketEmail = (template: EmailTemplate, link: string, messageId?: number) => ({
  template,
  link,
  ...(messageId !== undefined ? { messageId } : {}),
});

const COPY = {
  fr: {
    confirmation: (ref: string) => `[${ref}] Nous avons bien reçu votre demande`,
    reply: (ref: string) => `[${ref}] Nouvelle réponse à votre demande`,
    hello: (name: string | null) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    received:
      'Nous avons bien reçu votre demande. Un conseiller vous répond au plus vite, sans que vous ayez à tout réexpliquer.',
    answered: 'Un conseiller a répondu à votre demande :',
    follow: 'Suivre votre demande et répondre :',
    keep: 'Ce lien est personnel : ne le partagez pas.',
    transcript: (ref: string) => `[${ref}] Transcription de votre discussion`,
    transcriptIntro: 'Voici la transcription de votre discussion avec un conseiller :',
    you: 'Vous',
    advisor: 'Conseiller',
  },
  en: {
    confirmation: (ref: string) => `[${ref}] We have received your request`,
    reply: (ref: string) => `[${ref}] New reply to your request`,
    hello: (name: string | null) => (name ? `Hello ${name},` : 'Hello,'),
    received:
      'We have received your request. An advisor will answer you soon, without you having to explain everything again.',
    answered: 'An advisor has answered your request:',
    follow: 'Follow your request and reply:',
    keep: 'This link is personal: do not share it.',
    transcript: (ref: string) => `[${ref}] Transcript of your chat`,
    transcriptIntro: 'Here is the transcript of your chat with an advisor:',
    you: 'You',
    advisor: 'Advisor',
  },
};

export function composeMail(
  template: EmailTemplate,
  ticket: TicketRow,
  link: string,
  message: MessageRow | undefined,
  /** The public thread, for `chat_transcript` (chat notices, written by the system, are left out). */
  thread: MessageRow[] = [],
): Mail {
  const t = ticket.locale.startsWith('fr') ? COPY.fr : COPY.en;
  const transcript = thread
    .filter((m) => m.author !== 'system')
    .map(
      (m) =>
        `${m.author === 'customer' ? t.you : t.advisor} (${m.createdAt.toISOString().slice(11, 16)} UTC)${t === COPY.fr ? '\u00a0:' : ':'} ${m.body}`,
    )
    .join('\n');
  const intro =
    template === 'agent_reply'
      ? `${t.answered}\n\n${message?.body ?? ''}`
      : template === 'chat_transcript'
        ? `${t.transcriptIntro}\n\n${transcript}`
        : t.received;
  const subject = {
    agent_reply: t.reply,
    chat_transcript: t.transcript,
    ticket_confirmation: t.confirmation,
  }[template](ticket.reference);
  return {
    to: ticket.customerEmail!,
    subject,
    text: `${t.hello(ticket.customerName)}\n\n${intro}\n\n${t.follow}\n${link}\n\n${t.keep}\n`,
  };
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

/** The ticket as connectors receive it: the ticket, the customer and the whole context. */
export function pushedTicket(ticket: TicketRow, messages: MessageRow[], agentUrl: string): PushedTicket {
  return {
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
  };
}

/** A customer e-mail, from the ticket as it is now; the secure link travels in the row until sent. */
async function renderTicketEmail(db: Db, row: OutboxRow) {
  const ticket = row.ticketId ? await repo.findTicket(db, row.ticketId) : undefined;
  if (!ticket?.customerEmail) return { gone: 'ticket or recipient gone' };
  const payload = row.payload as { template: EmailTemplate; link?: string; messageId?: number };
  if (!payload.link) return { gone: 'secure link already used' };
  const thread =
    payload.messageId || payload.template === 'chat_transcript' ? await repo.listMessages(db, ticket.id) : [];
  const message = thread.find((m) => m.id === payload.messageId);
  const publicThread = thread.filter((m) => m.visibility === 'public');
  return composeMail(payload.template, ticket, payload.link, message, publicThread);
}

/** The outbox renderer of ticket deliveries; `publicUrl` makes the console link sent to connectors. */
export function ticketDeliveries(publicUrl: string): OutboxRenderer {
  return {
    emails: {
      ticket_confirmation: renderTicketEmail,
      agent_reply: renderTicketEmail,
      chat_transcript: renderTicketEmail,
    },
    connectorTicket: async (db, ticketId) => {
      const ticket = await repo.findTicket(db, ticketId);
      if (!ticket) return undefined;
      const messages = await repo.listMessages(db, ticket.id, 'public');
      return {
        ticket: pushedTicket(ticket, messages, `${publicUrl}/admin/tickets/${ticket.id}`),
        contextText: contextAsText(ticket),
      };
    },
  };
}
