import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { settingsGeneration } from '../modules/settings/changes.ts';
import * as settings from '../modules/settings/service.ts';
import { statusGeneration } from '../modules/status/changes.ts';
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
  let banners:
    | { value: Promise<Site['banners']>; at: number; generation: number; locales: string[] }
    | undefined;
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
  // Status page (issue 19): incident banners, cached like settings (issue 24: they cost a page more
  // than the page itself): dropped at once by a status write or maintenance tick on this node, at most
  // 5 s old elsewhere (and for windows that open on time).
  async function withBanners(s: Site): Promise<Site> {
    const generation = statusGeneration();
    if (
      !banners ||
      banners.generation !== generation ||
      banners.locales !== s.locales ||
      Date.now() - banners.at >= SETTINGS_TTL_MS
    ) {
      const value = activeIncidentBanners(app.db, s.locales);
      const entry = { value, at: Date.now(), generation, locales: s.locales };
      banners = entry;
      value.catch(() => {
        if (banners === entry) banners = undefined;
      });
    }
    return { ...s, banners: await banners.value };
  }
}
