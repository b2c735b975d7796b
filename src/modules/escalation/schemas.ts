import { z } from 'zod';
import { TICKET_LEVELS, TICKET_PRIORITIES, TICKET_STATUSES } from '../../db/schema.ts';
import { Locale } from '../settings/schemas.ts';

const Iso = z.string().max(40).describe('ISO 8601 date.');
const LocaleCode = Locale.describe('Locale such as `fr` or `en`.');
const Text = (max: number) => z.string().max(max);
/** Loose international phone: digits with spaces, dots, dashes, parentheses, optional leading +. */
const Phone = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]{6,24}$/, 'Enter a phone number, e.g. +33 6 12 34 56 78.');

export const EscalationContextSchema = z.strictObject({
  locale: LocaleCode,
  source: z.enum(['helpcentre', 'widget', 'bot', 'flow', 'api']),
  /** Page the customer came from (URL), and device summary from the user agent. */
  pageUrl: z.url().max(2000).optional(),
  device: Text(300).optional(),
  /** Anonymous ids of the visitor and the self-service session. */
  visitorId: Text(100).optional(),
  sessionId: Text(100).optional(),
  /**
   * The customer's journey (`h:<help-centre cookie>` or `w:<widget visitor>`), set by Relais's own
   * surfaces: its steps since the last escalation are merged into this context (searches, articles
   * with titles, votes, flows) and the time before escalation runs from its first step.
   */
  journeyId: Text(120).optional(),
  /** Pages the customer went through before asking (from the journey). */
  pages: z
    .array(z.strictObject({ at: Iso, url: Text(2000) }))
    .max(100)
    .optional(),
  searches: z
    .array(
      z.strictObject({
        at: Iso,
        query: Text(500),
        topAnswerId: Text(100).optional(),
        abstained: z.boolean().optional(),
        /** Answers shown for this search, in order, with the titles the customer saw. */
        shown: z
          .array(z.strictObject({ id: Text(100), title: Text(300) }))
          .max(10)
          .optional(),
        /** Which of them the customer opened. */
        opened: z
          .array(z.strictObject({ id: Text(100), title: Text(300) }))
          .max(10)
          .optional(),
      }),
    )
    .max(100)
    .optional(),
  articlesViewed: z
    .array(
      z.strictObject({
        at: Iso,
        articleId: Text(100),
        /** Title and locale as the customer read it. */
        title: Text(300).optional(),
        locale: Text(10).optional(),
        /** The customer's "was this helpful?" vote and comment. */
        helpful: z.boolean().optional(),
        comment: Text(1000).optional(),
      }),
    )
    .max(100)
    .optional(),
  conversationId: Text(100).optional(),
  transcript: z
    .array(
      z.strictObject({
        at: Iso,
        from: z.enum(['customer', 'bot', 'agent', 'system']),
        text: Text(5000),
        /** Answer ids proposed by the bot in this turn, with their confidence. */
        answers: z
          .array(z.strictObject({ id: Text(100), confidence: z.number() }))
          .max(10)
          .optional(),
      }),
    )
    .max(300)
    .optional(),
  /** Guided flow path: each node reached and the answer given. */
  flowPath: z
    .array(
      z.strictObject({
        flowId: Text(100),
        nodeId: Text(100),
        answer: Text(500).optional(),
        /** The flow's name and the step's label (question or message), as the customer saw them. */
        flowName: Text(300).optional(),
        label: Text(500).optional(),
        /** On a flow's last step: how it ended. */
        outcome: z.enum(['completed', 'escalated', 'abandoned']).optional(),
        at: Iso.optional(),
      }),
    )
    .max(200)
    .optional(),
  /** Milliseconds of self-service before asking for a human. */
  selfServiceMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3_600_000)
    .optional(),
  /** Identity asserted by the host site (signed) or typed by the customer. */
  customer: z
    .strictObject({
      id: Text(200).optional(),
      email: z.email('Enter a valid e-mail address.').max(254).optional(),
      name: z.string().trim().max(120).optional(),
      phone: Phone.optional(),
      segments: z.array(Text(100)).max(20).optional(),
    })
    .optional(),
});

