import { z } from 'zod';
import type { Channel } from '../events/service.ts';

/**
 * The canonical event taxonomy (docs/metrics.md is its human-readable twin): every surface records
 * these types through `recordEvent`, with the `data` fields below. KPIs are defined on these names only.
 */

const Query = z.string().trim().min(1).max(500).describe('What the customer typed (masked on storage).');
/** A URL path, never a query string: query strings often carry e-mails or tokens. */
const Page = z
  .string()
  .max(500)
  .transform((p) => stripQuery(p))
  .describe('Path of the page (query string and fragment are dropped).');
const Id = z.string().min(1).max(100);

export function stripQuery(url: string): string {
  const noFragment = url.split('#')[0] ?? '';
  const path = noFragment.split('?')[0] ?? '';
  try {
    return path.startsWith('http') ? new URL(path).pathname : path;
  } catch {
    return path;
  }
}

export interface EventSpec {
  /** Surfaces expected to record it. */
  channels: readonly Channel[];
  /** Accepted from browsers on POST /api/v1/events (public, rate-limited). */
  browser: boolean;
  /** Validates and normalises `data`. */
  data: z.ZodType<Record<string, unknown>>;
  /** What `subjectType` must be, when the event is about something. */
  subject?: 'article' | 'flow' | 'conversation' | 'ticket' | 'nudge';
  summary: string;
}

const web = ['helpcentre', 'widget'] as const;
const anySurface = ['helpcentre', 'widget', 'bot', 'api', 'email', 'messaging', 'voice'] as const;
const PageData = z.strictObject({ page: Page.optional() });

