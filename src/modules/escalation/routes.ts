import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../../server/errors.ts';
import { recordEvent } from '../events/service.ts';
import { backendOf, findAnswers } from '../search/service.ts';
import { callbackQueue, recordCallbackOutcome } from './callbacks.ts';
import * as inbox from './inbox.ts';
import { presentAgentTicket, presentMessage, presentSummary } from './presenter.ts';
import {
  AgentTicket,
  ArticleDraft,
  CallbackItem,
  CallbackOutcomeBody,
  CallbackQueueQuery,
  ContactEventBody,
  CustomerReplyBody,
  CustomerTicket,
  EscalationRequestSchema,
  EscalationResult,
  EscalationSettingsSchema,
  HandoffBody,
  Message,
  Offer,
  ReplyBody,
  Suggestion,
  SuggestionsBody,
  TicketId,
  TicketListQuery,
  TicketPatchBody,
  TicketSummary,
} from './schemas.ts';
import { customerReply, customerView, escalate, escalationOffer } from './service.ts';
import { readEscalationSettings, writeEscalationSettings } from './settings.ts';

/** Header carrying the customer's secure-link token on the customer API (never in a URL path). */
export const TICKET_TOKEN_HEADER = 'x-relais-ticket-token';

/**
 * Best answers for a text with the same engine and visibility rules as search: public content (and the
 * customer's segments) for customers, everything for agents. Empty until the search index is loaded.
 */
