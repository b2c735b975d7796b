import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLE_PERMISSIONS } from '../../server/access.ts';
import { clearSessionCookie, setSessionCookie } from '../../server/auth.ts';
import { NotFoundError } from '../../server/errors.ts';
import { presentUser } from './presenter.ts';
import {
  AcceptInviteBody,
  LoginBody,
  Me,
  NewUserBody,
  SetupBody,
  StaffUser,
  UserId,
  UserPatchBody,
} from './schemas.ts';
import * as staff from './service.ts';

// Brute-force guard on every credential-taking route (per client IP).
const authRateLimit = { max: 10, timeWindow: '1 minute' };

const staffRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app;

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets the session cookie.',
        body: LoginBody,
        response: { 200: Me },
      },
    },
    async (req, reply) => {
      const s = await staff.login(app.db, req.body.email, req.body.password, config.sessionTtlMs);
      setSessionCookie(reply, s.token, s.expiresAt);
      return {
        user: presentUser(s.user),
        permissions: [...ROLE_PERMISSIONS[s.user.role]],
        csrfToken: s.csrfToken,
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'staff' },
      schema: { tags: ['auth'], summary: 'Sign out.', response: { 204: z.null() } },
    },
    async (req, reply) => {
      await staff.logout(app.db, req.actor);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'staff' },
      schema: { tags: ['auth'], summary: 'The signed-in staff member.', response: { 200: Me } },
    },
    async (req) => {
      const actor = req.actor;
      if (actor.kind !== 'user') throw new NotFoundError('Session');
      const user = (await staff.listStaff(app.db)).find((u) => u.id === actor.id);
      if (!user) throw new NotFoundError('User');
      return { user: presentUser(user), permissions: [...actor.permissions], csrfToken: actor.csrfToken };
    },
  );

  app.post(
    '/api/v1/setup',
    {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'First run: create the first admin with the printed setup token.',
        body: SetupBody,
        response: { 201: StaffUser },
      },
    },
    async (req, reply) => {
      const { token, ...input } = req.body;
      const user = await staff.completeSetup(app.db, token, input);
      return reply.status(201).send(presentUser(user));
    },
  );

  app.post(
    '/api/v1/auth/accept-invite',
    {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Set the password of an invited staff member.',
        body: AcceptInviteBody,
        response: { 200: StaffUser },
      },
    },
    async (req) => presentUser(await staff.acceptInvite(app.db, req.body.token, req.body.password)),
  );

  app.get(
    '/api/v1/users',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'Staff members.',
        response: { 200: z.object({ items: z.array(StaffUser) }) },
      },
    },
    async () => ({ items: (await staff.listStaff(app.db)).map(presentUser) }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'Add a staff member (with a password, or invited by a one-time link).',
        body: NewUserBody,
        response: { 201: z.object({ user: StaffUser, inviteUrl: z.string().optional() }) },
      },
    },
    async (req, reply) => {
      const { user, inviteToken } = await staff.createUser(app.db, req.actor, req.body);
      const inviteUrl = inviteToken ? `${config.publicUrl}/admin/accept-invite#${inviteToken}` : undefined;
      return reply.status(201).send({ user: presentUser(user), inviteUrl });
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'Rename, change role, deactivate or reactivate.',
        params: UserId,
        body: UserPatchBody,
        response: { 200: StaffUser },
      },
    },
    async (req) => presentUser(await staff.changeUser(app.db, req.actor, req.params.id, req.body)),
  );
};

export default staffRoutes;
