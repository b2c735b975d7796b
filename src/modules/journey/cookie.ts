import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JOURNEY_RETENTION_MS, journeyIdOf } from './service.ts';

/**
 * The help centre's journey cookie: random, first-party, HttpOnly, SameSite=Lax, living as long as
 * the journey (24 h after the last step). It identifies a journey, not a person, and is never used
 * for analytics — so it does not depend on the analytics consent.
 */
export const JOURNEY_COOKIE = 'relais_jid';

/** The request's help-centre journey id, if it carries the cookie. */
export function requestJourneyId(req: FastifyRequest): string | undefined {
  return journeyIdOf('helpcentre', req.cookies[JOURNEY_COOKIE]);
}

/** The request's journey id, starting a journey (setting the cookie) when there is none; renews it. */
export function ensureJourney(req: FastifyRequest, reply: FastifyReply): string {
  const value = requestJourneyId(req) ? req.cookies[JOURNEY_COOKIE]! : randomBytes(16).toString('base64url');
  reply.setCookie(JOURNEY_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    maxAge: JOURNEY_RETENTION_MS / 1000,
  });
  return journeyIdOf('helpcentre', value)!;
}
