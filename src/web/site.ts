import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { settingsGeneration } from '../modules/settings/changes.ts';
import * as settings from '../modules/settings/service.ts';
import { activeIncidentBanners } from '../modules/status/service.ts';
import type { Site } from './layout.ts';

const SETTINGS_TTL_MS = 5_000;

/**
 * Branding and locales for page shells, cached: they change a few times a year, and a few seconds of
 * staleness saves two queries per page. A write on this node (PUT /api/v1/settings/…) bumps the
 * generation and drops the copy at once. One loader per page plugin (help centre, customer portal).
 */
export function siteLoader(app: FastifyInstance): () => Promise<Site> {
  let cached: { site: Site; at: number; generation: number } | undefined;
  return async function site(): Promise<Site> {
    const generation = settingsGeneration();
    if (cached && cached.generation === generation && Date.now() - cached.at < SETTINGS_TTL_MS) {
      return withBanners(cached.site);
    }
    const [branding, locales] = await Promise.all([
      settings.getBranding(app.db),
      settings.listLocales(app.db),
    ]);
    const themeVersion = createHash('sha256').update(JSON.stringify(branding)).digest('hex').slice(0, 10);
    cached = {
      site: { branding, locales, publicUrl: app.config.publicUrl, themeVersion },
      at: Date.now(),
      generation,
    };
    return withBanners(cached.site);
  };
  // Status page (issue 19): the incident banner is read per request, so it shows as soon as it is posted.
  async function withBanners(s: Site): Promise<Site> {
    return { ...s, banners: await activeIncidentBanners(app.db, s.locales) };
  }
}
