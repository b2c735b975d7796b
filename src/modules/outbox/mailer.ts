import nodemailer, { type Transporter } from 'nodemailer';
import type { MessageRow, TicketRow } from '../escalation/repository.ts';
import type { EmailTemplate } from './service.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Stable Message-ID built from the outbox key: a redelivery is recognisable as the same e-mail. */
  messageId: string;
}

/** nodemailer transport for RELAIS_SMTP_URL, or undefined when e-mail is not configured. */
export function createMailer(smtpUrl: string | undefined): Transporter | undefined {
  return smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
}

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
  key: string,
  /** The public thread, for `chat_transcript` (chat notices are keys: left out). */
  thread: MessageRow[] = [],
): Mail {
  const t = ticket.locale.startsWith('fr') ? COPY.fr : COPY.en;
  const transcript = thread
    .filter((m) => m.author !== 'system')
    .map(
      (m) =>
        `${m.author === 'customer' ? t.you : t.advisor} (${m.createdAt.toISOString().slice(11, 16)} UTC) : ${m.body}`,
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
    messageId: `<${key}@relais>`,
  };
}
