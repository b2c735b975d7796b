import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { safeEqual } from '../crypto/secrets.ts';
import { type Access, type Actor, ANONYMOUS, checkAccess } from './access.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

export const SESSION_COOKIE = 'relais_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; required on every /api route (checked at registration). */
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

/** Who holds a credential: given by the composition root (the staff and API key modules own them). */
export interface AuthOptions {
  /** The actor behind a bearer API key; undefined when unknown, malformed or revoked. */
  actorFromApiKey: (key: string) => Promise<Actor | undefined>;
  /** The actor behind a session cookie; undefined when it is not a live session. */
  actorFromSession: (token: string) => Promise<Actor | undefined>;
}

async function resolveActor(opts: AuthOptions, req: FastifyRequest): Promise<Actor> {
  const auth = req.headers.authorization;
  if (auth) {
    const [scheme, key] = auth.split(' ');
    const actor = scheme?.toLowerCase() === 'bearer' && key ? await opts.actorFromApiKey(key) : undefined;
    if (!actor) throw new UnauthorizedError('Invalid or revoked API key.');
    return actor;
  }
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return ANONYMOUS;
  return (await opts.actorFromSession(token)) ?? ANONYMOUS;
}

/** Cookie-authenticated writes must echo the session's CSRF token: a cross-site form cannot read it. */
function checkCsrf(req: FastifyRequest, actor: Actor) {
  if (actor.kind !== 'user' || SAFE_METHODS.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !safeEqual(sent, actor.csrfToken)) {
    throw new ForbiddenError(`Missing or wrong ${CSRF_HEADER} header.`);
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.request.protocol === 'https',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * The one access mechanism: every route declares `config.access`; this plugin resolves the actor
 * (session cookie or API key), enforces the declaration and CSRF before the body is even parsed.
 */
export default fp(
  async (app: FastifyInstance, opts: AuthOptions) => {
    // Fastify wants a primitive here; the onRequest hook always sets the real actor.
    app.decorateRequest('actor', null as never);

    app.addHook('onRoute', (route) => {
      const needsDeclaration = route.url.startsWith('/api/') || route.url.startsWith('/admin/api');
      if (needsDeclaration && !route.config?.access) {
        throw new Error(`Route ${route.method} ${route.url} declares no config.access`);
      }
    });

    app.addHook('onRequest', async (req) => {
      const access = req.routeOptions.config.access ?? 'public';
      req.actor = await resolveActor(opts, req);
      checkAccess(req.actor, access);
      // Public routes grant nothing a session adds, so only privileged writes need the token.
      if (access !== 'public') checkCsrf(req, req.actor);
    });
  },
  { name: 'relais-auth', dependencies: ['@fastify/cookie'] },
);
