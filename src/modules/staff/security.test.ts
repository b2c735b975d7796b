import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../../../test/helpers.ts';
import type { Role } from '../../db/schema.ts';
import { createUser, totpCode } from './service.ts';

// One clock for throttling and codes, moved forward by the tests instead of waiting.
let clock = new Date();
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

let t: TestApp;
let app: FastifyInstance;
beforeAll(async () => {
  t = await createTestApp({}, { now: () => clock, outboxWorker: false });
  app = t.app;
});
afterAll(() => t?.close());

const login = (email: string, password: string, remoteAddress = '198.51.100.1', headers = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress,
    headers,
  });
const freshLogin = (email: string) => login(email, 'a long enough password', nextAddress());

// Each sign-in from its own address: the per-address limit (10 a minute) is not what these tests are about.
let address = 0;
const nextAddress = () => `10.9.${Math.floor(++address / 250)}.${(address % 250) + 1}`;

async function buildStaff(role: Role): Promise<Session & { id: string; email: string }> {
  const email = `${role}${++address}@security.test`;
  const { user } = await createUser(
    app.db,
    { kind: 'anonymous' },
    { email, name: role, role, password: 'a long enough password' },
  );
  return { ...sessionOf(await login(email, 'a long enough password', nextAddress())), id: user.id, email };
}

const signIn = async (_app: FastifyInstance, email: string, password: string) =>
  sessionOf(await login(email, password, nextAddress()));

const cookiesOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

function sessionOf(res: LightMyRequestResponse): Session {
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies
    .filter((c) => c.name === 'relais_session')
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

describe('per-account sign-in throttling', () => {
  it('100 wrong passwords from 100 addresses, then the right one: 429, and success after the delay', async () => {
    const editor = await buildStaff('editor');
    const answers: number[] = [];
    for (let i = 0; i < 100; i++) {
      answers.push(
        (await login(editor.email, `wrong password ${i}`, `203.0.${Math.floor(i / 250)}.${i + 1}`))
          .statusCode,
      );
    }
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(answers.slice(5))).toEqual(new Set([429]));

    const right = await login(editor.email, 'a long enough password', '192.0.2.77', {
      'accept-language': 'en',
    });
    expect(right.statusCode).toBe(429);
    expect(right.headers['content-type']).toContain('application/problem+json');
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(right.json()).toMatchObject({ code: 'too-many-attempts', status: 429 });
    expect(right.json().detail).toMatch(/^Too many attempts: try again in \d+ s\.$/);
    const french = await login(editor.email, 'a long enough password', '192.0.2.77', {
      'accept-language': 'fr-FR',
    });
    expect(french.json().detail).toMatch(/^Trop de tentatives\u00a0: réessayez dans \d+\u00a0s\.$/);

    advance(Number(french.headers['retry-after']));
    const later = await login(editor.email, 'a long enough password', '192.0.2.77');
    expect(later.statusCode).toBe(200);
    // A success resets: the next wrong password is an ordinary 401.
    expect((await login(editor.email, 'wrong again', '192.0.2.77')).statusCode).toBe(401);
  });

  it('delays grow, are capped, and unknown accounts are answered the same way', async () => {
    const ghost = 'nobody-here@relais.test';
    for (let i = 0; i < 5; i++)
      expect((await login(ghost, 'x', `198.51.100.${10 + i}`)).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      const blocked = await login(ghost, 'x', nextAddress());
      expect(blocked.statusCode).toBe(429);
      const wait = Number(blocked.headers['retry-after']);
      waits.push(wait);
      advance(wait);
      expect((await login(ghost, 'x', nextAddress())).statusCode).toBe(401);
    }
    expect(waits.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...waits)).toBe(15 * 60);
    advance(15 * 60);
  });

  it('keeps the per-address limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push((await login(`someone${i}@relais.test`, 'x', '198.51.100.200')).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes[10]).toBe(429);
  });
});

