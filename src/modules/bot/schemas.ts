import { z } from 'zod';
import { Locale } from '../settings/schemas.ts';

export const CONVERSATION_TOKEN_HEADER = 'x-conversation-token';

export const QuickReply = z.object({
  id: z.string().describe('Send it back to `POST …/choices`.'),
  label: z.string(),
});

export const Message = z.object({
  id: z.number(),
  at: z.date(),
  from: z.enum(['customer', 'bot', 'system']),
  text: z.string(),
  answer: z
    .object({ id: z.string(), title: z.string(), url: z.string() })
    .optional()
    .describe('The knowledge-base answer this message gives, with its help-centre link.'),
  citations: z
    .array(z.object({ n: z.number(), id: z.string(), title: z.string(), url: z.string() }))
    .optional()
    .describe('Generated answers: the passages cited as [n].'),
  quickReplies: z.array(QuickReply),
});

export const ConversationStatus = z.enum(['open', 'resolved', 'escalated']);

export const TurnResponse = z.object({
  conversationId: z.uuid(),
  status: ConversationStatus,
  locale: z.string(),
  messages: z.array(Message).describe("The bot's new messages, in order."),
  quickReplies: z.array(QuickReply).describe('Choices on offer now.'),
  flow: z.object({ flowId: z.string(), nodeId: z.string() }).nullable().describe('Running guided flow.'),
  escalationId: z.string().optional().describe('Set when this turn handed the conversation over to a human.'),
  chat: z
    .object({ id: z.uuid(), token: z.string() })
    .optional()
    .describe(
      'A `live` hand-over opened a chat in the agents’ queue: follow it on `/api/v1/widget/chats/{id}` with this token.',
    ),
});

export const CreateConversationBody = z.strictObject({
  locale: Locale.optional().describe('`fr` or `en`; omitted → detected from `message`, else `fr`.'),
  channel: z
    .enum(['widget', 'helpcentre', 'api'])
    .default('api')
    .describe('Surface opening the conversation.'),
  visitorId: z
    .string()
    .regex(/^[\w-]{8,64}$/)
    .optional()
    .describe('Anonymous random visitor id of the surface.'),
  segments: z
    .array(z.string().regex(/^[\w-]{1,40}=[\w.-]{1,60}$/))
    .max(20)
    .optional()
    .describe('Customer segments asserted by the host site, e.g. `plan=pro`.'),
  pageUrl: z.url().max(2000).optional(),
  message: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .optional()
    .describe('First question, answered in the same call.'),
  flowId: z.uuid().optional().describe('Start this published guided flow right away.'),
});

export const CreateConversationResponse = TurnResponse.extend({
  token: z
    .string()
    .describe(
      `Secret of this conversation: send it in the \`${CONVERSATION_TOKEN_HEADER}\` header to continue or resume it. Shown once.`,
    ),
});

export const ConversationParams = z.strictObject({ id: z.uuid() });
export const MessageBody = z.strictObject({ text: z.string().trim().min(1).max(1000) });
export const ChoiceBody = z.strictObject({ choice: z.string().min(1).max(200) });
export const FeedbackBody = z.strictObject({ solved: z.boolean().describe('"Did this solve it?"') });
export const StartFlowBody = z.strictObject({ flowId: z.uuid() });
export const EscalateBody = z.strictObject({
  channel: z.enum(['form', 'callback', 'live']).default('form'),
  description: z.string().trim().min(1).max(4000).optional(),
  customer: z
    .strictObject({
      email: z.email().max(254).optional(),
      name: z.string().trim().min(1).max(120).optional(),
      phone: z
        .string()
        .regex(/^\+?[\d\s.()-]{6,25}$/)
        .optional(),
    })
    .optional()
    .describe('Contact details typed by the customer, kept for the agent only.'),
});

export const ConversationView = z.object({
  id: z.uuid(),
  status: ConversationStatus,
  locale: z.string(),
  channel: z.string(),
  createdAt: z.date(),
  messages: z.array(Message),
  quickReplies: z.array(QuickReply),
  flow: z.object({ flowId: z.string(), nodeId: z.string() }).nullable(),
});

export const StaffConversationView = ConversationView.extend({
  events: z
    .array(
      z.object({
        id: z.number(),
        at: z.date(),
        kind: z.string(),
        author: z.string().nullable(),
        text: z.string().nullable(),
        data: z.record(z.string(), z.unknown()),
      }),
    )
    .describe('Every event: messages, decisions with candidates and confidence, flow steps, escalations.'),
});

export const ConversationSummary = z.object({
  id: z.uuid(),
  status: ConversationStatus,
  locale: z.string(),
  channel: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

// ── flows ──

export const FlowParams = z.strictObject({ id: z.uuid() });
export const FlowSummary = z.object({
  id: z.uuid(),
  key: z.string(),
  title: z.string(),
  locale: z.string(),
  latestVersion: z.number(),
  publishedVersion: z.number().nullable(),
  updatedAt: z.date(),
});
export const FlowDetail = FlowSummary.extend({
  version: z.number().describe('Version of `definition`.'),
  definition: z.record(z.string(), z.unknown()),
  versions: z.array(z.object({ version: z.number(), createdAt: z.date(), publishedAt: z.date().nullable() })),
  articleIds: z.array(z.string()).describe('Answers that offer this flow.'),
});
export const FlowIssues = z.object({
  valid: z.boolean(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
});
