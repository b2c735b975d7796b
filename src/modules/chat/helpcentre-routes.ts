/**
 * The help centre's live chat, under `/api/v1/helpcentre/chats…`: the same customer routes as the
 * widget's (customer-routes.ts), same-origin, no widget site or token. The chat joins the help
 * centre's journey (its `relais_jid` cookie: searches, articles, votes reach the agent) and, for a
 * customer signed in to the portal, their account. A request from another origin is refused: a
 * cross-site page cannot open a chat in a signed-in customer's name.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ForbiddenError } from '../../server/errors.ts';
import { requestJourneyId } from '../journey/cookie.ts';
import { customerChatRoutes } from './customer-routes.ts';

const helpCentreChatRoutes = customerChatRoutes({
  prefix: '/api/v1/helpcentre/chats',
  tags: ['helpcentre', 'chats'],
  channel: 'helpcentre',
  query: z.strictObject({}),
  guard(req: FastifyRequest) {
    const origin = req.headers.origin;
    const own = [new URL(req.server.config.publicUrl).origin, `${req.protocol}://${req.host}`];
    if (origin && !own.includes(origin)) throw new ForbiddenError('Live chat from the help centre only.');
  },
  async check() {},
  async start(req, b) {
    const journeyId = requestJourneyId(req);
    const ua = req.headers['user-agent'];
    return {
      ...(req.actor.kind === 'customer' ? { customerAccountId: req.actor.id } : {}),
      request: {
        subject: b.message.slice(0, 120),
        description: b.message,
        context: {
          locale: b.locale,
          source: 'helpcentre',
          ...(journeyId ? { journeyId } : {}),
          ...(b.pageUrl ? { pageUrl: b.pageUrl } : {}),
          ...(typeof ua === 'string' ? { device: ua.slice(0, 300) } : {}),
          ...(b.searches?.length ? { searches: b.searches } : {}),
          ...(b.articlesViewed?.length ? { articlesViewed: b.articlesViewed } : {}),
          ...(b.selfServiceMs !== undefined ? { selfServiceMs: b.selfServiceMs } : {}),
          customer: { ...(b.email ? { email: b.email } : {}), ...(b.name ? { name: b.name } : {}) },
        },
      },
    };
  },
});

export default helpCentreChatRoutes;