/** The EscalationRequest contract (contract.ts) as validated at the edge, with per-field errors. */
export const EscalationRequestSchema = z
  .strictObject({
    channel: z.enum(['form', 'callback', 'live']),
    /** Pre-filled from the context; the customer can edit them. */
    subject: z.string().trim().min(3, 'Give a subject (3 characters or more).').max(200),
    description: z.string().trim().min(10, 'Describe your request (10 characters or more).').max(10_000),
    /**
     * For callbacks: the phone number (stored in E.164; a French national number gets +33) and either a
     * slot from the offer's `callbackSlots` (`slot`, its `start`) or a free-text preferred time.
     */
    callback: z
      .strictObject({
        phone: Phone,
        slot: z.iso.datetime({ offset: true }).optional().describe('`start` of one of the offered slots.'),
        preferredTime: Text(100).optional(),
      })
      .optional(),
    /** Contact reason chosen by the customer or the flow (`billing`, `technical`…): sets the ticket's level. */
    reason: z.string().max(50).optional(),
    context: EscalationContextSchema,
  })
  .superRefine((r, ctx) => {
    // A form ticket needs an address to send the confirmation and the replies to.
    if (r.channel !== 'callback' && !r.context.customer?.email) {
      ctx.addIssue({
        code: 'custom',
        path: ['context', 'customer', 'email'],
        message: 'Enter your e-mail address so we can answer you.',
      });
    }
    if (r.channel === 'callback' && !r.callback?.phone) {
      ctx.addIssue({
        code: 'custom',
        path: ['callback', 'phone'],
        message: 'Enter the number to call back.',
      });
    }
  });

export const EscalationResult = z.object({
  ticketId: z.uuid(),
  reference: z.string().describe('Public reference to quote (grants no access by itself).'),
  channel: z.enum(['form', 'callback', 'live']).describe('Effective channel (live falls back to form).'),
  level: z.enum(TICKET_LEVELS),
  handoff: z.object({
    phase: z.enum(['bot', 'waiting_for_agent', 'agent', 'resolved', 'ticket']),
    notice: z.string().optional().describe('Message key to show: a handoff is never silent.'),
  }),
  customerUrl: z
    .string()
    .describe('Secure link to follow the ticket and reply; show it and keep it private.'),
  estimatedResponseMinutes: z.number(),
  chat: z
    .object({
      id: z.uuid(),
      token: z
        .string()
        .describe(
          'Resume token of the chat: `x-chat-token` on `/api/v1/widget/chats/{id}…` (REST, SSE) or the socket hello frame.',
        ),
    })
    .optional()
    .describe('For `live`: the chat now waiting in the agents’ queue; absent when it fell back to a form.'),
});

export const Offer = z.object({
  open: z.boolean().describe('Inside business hours now.'),
  agentsOnline: z.number(),
  channels: z.array(
    z.object({
      channel: z.enum(['form', 'callback', 'live']),
      available: z.boolean(),
      estimatedResponseMinutes: z.number(),
      fallback: z.enum(['form']).optional().describe('What happens when this channel is unavailable.'),
    }),
  ),
  businessHours: z.object({
    timezone: z.string(),
    week: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  }),
  reasons: z.array(z.object({ id: z.string(), level: z.enum(TICKET_LEVELS), label: z.string() })),
  callbackSlots: z
    .array(z.object({ start: z.string(), label: z.string() }))
    .describe(
      'Next 30-minute callback slots inside business hours (company time zone), labelled in the locale.',
    ),
});

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
/** What an admin configures about reaching a human (key `escalation` in `settings`). */
export const EscalationSettingsSchema = z.strictObject({
  channels: z.strictObject({ form: z.boolean(), callback: z.boolean(), live: z.boolean() }),
  businessHours: z.strictObject({
    /** IANA time zone, e.g. `Europe/Paris`. */
    timezone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'Unknown time zone.'),
    /** Opening intervals per weekday, `HH:MM` local time; a missing day is closed. */
    week: z.partialRecord(
      z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
      z.array(z.tuple([HHMM, HHMM])).max(6),
    ),
  }),
  /** Estimated first response, in minutes, shown to the customer before they choose. */
  responseMinutes: z.strictObject({
    form: z.number().int().min(0),
    callback: z.number().int().min(0),
    live: z.number().int().min(0),
  }),
  /** Contact reasons and the expertise they need (simple / intermediate / expert). */
  reasons: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9_-]{1,50}$/),
        level: z.enum(TICKET_LEVELS),
        label: z.record(z.string(), z.string().max(100)),
      }),
    )
    .max(50),
  liveChat: z
    .strictObject({
      acceptTimeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .describe('Seconds a waiting live chat waits for an agent before the form or a callback is offered.'),
    })
    .optional(),
});

export const Suggestion = z.object({
  id: z.string(),
  title: z.string(),
  shortAnswer: z.string(),
  url: z.string(),
  confidence: z.number(),
});