async function enrol(session: Session) {
  const setup = await app.inject({
    method: 'POST',
    url: '/api/v1/account/two-factor/setup',
    headers: session.headers,
  });
  expect(setup.statusCode, setup.body).toBe(200);
  const { secret, qrCode, otpauthUrl } = setup.json();
  expect(qrCode).toMatch(/^data:image\/png;base64,/);
  expect(otpauthUrl).toContain('otpauth://totp/');
  const wrong = await app.inject({
    method: 'POST',
    url: '/api/v1/account/two-factor/confirm',
    headers: session.headers,
    payload: { code: totpCode(secret, new Date(clock.getTime() + 10 * 60_000)) },
  });
  expect(wrong.statusCode).toBe(400);
  expect(wrong.json().field).toBe('code');
  const ok = await app.inject({
    method: 'POST',
    url: '/api/v1/account/two-factor/confirm',
    headers: session.headers,
    payload: { code: totpCode(secret, clock) },
  });
  expect(ok.statusCode, ok.body).toBe(200);
  return { secret: secret as string, recoveryCodes: ok.json().recoveryCodes as string[] };
}

const secondStep = (pending: LightMyRequestResponse, payload: object) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/two-factor',
    headers: { cookie: cookiesOf(pending) },
    payload,
    remoteAddress: nextAddress(),
  });

describe('two-factor authentication', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await signIn(app, ADMIN.email, ADMIN.password);
  });

  it('enrols with a QR code, then signs in with a code, never the same code twice', async () => {
    const agent = await buildStaff('agent');
    const { secret, recoveryCodes } = await enrol(agent);
    expect(recoveryCodes).toHaveLength(10);

    advance(30);
    const pending = await freshLogin(agent.email);
    expect(pending.statusCode).toBe(202);
    expect(pending.json()).toMatchObject({ twoFactorRequired: true });
    // The pending state is not a session.
    expect(pending.cookies.some((c) => c.name === 'relais_session')).toBe(false);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookiesOf(pending) } });
    expect(me.statusCode).toBe(401);
    expect(
      (await secondStep(pending, { code: '000000' === totpCode(secret, clock) ? '111111' : '000000' }))
        .statusCode,
    ).toBe(401);
    const code = totpCode(secret, clock);
    const session = sessionOf(await secondStep(pending, { code }));
    expect(
      (await app.inject({ url: '/api/v1/auth/me', headers: session.headers })).json().user.twoFactorEnabled,
    ).toBe(true);

    // Replaying the code just used, even within its 30 seconds, fails.
    const again = await freshLogin(agent.email);
    expect((await secondStep(again, { code })).statusCode).toBe(401);
    // Without the pending cookie there is nothing to complete.
    const bare = await app.inject({ method: 'POST', url: '/api/v1/auth/two-factor', payload: { code } });
    expect(bare.statusCode).toBe(401);
  });

  it('recovery codes work once; a challenge allows five tries and expires', async () => {
    const analyst = await buildStaff('analyst');
    const { secret, recoveryCodes } = await enrol(analyst);
    advance(30);
    const first = await freshLogin(analyst.email);
    sessionOf(await secondStep(first, { recoveryCode: recoveryCodes[0]!.toLowerCase() }));
    const second = await freshLogin(analyst.email);
    expect((await secondStep(second, { recoveryCode: recoveryCodes[0] })).statusCode).toBe(401);
    sessionOf(await secondStep(second, { recoveryCode: recoveryCodes[1] }));
    const status = await app.inject({ url: '/api/v1/account/two-factor', headers: analyst.headers });
    expect(status.json()).toMatchObject({ enabled: true, recoveryCodesLeft: 8 });

    const audit = await app.inject({
      url: '/api/v1/audit-log?action=user.recovery_code_used',
      headers: admin.headers,
    });
    expect(audit.json().items.filter((e: { subjectId: string }) => e.subjectId === analyst.id)).toHaveLength(
      2,
    );

    const third = await freshLogin(analyst.email);
    for (let i = 0; i < 3; i++)
      expect((await secondStep(third, { code: '12345a'.replace('a', String(i)) })).statusCode).toBe(401);
    advance(6 * 60);
    advance(30);
    expect((await secondStep(third, { code: totpCode(secret, clock) })).statusCode).toBe(401);
  });

  it('is turned off with the password (audited), not with a wrong one', async () => {
    const editor = await buildStaff('editor');
    await enrol(editor);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/account/two-factor/disable',
      headers: editor.headers,
      payload: { password: 'not my password' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().field).toBe('password');
    const off = await app.inject({
      method: 'POST',
      url: '/api/v1/account/two-factor/disable',
      headers: editor.headers,
      payload: { password: 'a long enough password' },
    });
    expect(off.statusCode).toBe(204);
    expect((await freshLogin(editor.email)).statusCode).toBe(200);
    const audit = await app.inject({ url: '/api/v1/audit-log?subjectType=user', headers: admin.headers });
    const actions = audit
      .json()
      .items.filter((e: { subjectId: string }) => e.subjectId === editor.id)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.two_factor_enabled', 'user.two_factor_disabled']));
  });

  it('an admin requires it for a role: members are sent to enrolment and can do nothing else', async () => {
    const denied = await buildStaff('editor');
    const forbidden = await app.inject({
      method: 'PUT',
      url: '/api/v1/security/two-factor',
      headers: denied.headers,
      payload: { requiredRoles: ['editor'] },
    });
    expect(forbidden.statusCode).toBe(403);
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/security/two-factor',
      headers: admin.headers,
      payload: { requiredRoles: ['editor', 'editor'] },
    });
    expect(put.json()).toEqual({ requiredRoles: ['editor'] });

    const editor = await buildStaff('editor');
    const me = (await app.inject({ url: '/api/v1/auth/me', headers: editor.headers })).json();
    expect(me).toMatchObject({ twoFactorSetupRequired: true, permissions: [] });
    const blocked = await app.inject({ url: '/api/v1/search/status', headers: editor.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('two-factor-enrolment-required');

    await enrol(editor);
    expect((await app.inject({ url: '/api/v1/search/status', headers: editor.headers })).statusCode).toBe(
      200,
    );
    const refuse = await app.inject({
      method: 'POST',
      url: '/api/v1/account/two-factor/disable',
      headers: editor.headers,
      payload: { password: 'a long enough password' },
    });
    expect(refuse.statusCode).toBe(409);
    await app.inject({
      method: 'PUT',
      url: '/api/v1/security/two-factor',
      headers: admin.headers,
      payload: { requiredRoles: [] },
    });
  });
});

