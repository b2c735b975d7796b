/**
 * The widget's live chat, under `/api/v1/widget/chats…`: registered inside the widget's public plugin
 * so the site's CORS and origin check apply (to the WebSocket upgrade too: a browser sends Origin on
 * it). The routes are the customer side shared with the help centre (customer-routes.ts).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { widgetContext } from '../widget/bot-proxy.ts';
import { SiteKey } from '../widget/schemas.ts';
import * as widget from '../widget/service.ts';
import { customerChatRoutes } from './customer-routes.ts';

const SiteQuery = z.strictObject({
  site: SiteKey,
  token: z.string().max(2000).optional().describe('Widget session token from `identify`.'),
  visitor: z
    .string()
    .regex(/^[\w-]{8,64}$/)
    .optional(),
});
type SiteQuery = z.infer<typeof SiteQuery>;

const widgetChatRoutes = customerChatRoutes({
  prefix: '/api/v1/widget/chats',
  tags: ['widget', 'chats'],
  channel: 'widget',
  query: SiteQuery,
  async check(req: FastifyRequest) {
    await widget.findSite(req.server.db, (req.query as SiteQuery).site);
  },
  async start(req, b) {
    const q = req.query as SiteQuery;
    const site = await widget.findSite(req.server.db, q.site);
    const session = widget.sessionOf(site, q.token);
    return {
      siteKey: site.key,
      request: {
        subject: b.message.slice(0, 120),
        description: b.message,
        context: {
          ...widgetContext(req.headers['user-agent'], q.visitor, b),
          customer: {
            ...(b.email ? { email: b.email } : {}),
            ...(b.name ? { name: b.name } : {}),
            ...(session ? { id: session.sub, segments: session.segments } : {}),
          },
        },
      },
    };
  },
});

export default widgetChatRoutes;
