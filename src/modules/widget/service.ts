import { newSecret } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { MatchOptions, MatchResult } from '../../engine/types.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, NotFoundError, UnauthorizedError } from '../../server/errors.ts';
import { readAnalyticsSettings } from '../analytics/service.ts';
import { recordAudit } from '../audit/service.ts';
import { recordEvent } from '../events/service.ts';
import { renderMarkdown } from '../kb/markdown.ts';
import * as kb from '../kb/service.ts';
import { findAnswers } from '../search/service.ts';
import { assistantOf, getBranding } from '../settings/service.ts';
import { activeIncidentBanner } from '../status/service.ts';
import {
  type IdentityClaims,
  issueToken,
  readToken,
  TOKEN_TTL_S,
  verifyIdentity,
  type WidgetSession,
} from './identity.ts';
import * as repo from './repository.ts';
import type { Rule } from './schemas.ts';
import { stringsFor } from './strings.ts';

export type { SiteRow } from './repository.ts';

const nowS = () => Math.floor(Date.now() / 1000);

// ── sites (staff) ──

export const listSites = (db: DbOrTx) => repo.listSites(db);

export async function findSite(db: DbOrTx, key: string): Promise<repo.SiteRow> {
  const site = await repo.findSite(db, key);
  if (!site) throw new NotFoundError('Widget site');
  return site;
}

/** Creates a site and its identity secret; the secret is returned here and on rotation only. */
export async function createSite(
  db: Db,
  actor: Actor,
  input: { key: string; name: string; allowedOrigins: string[]; contactUrl?: string | undefined },
) {
  const identitySecret = newSecret();
  return db.transaction(async (tx) => {
    const site = await repo.insertSite(tx, {
      key: input.key,
      name: input.name,
      allowedOrigins: input.allowedOrigins,
      contactUrl: input.contactUrl ?? null,
      identitySecret,
    });
    if (!site) throw new ConflictError('A widget site with this key exists.', 'key');
    await recordAudit(tx, actor, {
      action: 'widget_site.created',
      subjectType: 'widget_site',
      subjectId: site.key,
    });
    return { site, identitySecret };
  });
}

export async function updateSite(
  db: Db,
  actor: Actor,
  key: string,
  patch: Partial<Pick<repo.SiteRow, 'name' | 'allowedOrigins' | 'contactUrl' | 'strings' | 'statusBanner'>>,
) {
  return db.transaction(async (tx) => {
    const site = await repo.updateSite(tx, key, patch);
    if (!site) throw new NotFoundError('Widget site');
    await recordAudit(tx, actor, {
      action: 'widget_site.updated',
      subjectType: 'widget_site',
      subjectId: key,
      details: { fields: Object.keys(patch) },
    });
    return site;
  });
}

export async function rotateSecret(db: Db, actor: Actor, key: string) {
  const identitySecret = newSecret();
  return db.transaction(async (tx) => {
    const site = await repo.updateSite(tx, key, { identitySecret });
    if (!site) throw new NotFoundError('Widget site');
    await recordAudit(tx, actor, {
      action: 'widget_site.secret_rotated',
      subjectType: 'widget_site',
      subjectId: key,
    });
    return { site, identitySecret };
  });
}

/** Replaces the site's rules; article ids must be published public articles so nudges never dead-end. */
export async function replaceRules(db: Db, actor: Actor, key: string, rules: Rule[]) {
  const ids = [...new Set(rules.flatMap((r) => r.articleIds))];
  const found = await kb.findArticlesForDisplay(db, ids);
  const missing = ids.find((id) => !found.some((a) => a.id === id));
  if (missing) throw new ConflictError(`Article ${missing} is not a published public article.`, 'articleIds');
  const dup = rules.find((r, i) => rules.findIndex((o) => o.id === r.id) !== i);
  if (dup) throw new ConflictError(`Two rules share the id '${dup.id}'.`, 'id');
  return db.transaction(async (tx) => {
    const site = await repo.updateSite(tx, key, { rules });
    if (!site) throw new NotFoundError('Widget site');
    await recordAudit(tx, actor, {
      action: 'widget_rules.replaced',
      subjectType: 'widget_site',
      subjectId: key,
      details: { count: rules.length },
    });
    return site.rules as Rule[];
  });
}

export const deleteSite = async (db: Db, actor: Actor, key: string) =>
  db.transaction(async (tx) => {
    await findSite(tx, key);
    await repo.deleteSite(tx, key);
    await recordAudit(tx, actor, {
      action: 'widget_site.deleted',
      subjectType: 'widget_site',
      subjectId: key,
    });
  });

// ── public widget ──

/** An origin may call a site's public endpoints when listed, or when it is Relais itself. */
export function originAllowed(site: repo.SiteRow, origin: string, ownOrigins: string[]): boolean {
  return site.allowedOrigins.includes(origin) || ownOrigins.includes(origin);
}

async function localisedCards(db: DbOrTx, ids: string[], locale: string, publicUrl: string) {
  const cards: Array<{ id: string; locale: string; title: string; shortAnswer: string; url: string }> = [];
  for (const id of ids) {
    const article = await kb.findArticle(db, id).catch(() => undefined);
    if (!article) continue;
    const group = await kb.listTranslations(db, article, 'public');
    const pick = group.find((t) => t.locale === locale) ?? group.find((t) => t.id === id);
    if (!pick) continue;
    cards.push({
      id: pick.id,
      locale: pick.locale,
      title: pick.title,
      shortAnswer: pick.shortAnswer,
      url: publicUrl + kb.articlePath(pick),
    });
  }
  return cards;
}