describe('sessions', () => {
  it("lists and revokes one's own sessions, with coarse details only", async () => {
    const agent = await buildStaff('agent');
    const laptop = sessionOf(
      await login(agent.email, 'a long enough password', '203.0.113.54', {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      }),
    );
    const phone = sessionOf(
      await login(agent.email, 'a long enough password', '2001:db8:abcd:12::1', {
        'user-agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1',
      }),
    );
    const list = await app.inject({ url: '/api/v1/account/sessions', headers: laptop.headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('203.0.113.54');
    expect(list.body).not.toContain('rv:128.0');
    const items = list.json().items as Array<{
      id: string;
      current: boolean;
      userAgent: string;
      network: string;
    }>;
    expect(items).toHaveLength(3);
    expect(items.find((s) => s.current)).toMatchObject({
      userAgent: 'Firefox · Linux',
      network: '203.0.113.0/24',
    });
    const phoneRow = items.find((s) => s.userAgent === 'Safari · iOS');
    expect(phoneRow?.network).toBe('2001:db8:abcd::/48');

    // Someone else cannot end it (IDOR): 404.
    const other = await buildStaff('analyst');
    const idor = await app.inject({
      method: 'DELETE',
      url: `/api/v1/account/sessions/${phoneRow!.id}`,
      headers: other.headers,
    });
    expect(idor.statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/auth/me', headers: phone.headers })).statusCode).toBe(200);

    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/v1/account/sessions/${phoneRow!.id}`,
      headers: laptop.headers,
    });
    expect(revoke.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/auth/me', headers: phone.headers })).statusCode).toBe(401);

    const others = await app.inject({
      method: 'POST',
      url: '/api/v1/account/sessions/revoke-others',
      headers: laptop.headers,
    });
    expect(others.json()).toEqual({ revoked: 1 });
    expect((await app.inject({ url: '/api/v1/auth/me', headers: agent.headers })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/auth/me', headers: laptop.headers })).statusCode).toBe(200);
  });

  it("an admin ends all of a member's sessions; others may not", async () => {
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const agent = await buildStaff('agent');
    const editor = await buildStaff('editor');
    const url = `/api/v1/users/${agent.id}/sessions/revoke`;
    expect((await app.inject({ method: 'POST', url, headers: editor.headers })).statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url, headers: admin.headers });
    expect(res.json()).toEqual({ revoked: 1 });
    expect((await app.inject({ url: '/api/v1/auth/me', headers: agent.headers })).statusCode).toBe(401);
  });
});
