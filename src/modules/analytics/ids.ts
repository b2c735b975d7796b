import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, VISITOR_COOKIE } from '../events/service.ts';
import type { AnalyticsSettings } from './settings.ts';

export { SESSION_COOKIE, VISITOR_COOKIE };

/** 13 months: the longest an audience-measurement id may live under the CNIL's guidance. */
const VISITOR_MAX_AGE_S = 395 * 86_400;
/** A self-service session ends after 30 minutes without activity. */
const SESSION_MAX_AGE_S = 30 * 60;

const ID = /^[A-Za-z0-9_-]{16,64}$/;
export const newId = () => randomBytes(16).toString('base64url');

export interface ClientIds {
  /** Sent by a surface that keeps its own ids (the widget, in its own storage); ignored without consent. */
  visitorId?: string | undefined;
  sessionId?: string | undefined;
  /** Random per page load, kept in memory only: the only id used when consent is required and absent. */
  pageId?: string | undefined;
  consent?: boolean | undefined;
}

export interface ResolvedIds {
  visitorId: string | null;
  sessionId: string;
  persistent: boolean;
}

/**
 * Anonymous ids for analytics. With `consentMode: 'required'` and no consent: nothing persistent —
 * no cookie is set (existing ones are cleared) and the session is the page (`p:<pageId>`).
 * Otherwise a first-party random visitor id (13 months) and a 30-minute rolling session id.
 * Never derived from an IP address, an e-mail or a customer id.
 */
export function resolveIds(
  req: FastifyRequest,
  reply: FastifyReply,
  settings: AnalyticsSettings,
  client: ClientIds,
): ResolvedIds {
  const secure = req.protocol === 'https';
  if (settings.consentMode === 'required' && client.consent !== true) {
    if (req.cookies[VISITOR_COOKIE]) reply.clearCookie(VISITOR_COOKIE, { path: '/' });
    if (req.cookies[SESSION_COOKIE]) reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const page = client.pageId && ID.test(client.pageId) ? client.pageId : newId();
    return { visitorId: null, sessionId: `p:${page}`, persistent: false };
  }
  const pick = (given: string | undefined, cookie: string | undefined) =>
    given && ID.test(given) ? given : cookie && ID.test(cookie) ? cookie : newId();
  const visitorId = pick(client.visitorId, req.cookies[VISITOR_COOKIE]);
  const sessionId = pick(client.sessionId, req.cookies[SESSION_COOKIE]);
  const base = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
  reply.setCookie(VISITOR_COOKIE, visitorId, { ...base, maxAge: VISITOR_MAX_AGE_S });
  reply.setCookie(SESSION_COOKIE, sessionId, { ...base, maxAge: SESSION_MAX_AGE_S });
  return { visitorId, sessionId, persistent: true };
}
