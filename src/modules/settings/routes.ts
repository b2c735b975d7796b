import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as settings from './service.ts';

/** Help-centre settings: branding (public read, shown on every page) and locales (public read: `GET /api/v1/locales`). */
const settingsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['settings'];

  app.get(
    '/api/v1/locales',
    {
      config: { access: 'public' },
      schema: {
        tags: ['knowledge base'],
        summary: 'Configured locales, the default first.',
        response: { 200: z.object({ items: z.array(z.string()) }) },
      },
    },
    async () => ({ items: await settings.listLocales(app.db) }),
  );

  app.get(
    '/api/v1/settings/branding',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Help-centre branding.', response: { 200: settings.BrandingView } },
    },
    async () => settings.getBranding(app.db),
  );

  app.put(
    '/api/v1/settings/branding',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Replace the branding: name, colours (hex), logo URL.',
        body: settings.BrandingBody,
        response: { 200: settings.BrandingView },
      },
    },
    async (req) => settings.saveBranding(app.db, req.actor, req.body),
  );

  app.put(
    '/api/v1/settings/locales',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Replace the help-centre locales (at least one; first is the default).',
        body: settings.LocalesBody,
        response: { 200: settings.LocalesView },
      },
    },
    async (req) => ({ locales: await settings.saveLocales(app.db, req.actor, req.body.locales) }),
  );
};

export default settingsRoutes;
