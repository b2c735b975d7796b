import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLE_PERMISSIONS } from '../../server/access.ts';
import { clearSessionCookie, setSessionCookie } from '../../server/auth.ts';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../server/errors.ts';
import accountRoutes from './account-routes.ts';
import { presentUser } from './presenter.ts';
import {
  AcceptInviteBody,
  LoginBody,
  Me,
  NewUserBody,
  SetupBody,
  StaffUser,
  TwoFactorPending,
  TwoFactorStep,
  UserId,
  UserPatchBody,
} from './schemas.ts';
import * as staff from './service.ts';

// Brute-force guard on every credential-taking route (per client IP); per account: sign-in.ts.
const authRateLimit = { max: 10, timeWindow: '1 minute' };

/** The pending second step of a sign-in: a short-lived cookie, read only by /auth/two-factor. */
const CHALLENGE_COOKIE = 'relais_2fa';
const CHALLENGE_PATH = '/api/v1/auth/two-factor';

export interface StaffRoutesOptions {
  /** The clock of sign-in throttling and codes (tests move it forward). */
  now?: () => Date;
}

const staffRoutes: FastifyPluginAsyncZod<StaffRoutesOptions> = async (app, opts) => {
  const { config } = app;
  const now = opts.now ?? (() => new Date());
  const signInContext = (req: { ip: string; headers: { 'user-agent'?: string | undefined } }) => ({
    client: staff.clientInfo(req),
    now: now(),
    ttlMs: config.sessionTtlMs,
  });
  const meOf = (s: staff.NewSession) => ({
    user: presentUser(s.user),
    permissions: s.enrolmentOnly ? [] : [...ROLE_PERMISSIONS[s.user.role]],
    csrfToken: s.csrfToken,
    twoFactorSetupRequired: s.enrolmentOnly,
  });

  const purge = setInterval(() => {
    staff.purgeSignInState(app.db, now()).catch((err) => app.log.warn({ err }, 'sign-in state purge failed'));
  }, 3_600_000);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));

  await app.register(accountRoutes, { now });

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets the session cookie, or asks for the second step (202).',
        description:
          'Throttled per account across all addresses (429 with `Retry-After`). With two-factor ' +
          'authentication on, answers 202 and sets a short-lived cookie for POST /api/v1/auth/two-factor.',
        body: LoginBody,
        response: { 200: Me, 202: TwoFactorPending },
      },
    },
    async (req, reply) => {
      const result = await staff.login(app.db, req.body.email, req.body.password, signInContext(req));
      if (result.kind === 'two-factor') {
        reply.setCookie(CHALLENGE_COOKIE, result.challenge, {
          path: CHALLENGE_PATH,
          httpOnly: true,
          sameSite: 'strict',
          secure: req.protocol === 'https',
          expires: result.expiresAt,
        });
        return reply.status(202).send({ twoFactorRequired: true as const, expiresAt: result.expiresAt });
      }
      setSessionCookie(reply, result.session.token, result.session.expiresAt);
      return meOf(result.session);
    },
  );

  app.post(
    CHALLENGE_PATH,
    {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Second step of sign-in: a code from the app, or a recovery code.',
        description: 'Five tries per sign-in, throttled per account like the first step.',
        body: TwoFactorStep,
        response: { 200: Me },
      },
    },
    async (req, reply) => {
      const challenge = req.cookies[CHALLENGE_COOKIE];
      if (!req.body.code && !req.body.recoveryCode) {
        throw new ValidationError('Give the code from your app or a recovery code.', 'code');
      }
      if (!challenge) throw new UnauthorizedError('No sign-in in progress: enter your e-mail and password.');
      const s = await staff.completeTwoFactor(app.db, challenge, req.body, signInContext(req));
      reply.clearCookie(CHALLENGE_COOKIE, { path: CHALLENGE_PATH });
      setSessionCookie(reply, s.token, s.expiresAt);
      return meOf(s);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'account' },
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
      config: { access: 'account' },
      schema: { tags: ['auth'], summary: 'The signed-in staff member.', response: { 200: Me } },
    },
    async (req) => {
      const actor = req.actor;
      if (actor.kind !== 'user') throw new NotFoundError('Session');
      const user = await staff.findUser(app.db, actor.id);
      if (!user) throw new NotFoundError('User');
      return {
        user: presentUser(user),
        permissions: [...actor.permissions],
        csrfToken: actor.csrfToken,
        twoFactorSetupRequired: Boolean(actor.enrolmentOnly),
      };
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