export async function suggestAnswers(
  app: FastifyInstance,
  text: string,
  opts: {
    audience: 'public' | 'internal';
    locale?: string | undefined;
    segments?: string[] | undefined;
    limit: number;
  },
) {
  if (!app.hasDecorator('searchIndex') || !app.searchIndex.ready || !text.trim()) return [];
  const { match, hits } = await findAnswers(backendOf(app), text.slice(0, 1000), {
    audience: opts.audience,
    segments: opts.segments ?? [],
    limit: opts.limit,
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  // Customers only see answers Relais is reasonably sure of; agents judge for themselves.
  if (opts.audience === 'public' && match.abstain) return [];
  return hits.map(({ id, title, shortAnswer, url, confidence }) => ({
    id,
    title,
    shortAnswer,
    url,
    confidence,
  }));
}

function tokenOf(headers: Record<string, unknown>): string {
  const token = headers[TICKET_TOKEN_HEADER];
  if (typeof token !== 'string' || !token)
    throw new UnauthorizedError(`Send the ${TICKET_TOKEN_HEADER} header.`);
  return token;
}

const escalationRoutes: FastifyPluginAsyncZod = async (app) => {
  const publicUrl = app.config.publicUrl;

  // ── customers and surfaces ──────────────────────────────────────────────────────────────────────

  app.get(
    '/api/v1/escalation/offer',
    {
      config: { access: 'public' },
      schema: {
        tags: ['escalation'],
        summary: 'Channels to reach a human right now, business hours, estimated response times.',
        querystring: z.strictObject({ locale: z.string().max(10).default('fr') }),
        response: { 200: Offer },
      },
    },
    async (req) => escalationOffer(app.db, req.query.locale),
  );

  app.post(
    '/api/v1/escalations',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['escalation'],
        summary: 'Escalate to a human with the self-service context: creates a ticket (or a live handoff).',
        description:
          'Any surface (help centre, widget, bot, flow, API) sends the EscalationRequest. The customer never re-types: send the pre-filled subject and description they confirmed.',
        body: EscalationRequestSchema,
        response: { 201: EscalationResult },
      },
    },
    async (req, reply) => reply.status(201).send(await escalate(app.db, req.body, { publicUrl })),
  );

  app.post(
    '/api/v1/contact/suggestions',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['escalation'],
        summary: 'Answers matching what the customer is typing in the contact form (deflection).',
        body: SuggestionsBody,
        response: { 200: z.object({ items: z.array(Suggestion) }) },
      },
    },
    async (req) => ({
      items: await suggestAnswers(app, `${req.body.subject} ${req.body.description}`, {
        audience: 'public',
        locale: req.body.locale,
        segments: req.body.segments,
        limit: 3,
      }),
    }),
  );

  app.post(
    '/api/v1/contact/events',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['escalation'],
        summary:
          'Contact-form deflection analytics: a suggestion opened, or the customer left without submitting.',
        body: ContactEventBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const { type, articleId, locale, visitorId, sessionId } = req.body;
      await recordEvent(app.db, {
        type: `contact.${type}`,
        channel: 'helpcentre',
        visitorId,
        sessionId,
        locale,
        ...(articleId ? { subjectType: 'article', subjectId: articleId } : {}),
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/customer/ticket',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['escalation'],
        summary: `The customer's ticket behind a secure link (token in the ${TICKET_TOKEN_HEADER} header).`,
        response: { 200: CustomerTicket },
      },
    },
    async (req) => customerView(app.db, tokenOf(req.headers)),
  );

  app.post(
    '/api/v1/customer/ticket/messages',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['escalation'],
        summary: 'The customer replies through the secure link; the ticket is reopened.',
        body: CustomerReplyBody,
        response: { 201: z.object({ id: z.number() }) },
      },
    },
    async (req, reply) => {
      const message = await customerReply(app.db, tokenOf(req.headers), req.body.body);
      return reply.status(201).send({ id: message.id });
    },
  );

  // ── administration ──────────────────────────────────────────────────────────────────────────────

  app.get(
    '/api/v1/escalation/settings',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['escalation'],
        summary: 'Channels, business hours, response times, contact reasons.',
        response: { 200: EscalationSettingsSchema },
      },
    },
    async () => readEscalationSettings(app.db),
  );

  app.put(
    '/api/v1/escalation/settings',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['escalation'],
        summary: 'Replace the escalation settings.',
        body: EscalationSettingsSchema,
        response: { 200: EscalationSettingsSchema },
      },
    },
    async (req) => {
      await writeEscalationSettings(app.db, req.body);
      return readEscalationSettings(app.db);
    },
  );

  // ── agents' inbox ───────────────────────────────────────────────────────────────────────────────

  app.get(
    '/api/v1/tickets',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary: 'Queues: open, unassigned, mine or all, with filters.',
        querystring: TicketListQuery,
        response: { 200: z.object({ items: z.array(TicketSummary), total: z.number() }) },
      },
    },
    async (req) => {
      const { items, total } = await inbox.listTickets(app.db, req.actor, req.query);
      return { items: items.map(presentSummary), total };
    },
  );

  app.get(
    '/api/v1/tickets/:id',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary: 'A ticket with the customer, the context timeline and the whole thread (notes included).',
        params: TicketId,
        response: { 200: AgentTicket },
      },
    },
    async (req) => {
      const { ticket, messages } = await inbox.agentTicket(app.db, req.params.id);
      return presentAgentTicket(ticket, messages, await inbox.articleTitles(backendOf(app).source, ticket));
    },
  );

  app.patch(
    '/api/v1/tickets/:id',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Change status, priority, level, assignee or tags.',
        params: TicketId,
        body: TicketPatchBody,
        response: { 200: TicketSummary },
      },
    },
    async (req) => presentSummary(await inbox.changeTicket(app.db, req.actor, req.params.id, req.body)),
  );

  app.post(
    '/api/v1/tickets/:id/messages',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Public reply (e-mailed to the customer) or internal note.',
        params: TicketId,
        body: ReplyBody,
        response: { 201: Message },
      },
    },
    async (req, reply) => {
      const message = await inbox.replyToTicket(app.db, req.actor, req.params.id, req.body, publicUrl);
      return reply.status(201).send(presentMessage(message));
    },
  );

  app.post(
    '/api/v1/tickets/:id/handoff',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary:
          'Live handoff: join, leave, time out or resolve (see the state machine in docs/architecture.md).',
        params: TicketId,
        body: HandoffBody,
        response: { 200: z.object({ phase: z.string(), notice: z.string() }) },
      },
    },
    async (req) => {
      const { ticket, notice } = await inbox.handoffEvent(app.db, req.actor, req.params.id, req.body.event);
      return { phase: ticket.handoffPhase, notice };
    },
  );

  app.get(
    '/api/v1/tickets/:id/suggestions',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary: 'Knowledge-base answers for this ticket (internal content included), with links to insert.',
        params: TicketId,
        response: { 200: z.object({ items: z.array(Suggestion) }) },
      },
    },
    async (req) => {
      const { ticket, messages } = await inbox.agentTicket(app.db, req.params.id);
      const text = [
        ticket.subject,
        ...messages.filter((m) => m.author === 'customer').map((m) => m.body),
      ].join(' ');
      return {
        items: await suggestAnswers(app, text, { audience: 'internal', locale: ticket.locale, limit: 5 }),
      };
    },
  );

  app.post(
    '/api/v1/tickets/:id/article-draft',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary:
          '"This should be an article": a draft (title, short answer, body, formulations) from the ticket.',
        description:
          "With `content:write`, also creates the draft article in the ticket's locale (201, `articleId`); without it, returns the draft content only (200, `articleId: null`) for an editor.",
        params: TicketId,
        response: { 200: ArticleDraft, 201: ArticleDraft },
      },
    },
    async (req, reply) => {
      const draft = await inbox.articleDraft(app.db, req.actor, req.params.id);
      return reply.status(draft.articleId ? 201 : 200).send(draft);
    },
  );

  app.put(
    '/api/v1/agents/me/presence',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Heartbeat from the inbox (every 30 s): available for live handoff while it lasts.',
        body: z.strictObject({ online: z.boolean() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await inbox.setPresence(app.db, req.actor, req.body.online);
      return reply.status(204).send(null);
    },
  );

  // ── callback queue (callback requests) ──────────────────────────────────────────────────────────

  app.get(
    '/api/v1/callbacks',
    {
      config: { access: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary: 'The callback queue: callback requests, due slots first (`open` = pending and called).',
        querystring: CallbackQueueQuery,
        response: { 200: z.object({ items: z.array(CallbackItem) }) },
      },
    },
    async (req) => ({ items: await callbackQueue(app.db, req.query.status) }),
  );

  app.post(
    '/api/v1/tickets/:id/callback',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Record a call: called (follow-up owed), done (ticket solved) or no answer.',
        params: TicketId,
        body: CallbackOutcomeBody,
        response: { 200: TicketSummary },
      },
    },
    async (req) =>
      presentSummary(
        await recordCallbackOutcome(app.db, req.actor, req.params.id, req.body.outcome, req.body.note),
      ),
  );
};

export default escalationRoutes;
