import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { safeEqual } from '../crypto/secrets.ts';
import { type Access, type Actor, ANONYMOUS, checkAccess } from './access.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

export const SESSION_COOKIE = 'relais_session';
/** The customer portal's session cookie: never the staff one, so neither can stand for the other. */
export const CUSTOMER_COOKIE = 'relais_customer';
export const CSRF_HEADER = 'x-csrf-token';
/** Server-rendered customer forms (no JavaScript) echo the CSRF token in this hidden field. */
export const CSRF_FIELD = '_csrf';
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
  /** The customer behind a portal cookie; undefined when it is not a live customer session. */
  actorFromCustomerSession?: (token: string) => Promise<Actor | undefined>;
}

async function customerActor(opts: AuthOptions, req: FastifyRequest): Promise<Actor> {
  const token = req.cookies[CUSTOMER_COOKIE];
  if (!token || !opts.actorFromCustomerSession) return ANONYMOUS;
  return (await opts.actorFromCustomerSession(token)) ?? ANONYMOUS;
}

async function resolveActor(opts: AuthOptions, req: FastifyRequest, access: Access): Promise<Actor> {
  // Customer routes only ever see the customer cookie: a staff session there is nobody.
  if (access === 'customer') return customerActor(opts, req);
  const auth = req.headers.authorization;
  if (auth) {
    const [scheme, key] = auth.split(' ');
    const actor = scheme?.toLowerCase() === 'bearer' && key ? await opts.actorFromApiKey(key) : undefined;
    if (!actor) throw new UnauthorizedError('Invalid or revoked API key.');
    return actor;
  }
  const token = req.cookies[SESSION_COOKIE];
  const staff = token ? await opts.actorFromSession(token) : undefined;
  if (staff) return staff;
  // Public pages may personalise for a signed-in customer (help centre segments); staff routes refuse them.
  return access === 'public' ? customerActor(opts, req) : ANONYMOUS;
}

/** Cookie-authenticated writes must echo the session's CSRF token: a cross-site form cannot read it. */
function checkCsrf(req: FastifyRequest, actor: Actor) {
  if (actor.kind !== 'user' || SAFE_METHODS.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !safeEqual(sent, actor.csrfToken)) {
    throw new ForbiddenError(`Missing or wrong ${CSRF_HEADER} header.`);
  }
}

/** A customer's writes carry the token in the header (scripts) or the `_csrf` field (HTML forms). */
function checkCustomerCsrf(req: FastifyRequest, actor: Actor) {
  if (actor.kind !== 'customer' || SAFE_METHODS.has(req.method)) return;
  const header = req.headers[CSRF_HEADER];
  const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  const sent = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined;
  if (!sent || !safeEqual(sent, actor.csrfToken)) {
    throw new ForbiddenError(`Missing or wrong ${CSRF_HEADER} header.`);
  }
}

export function setCustomerCookie(reply: FastifyReply, token: string, expiresAt: Date) {
  reply.setCookie(CUSTOMER_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.request.protocol === 'https',
    expires: expiresAt,
  });
}

export function clearCustomerCookie(reply: FastifyReply) {
  reply.clearCookie(CUSTOMER_COOKIE, { path: '/' });
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
      req.actor = await resolveActor(opts, req, access);
      checkAccess(req.actor, access);
      // Public routes grant nothing a session adds, so only privileged writes need the token.
      if (access !== 'public') checkCsrf(req, req.actor);
    });

    // A customer's form posts carry the token in the body: checked once it is parsed, before validation.
    app.addHook('preValidation', async (req) => {
      if (req.routeOptions.config.access === 'customer') checkCustomerCsrf(req, req.actor);
    });
  },
  { name: 'relais-auth', dependencies: ['@fastify/cookie'] },
);
