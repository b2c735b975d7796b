import { z } from 'zod';
import { CHAT_STATUSES } from '../../db/schema.ts';
import { EscalationContextSchema } from '../escalation/schemas.ts';
import { MAX_MESSAGE } from './service.ts';

export const CHAT_TOKEN_HEADER = 'x-chat-token';

export const ChatIdParams = z.strictObject({ id: z.uuid() });
const Iso = z.string().describe('ISO 8601 date.');

export const ChatMessage = z.object({
  id: z.number().describe('Ticket message id: the chat transcript is the ticket thread.'),
  author: z.enum(['customer', 'agent', 'system']),
  authorName: z.string().nullable().describe("The agent's display name on agent messages."),
  body: z
    .string()
    .describe('Plain text, to be rendered as text (never HTML). System messages carry a notice key.'),
  createdAt: Iso,
});

const Agent = z.object({ id: z.string(), name: z.string() });

export const ChatView = z.object({
  id: z.uuid(),
  status: z.enum(CHAT_STATUSES),
  locale: z.string(),
  agent: Agent.nullable(),
  position: z.number().nullable().describe('Place in the queue while waiting (1 = next).'),
  estimatedWaitSeconds: z.number().nullable(),
  customerReadId: z.number().describe('Last message id the customer has seen.'),
  agentReadId: z.number().describe('Last message id the agent has seen.'),
  messages: z.array(ChatMessage),
  draft: z
    .object({ subject: z.string(), description: z.string() })
    .nullable()
    .describe('After a time-out: what the customer typed, to prefill the form or callback request.'),
});

export const AgentChatView = ChatView.extend({ ticketId: z.uuid() });

export const ChatSummary = z.object({
  id: z.uuid(),
  ticketId: z.uuid(),
  status: z.enum(CHAT_STATUSES),
  reference: z.string(),
  subject: z.string(),
  customerName: z.string().nullable(),
  locale: z.string(),
  agent: Agent.nullable(),
  createdAt: Iso,
  acceptedAt: Iso.nullable(),
});

export const TextBody = z.strictObject({
  text: z.string().trim().min(1, 'Write a message.').max(MAX_MESSAGE, `At most ${MAX_MESSAGE} characters.`),
});
export const TypingBody = z.strictObject({ on: z.boolean() });
export const ReadBody = z.strictObject({ messageId: z.number().int().positive() });

const Ctx = EscalationContextSchema.shape;
export const StartChatBody = z.strictObject({
  message: z
    .string()
    .trim()
    .min(1, 'Write a message.')
    .max(MAX_MESSAGE, `At most ${MAX_MESSAGE} characters.`)
    .describe('The first message: also the ticket description.'),
  locale: z
    .string()
    .regex(/^[a-z]{2}$/)
    .default('fr'),
  name: z.string().trim().max(120).optional(),
  email: z.email('Enter a valid e-mail address.').max(254).optional(),
  pageUrl: Ctx.pageUrl,
  searches: Ctx.searches,
  articlesViewed: Ctx.articlesViewed,
  selfServiceMs: Ctx.selfServiceMs,
});

export const StartChatResult = ChatView.extend({
  token: z
    .string()
    .describe(`Resume token: send it in \`${CHAT_TOKEN_HEADER}\` or the socket's hello frame.`),
  reference: z.string(),
});

const Phone = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]{6,24}$/, 'Enter a phone number, e.g. +33 6 12 34 56 78.');
export const FallbackBody = z.strictObject({
  channel: z.enum(['form', 'callback']),
  email: z.email('Enter a valid e-mail address.').max(254).optional(),
  name: z.string().trim().max(120).optional(),
  phone: Phone.optional(),
  preferredTime: z.string().max(100).optional(),
  slot: z.iso.datetime({ offset: true }).optional().describe('`start` of an offered callback slot.'),
  note: z.string().max(10_000).optional().describe('Anything added to what was typed in the chat.'),
});
export const FallbackResult = z.object({
  reference: z.string(),
  channel: z.enum(['form', 'callback']),
  estimatedResponseMinutes: z.number(),
});
export const TranscriptBody = z.strictObject({
  email: z.email('Enter a valid e-mail address.').max(254).optional(),
});
export const Availability = z.object({
  available: z.boolean().describe('An agent is online within business hours: a live chat can start.'),
  callback: z.boolean().describe('A callback can be requested now (within business hours).'),
  callbackSlots: z
    .array(z.object({ start: z.string(), label: z.string() }))
    .describe('Next 30-minute slots in business hours, labelled in the locale: send `start` as `slot`.'),
  form: z.boolean(),
  estimatedWaitSeconds: z.number().nullable(),
});