export const EVENT_TYPES = {
  'search.performed': {
    channels: anySurface,
    browser: false,
    summary: 'A search or natural-language question was answered by the engine (self-service attempt).',
    data: z.strictObject({
      query: Query,
      resultCount: z.number().int().min(0),
      confidence: z.number().min(0).max(1),
      abstained: z.boolean(),
      page: Page.optional(),
    }),
  },
  'search.result_clicked': {
    channels: web,
    browser: true,
    subject: 'article',
    summary: 'A search result was opened.',
    data: z.strictObject({ rank: z.number().int().min(1).max(100), page: Page.optional() }),
  },
  'article.viewed': {
    channels: web,
    browser: true,
    subject: 'article',
    summary: 'An answer was displayed (help-centre page, widget card): an answer delivered.',
    data: z.strictObject({
      source: z.enum(['search', 'browse', 'nudge', 'bot', 'direct']).optional(),
      page: Page.optional(),
    }),
  },
  'feedback.given': {
    channels: web,
    browser: false,
    subject: 'article',
    summary: '"Was this helpful?" answered (recorded by kb when it stores the vote).',
    data: z.strictObject({ helpful: z.boolean(), query: Query.optional(), page: Page.optional() }),
  },
  'conversation.started': {
    channels: ['widget', 'bot', 'messaging', 'voice'],
    browser: false,
    subject: 'conversation',
    summary: 'A bot conversation began (self-service attempt).',
    data: z.strictObject({ page: Page.optional() }),
  },
  'bot.answered': {
    channels: ['bot', 'widget', 'messaging', 'voice', 'email'],
    browser: false,
    summary: 'The bot answered from an article (answer delivered).',
    data: z.strictObject({
      query: Query,
      articleId: Id,
      confidence: z.number().min(0).max(1),
      page: Page.optional(),
    }),
  },
  'bot.abstained': {
    channels: ['bot', 'widget', 'messaging', 'voice', 'email'],
    browser: false,
    summary: 'The bot did not know (content gap).',
    data: z.strictObject({ query: Query, confidence: z.number().min(0).max(1), page: Page.optional() }),
  },
  'bot.escalated': {
    channels: ['bot', 'widget', 'messaging', 'voice'],
    browser: false,
    summary: 'The bot handed the customer over to a human.',
    data: z.strictObject({
      reason: z.enum(['asked_human', 'repeated_miss', 'not_helpful', 'frustration', 'flow']),
      page: Page.optional(),
    }),
  },
  'flow.started': {
    channels: ['helpcentre', 'widget', 'bot'],
    browser: false,
    subject: 'flow',
    summary: 'A guided flow began (self-service attempt).',
    data: z.strictObject({ page: Page.optional() }),
  },
  'flow.step_reached': {
    channels: ['helpcentre', 'widget', 'bot'],
    browser: false,
    subject: 'flow',
    summary: 'A step of a guided flow was shown.',
    data: z.strictObject({ stepId: Id, stepIndex: z.number().int().min(0), page: Page.optional() }),
  },
  'flow.completed': {
    channels: ['helpcentre', 'widget', 'bot'],
    browser: false,
    subject: 'flow',
    summary: 'A guided flow reached an end step that solves the need (answer delivered).',
    data: z.strictObject({ stepId: Id.optional(), page: Page.optional() }),
  },
  'flow.escalated': {
    channels: ['helpcentre', 'widget', 'bot'],
    browser: false,
    subject: 'flow',
    summary: 'A guided flow handed the customer over to a human (its escalation step).',
    data: z.strictObject({ stepId: Id.optional(), page: Page.optional() }),
  },
  'widget.opened': {
    channels: ['widget'],
    browser: true,
    summary: 'The widget panel was opened.',
    data: PageData,
  },
  'widget.nudge_shown': {
    channels: ['widget'],
    browser: true,
    subject: 'nudge',
    summary: 'A proactive suggestion was displayed.',
    data: PageData,
  },
  'widget.nudge_clicked': {
    channels: ['widget'],
    browser: true,
    subject: 'nudge',
    summary: 'A proactive suggestion was opened.',
    data: PageData,
  },
  'contact.form_opened': {
    channels: web,
    browser: true,
    summary: 'The contact form was opened (denominator of contact-form deflection).',
    data: PageData,
  },
  'contact.suggestion_opened': {
    channels: web,
    browser: true,
    subject: 'article',
    summary: 'An answer suggested while typing in the contact form was opened.',
    data: PageData,
  },
  'contact.deflected': {
    channels: web,
    browser: true,
    summary: 'The customer left the contact form after a suggestion, saying it solved the need.',
    data: PageData,
  },
  'escalation.created': {
    channels: anySurface,
    browser: false,
    subject: 'ticket',
    summary: 'A customer reached a human (ticket, callback, live chat) from self-service.',
    data: z.strictObject({
      via: z.enum(['form', 'callback', 'live', 'email']),
      source: z.enum(['helpcentre', 'widget', 'bot', 'flow', 'api']).optional(),
      page: Page.optional(),
    }),
  },
  'ticket.created': {
    channels: anySurface,
    browser: false,
    subject: 'ticket',
    summary: 'A ticket was created outside self-service (e.g. inbound e-mail): an escalation too.',
    data: z.strictObject({ via: z.enum(['form', 'callback', 'live', 'email']), page: Page.optional() }),
  },
  'survey.answered': {
    channels: anySurface,
    browser: false,
    summary: 'A CSAT or Customer Effort Score micro-survey was answered (POST /api/v1/surveys/responses).',
    data: z.strictObject({
      kind: z.enum(['csat', 'ces']),
      score: z.number().int().min(1).max(7),
      context: z.enum(['article', 'bot', 'flow', 'search', 'contact']).optional(),
      page: Page.optional(),
    }),
  },
} as const satisfies Record<string, EventSpec>;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];
export const BROWSER_EVENT_TYPES = EVENT_TYPE_NAMES.filter((t) => EVENT_TYPES[t].browser);

/** Events that count as a self-service attempt in a session. */
export const ATTEMPT_TYPES = [
  'search.performed',
  'article.viewed',
  'conversation.started',
  'bot.answered',
  'bot.abstained',
  'flow.started',
  'flow.step_reached',
] as const satisfies readonly EventType[];
/** Events where an answer was delivered. */
export const ANSWER_TYPES = ['article.viewed', 'bot.answered', 'flow.completed'] as const;
/** Events where the customer reached (or was handed to) a human. */
export const ESCALATION_TYPES = ['escalation.created', 'ticket.created', 'bot.escalated'] as const;

/** Below this bot confidence an answer counts as low-confidence (content gaps). */
export const LOW_CONFIDENCE = 0.5;
