import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CodeBody,
  DisableTwoFactorBody,
  RecoveryCodes,
  SessionId,
  SessionView,
  TwoFactorEnrolment,
  TwoFactorPolicy,
  TwoFactorStatus,
  UserId,
} from './schemas.ts';
import * as staff from './service.ts';

// Codes and passwords are guessable: the same per-address guard as sign-in.
const codeRateLimit = { max: 10, timeWindow: '1 minute' };

/** A staff member's own account security (two-factor, sessions) and the admins' side of it. */
const accountRoutes: FastifyPluginAsyncZod<{ now: () => Date }> = async (app, { now }) => {
  const tags = ['account'];

  app.get(
    '/api/v1/account/two-factor',
    {
      config: { access: 'account' },
      schema: {
        tags,
        summary: 'Whether two-factor authentication is on.',
        response: { 200: TwoFactorStatus },
      },
    },
    async (req) => staff.twoFactorStatus(app.db, req.actor),
  );

  app.post(
    '/api/v1/account/two-factor/setup',
    {
      config: { access: 'account' },
      schema: {
        tags,
        summary: 'Start setting up two-factor authentication: a new secret and its QR code.',
        response: { 200: TwoFactorEnrolment },
      },
    },
    async (req) => staff.startEnrolment(app.db, req.actor),
  );

  app.post(
    '/api/v1/account/two-factor/confirm',
    {
      config: { access: 'account', rateLimit: codeRateLimit },
      schema: {
        tags,
        summary: 'Turn two-factor authentication on with a first code; returns the recovery codes once.',
        body: CodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (req) => ({ recoveryCodes: await staff.confirmEnrolment(app.db, req.actor, req.body.code, now()) }),
  );

  app.post(
    '/api/v1/account/two-factor/recovery-codes',
    {
      config: { access: 'account', rateLimit: codeRateLimit },
      schema: {
        tags,
        summary: 'New recovery codes (the previous ones stop working); needs a current code.',
        body: CodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (req) => ({
      recoveryCodes: await staff.regenerateRecoveryCodes(app.db, req.actor, req.body.code, now()),
    }),
  );

  app.post(
    '/api/v1/account/two-factor/disable',
    {
      config: { access: 'account', rateLimit: codeRateLimit },
      schema: {
        tags,
        summary: 'Turn two-factor authentication off with your password or a current code.',
        body: DisableTwoFactorBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await staff.disableTwoFactor(app.db, req.actor, req.body, now());
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/account/sessions',
    {
      config: { access: 'account' },
      schema: {
        tags,
        summary: 'Your open sessions, most recently used first.',
        response: { 200: z.object({ items: z.array(SessionView) }) },
      },
    },
    async (req) => ({ items: await staff.listOwnSessions(app.db, req.actor) }),
  );

  app.delete(
    '/api/v1/account/sessions/:id',
    {
      config: { access: 'account' },
      schema: { tags, summary: 'End one of your sessions.', params: SessionId, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await staff.revokeOwnSession(app.db, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/account/sessions/revoke-others',
    {
      config: { access: 'account' },
      schema: {
        tags,
        summary: 'End all your sessions but this one.',
        response: { 200: z.object({ revoked: z.number().int() }) },
      },
    },
    async (req) => ({ revoked: await staff.revokeOtherSessions(app.db, req.actor) }),
  );

  app.post(
    '/api/v1/users/:id/sessions/revoke',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'End every session of a staff member.',
        params: UserId,
        response: { 200: z.object({ revoked: z.number().int() }) },
      },
    },
    async (req) => ({ revoked: await staff.revokeUserSessions(app.db, req.actor, req.params.id) }),
  );

  app.get(
    '/api/v1/security/two-factor',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'Which roles must use two-factor authentication.',
        response: { 200: TwoFactorPolicy },
      },
    },
    async () => staff.readTwoFactorPolicy(app.db),
  );

  app.put(
    '/api/v1/security/two-factor',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'Require two-factor authentication for some roles (all four: everyone).',
        description: 'Staff of those roles without it are sent to set it up at their next sign-in.',
        body: TwoFactorPolicy,
        response: { 200: TwoFactorPolicy },
      },
    },
    async (req) => staff.writeTwoFactorPolicy(app.db, req.actor, req.body),
  );
};

export default accountRoutes;
