/**
 * Self-service actions from a customer's website (issue 18): offered only to a visitor whose identity
 * the host signed (a valid widget token); the token's `sub` is the customer's external id. Without
 * one: 403 `identity-not-verified` — what a visitor types is never identity. Under
 * `/api/v1/widget/*`, so the site's CORS applies.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CustomerAction, presentCustomerAction, RunBody, RunResultView } from '../actions/presenter.ts';
import * as actions from '../actions/service.ts';
import { findCustomerByExternalId } from '../customers/service.ts';
import { SiteKey } from './schemas.ts';
import * as widget from './service.ts';

const tags = ['widget'];
const Token = z.string().max(2000).optional().describe('Widget session token from `identify`.');

const widgetActionRoutes: FastifyPluginAsyncZod = async (app) => {
  async function caller(siteKey: string, token: string | undefined) {
    const site = await widget.findSite(app.db, siteKey);
    const session = widget.sessionOf(site, token);
    const customer = session ? await findCustomerByExternalId(app.db, session.sub) : undefined;
    if (!customer) throw actions.identityNotVerified();
    return { customerId: customer.id, via: 'widget' as const };
  }

  app.get(
    '/api/v1/widget/actions',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'The self-service actions a signed-identity visitor may use.',
        querystring: z.strictObject({
          site: SiteKey,
          token: Token,
          locale: z.enum(['fr', 'en', 'en-GB']).default('fr'),
        }),
        response: { 200: z.object({ items: z.array(CustomerAction) }) },
      },
    },
    async (req) => ({
      items: (await actions.actionsFor(app.db, await caller(req.query.site, req.query.token))).map((a) =>
        presentCustomerAction(a, req.query.locale),
      ),
    }),
  );

  app.post(
    '/api/v1/widget/actions/:id/runs',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Run an action for the signed-identity visitor (after their confirmation).',
        querystring: z.strictObject({ site: SiteKey }),
        params: z.strictObject({ id: z.uuid() }),
        body: RunBody.extend({ token: Token }),
        response: { 200: RunResultView },
      },
    },
    async (req) => {
      const { token, ...run } = req.body;
      return actions.runAction(app.db, await caller(req.query.site, token), req.params.id, run);
    },
  );
};

export default widgetActionRoutes;