/** The small, cacheable document the loader needs: strings, banner, rules with their suggestions. */
export async function buildConfig(db: DbOrTx, site: repo.SiteRow, locale: string, publicUrl: string) {
  const rules = (site.rules as Rule[]).filter((r) => r.enabled);
  const resolved = [];
  for (const r of rules.sort((a, b) => b.priority - a.priority)) {
    const articles = await localisedCards(db, r.articleIds, locale, publicUrl);
    resolved.push({
      id: r.id,
      when: r.when,
      show: r.show,
      message: r.message?.[locale] ?? articles[0]?.title ?? null,
      cooldownHours: r.cooldownHours,
      articles,
    });
  }
  const branding = await getBranding(db);
  // Status page (issue 19): the open incident of this locale, beside the site's hand-typed banner.
  const incident = await activeIncidentBanner(db, locale);
  const assistant = await assistantOf(db, locale);
  // Paths are the help centre's: made absolute so they load on the host page.
  const absolute = (u: string | null) => (u?.startsWith('/') ? `${publicUrl.replace(/\/$/, '')}${u}` : u);
  return {
    site: site.key,
    locale,
    brand: {
      name: branding.name,
      color: branding.primaryColor,
      logoUrl: absolute(branding.logoUrl),
      assistantName: assistant.name ?? branding.name,
      avatarUrl: absolute(assistant.avatarUrl),
    },
    strings: stringsFor(locale, site.strings),
    statusBanner: site.statusBanner?.[locale] ?? null,
    incident: incident
      ? {
          kind: incident.kind,
          title: incident.title,
          status: incident.status,
          impact: incident.impact,
          url: publicUrl + incident.path,
        }
      : null,
    helpCentreUrl: `${publicUrl}/${locale}`,
    contactUrl: site.contactUrl ?? `${publicUrl}/${locale}/contact`,
    rules: resolved,
    surveys: (await readAnalyticsSettings(db)).surveys,
  };
}

/** Exchanges a host-signed identity for a short-lived widget token; forged or stale claims get nothing. */
export function identify(site: repo.SiteRow, claims: IdentityClaims, signature: string) {
  const now = nowS();
  if (!verifyIdentity(site.identitySecret, claims, signature, now)) {
    throw new UnauthorizedError('Identity signature is invalid or expired.');
  }
  const session: WidgetSession = {
    site: site.key,
    sub: claims.id,
    email: claims.email,
    segments: claims.segments,
    exp: now + TOKEN_TTL_S,
  };
  return {
    token: issueToken(site.identitySecret, session),
    expiresAt: new Date(session.exp * 1000).toISOString(),
    segments: session.segments,
  };
}

/** The verified session behind a token; anything else is treated as an anonymous visitor. */
export function sessionOf(site: repo.SiteRow, token: string | undefined): WidgetSession | undefined {
  return token ? readToken(site.identitySecret, site.key, token, nowS()) : undefined;
}

export interface Matcher {
  match(query: string, options: MatchOptions): Promise<MatchResult> | MatchResult;
}

/** Public search with the segments of a verified identity only: the browser's word is never taken. */
export async function searchAnswers(
  db: DbOrTx,
  index: Matcher,
  session: WidgetSession | undefined,
  q: string,
  opts: { locale?: string | undefined; prefix: boolean; limit: number; publicUrl: string },
) {
  const source = {
    cards: (ids: string[], audience: 'public' | 'internal') =>
      kb.findArticlesForDisplay(db, ids, undefined, audience),
  };
  const { match: result, hits } = await findAnswers({ index, source }, q, {
    audience: 'public',
    segments: session?.segments ?? [],
    limit: opts.limit,
    prefix: opts.prefix,
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  const results = hits.map((h) => ({
    id: h.id,
    locale: h.locale,
    title: h.title,
    shortAnswer: h.shortAnswer,
    url: opts.publicUrl + h.url,
    confidence: h.confidence,
  }));
  return { locale: result.locale, abstain: result.abstain, confidence: result.confidence, results };
}

/** One article for the widget: public, or segment content the verified identity holds. */
export async function readArticle(
  db: DbOrTx,
  session: WidgetSession | undefined,
  id: string,
  publicUrl: string,
) {
  const a = await kb.findArticle(db, id).catch(() => undefined);
  const held = new Set(session?.segments ?? []);
  const visible =
    a?.status === 'published' &&
    (a.visibility === 'public' || (a.visibility === 'segment' && a.segments.some((s) => held.has(s))));
  if (!a || !visible) throw new NotFoundError('Article');
  return {
    id: a.id,
    locale: a.locale,
    title: a.title,
    shortAnswer: a.shortAnswer,
    bodyHtml: renderMarkdown(a.body),
    url: publicUrl + kb.articlePath(a),
  };
}

export function recordWidgetEvent(
  db: DbOrTx,
  site: string,
  e: {
    type: string;
    visitorId?: string | undefined;
    locale?: string | undefined;
    ruleId?: string | undefined;
    articleId?: string | undefined;
    query?: string | undefined;
    abstained?: boolean | undefined;
  },
) {
  return recordEvent(db, {
    type: e.type,
    channel: 'widget',
    visitorId: e.visitorId,
    locale: e.locale,
    subjectType: e.articleId ? 'article' : e.ruleId ? 'widget_rule' : null,
    subjectId: e.articleId ?? e.ruleId ?? null,
    data: {
      site,
      ...(e.ruleId ? { ruleId: e.ruleId } : {}),
      ...(e.query ? { query: e.query } : {}),
      ...(e.abstained !== undefined ? { abstained: e.abstained } : {}),
    },
  });
}