export const SuggestionsBody = z.strictObject({
  subject: z.string().max(200).default(''),
  description: z.string().max(10_000).default(''),
  locale: LocaleCode.optional(),
  segments: z.array(z.string().max(100)).max(20).optional(),
});

export const ContactEventBody = z.strictObject({
  type: z.enum(['suggestion_opened', 'deflected']),
  articleId: z.string().max(100).optional(),
  locale: LocaleCode.optional(),
  visitorId: z.string().max(100).optional(),
  sessionId: z.string().max(100).optional(),
});

export const TicketId = z.strictObject({ id: z.uuid() });

export const Message = z.object({
  id: z.number(),
  visibility: z.enum(['public', 'internal']),
  author: z.enum(['customer', 'agent', 'system']),
  authorId: z.string().nullable(),
  body: z.string(),
  createdAt: z.date(),
});

export const TicketSummary = z.object({
  id: z.uuid(),
  reference: z.string(),
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(TICKET_PRIORITIES),
  level: z.enum(TICKET_LEVELS),
  channel: z.enum(['form', 'callback', 'live']),
  source: z.string(),
  reason: z.string().nullable(),
  subject: z.string(),
  locale: z.string(),
  assigneeId: z.string().nullable(),
  tags: z.array(z.string()),
  handoffPhase: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const TimelineEntry = z.object({
  at: z.string(),
  kind: z.enum(['page', 'search', 'article', 'bot', 'flow', 'escalated']),
  text: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const AgentTicket = TicketSummary.extend({
  customer: z.object({
    id: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  callbackTime: z.string().nullable(),
  context: z
    .record(z.string(), z.unknown())
    .describe('The EscalationContext as handed over (without identity).'),
  timeline: z.array(TimelineEntry).describe('Everything the customer did before escalating, in order.'),
  messages: z.array(Message),
});

export const CustomerTicket = z.object({
  reference: z.string(),
  status: z.enum(TICKET_STATUSES),
  subject: z.string(),
  locale: z.string(),
  createdAt: z.date(),
  messages: z.array(Message.omit({ authorId: true, visibility: true })),
});

export const TicketListQuery = z.strictObject({
  queue: z
    .enum(['all', 'unassigned', 'mine', 'open'])
    .default('open')
    .describe('`open` = new, open or pending_customer.'),
  status: z.enum(TICKET_STATUSES).optional(),
  level: z.enum(TICKET_LEVELS).optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  locale: LocaleCode.optional(),
  assigneeId: z.uuid().optional(),
  tag: z.string().max(50).optional(),
  q: z.string().trim().max(200).optional().describe('Words of the subject or the reference.'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const TicketPatchBody = z
  .strictObject({
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    level: z.enum(TICKET_LEVELS).optional(),
    assigneeId: z.uuid().nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change.' });

export const ReplyBody = z.strictObject({
  body: z.string().trim().min(1).max(20_000),
  visibility: z.enum(['public', 'internal']).describe('`internal` notes are never shown to the customer.'),
  status: z
    .enum(TICKET_STATUSES)
    .optional()
    .describe('Status after the reply (default: pending_customer for a public reply).'),
});

export const CustomerReplyBody = z.strictObject({ body: z.string().trim().min(1).max(20_000) });

export const HandoffBody = z.strictObject({
  event: z.enum(['agent_joined', 'agent_left', 'wait_timeout', 'resolved']),
});

export const ArticleDraft = z.object({
  locale: z.string(),
  title: z.string(),
  shortAnswer: z.string(),
  body: z.string().describe('Markdown.'),
  formulations: z.array(z.string()),
  sourceTicketId: z.string(),
  articleId: z
    .uuid()
    .nullable()
    .describe('The draft article created in the knowledge base (callers with content:write), else null.'),
});

// ── callback queue (callback requests) ───────────────────────────────────────────────────────────
export const CallbackQueueQuery = z.strictObject({
  status: z.enum(['open', 'pending', 'called', 'done', 'no_answer']).default('open'),
});
export const CallbackItem = z.object({
  ticketId: z.uuid(),
  reference: z.string(),
  subject: z.string(),
  customerName: z.string().nullable(),
  phone: z.string().nullable().describe('E.164 number to call.'),
  locale: z.string(),
  dueAt: z.string().nullable().describe('Start of the chosen slot (ISO 8601).'),
  status: z.enum(['pending', 'called', 'done', 'no_answer']),
  preferredTime: z.string().nullable(),
  createdAt: z.string(),
});
export const CallbackOutcomeBody = z.strictObject({
  outcome: z.enum(['called', 'done', 'no_answer']),
  note: z.string().max(2000).optional().describe('Internal note added to the thread.'),
});
