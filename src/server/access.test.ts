import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, buildStaff, createTestApp, type Session, signIn, type TestApp } from '../../test/helpers.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

const newUser = (n: number) => ({
  email: `new${n}@relais.test`,
  name: 'New',
  role: 'agent',
  password: 'twelve chars ok',
});

describe('role enforcement', () => {
  it('refuses anonymous writes and reads of staff routes with 401', async () => {
    const write = await t.app.inject({ method: 'POST', url: '/api/v1/users', payload: newUser(1) });
    expect(write.statusCode).toBe(401);
    expect(write.headers['content-type']).toContain('application/problem+json');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit-log' })).statusCode).toBe(401);
  });

  it('lets an admin manage users but not an editor, agent or analyst', async () => {
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: newUser(2),
    });
    expect(ok.statusCode).toBe(201);
    for (const role of ['editor', 'agent', 'analyst'] as const) {
      const s = await buildStaff(t.app, role);
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: s.headers });
      expect(list.statusCode).toBe(403);
      expect(list.json().code).toBe('forbidden');
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: s.headers,
        payload: newUser(3),
      });
      expect(create.statusCode).toBe(403);
    }
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie },
      payload: newUser(4),
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().detail).toMatch(/x-csrf-token/);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie, 'x-csrf-token': 'nope' },
      payload: newUser(4),
    });
    expect(wrong.statusCode).toBe(403);
  });

  it('ends the session on sign-out and on deactivation', async () => {
    const agent = await buildStaff(t.app, 'agent');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: agent.headers })).statusCode,
    ).toBe(200);
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${agent.id}`,
      headers: admin.headers,
      payload: { active: false },
    });
    expect(off.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: agent.headers })).statusCode,
    ).toBe(401);

    const editor = await buildStaff(t.app, 'editor');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: editor.headers });
    expect(out.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: editor.headers })).statusCode,
    ).toBe(401);
  });

  it('sets an httpOnly, SameSite=Lax session cookie', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
    const cookie = res.cookies.find((c) => c.name === 'relais_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
  });
});

describe('API keys', () => {
  it('grants exactly the scopes given, and nothing after revocation', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: admin.headers,
      payload: { name: 'BI export', scopes: ['audit:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^rls_/);
    const bearer = { authorization: `Bearer ${key}` };

    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: bearer })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer })).statusCode).toBe(
      403,
    );
    // A key needs no CSRF token: it is not ambient authority like a cookie.
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer,
      payload: newUser(5),
    });
    expect(write.statusCode).toBe(403);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: admin.headers });
    expect(JSON.stringify(list.json())).not.toContain(key);

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${id}`,
      headers: admin.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: bearer })).statusCode,
    ).toBe(401);
  });

  it('lets a key with users:manage write without a session', async () => {
    const { key } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: admin.headers,
        payload: { name: 'provisioning', scopes: ['users:manage'] },
      })
    ).json();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${key}` },
      payload: newUser(6),
    });
    expect(res.statusCode).toBe(201);
  });

  it('rejects a malformed or unknown key with 401', async () => {
    for (const authorization of [
      'Bearer nope',
      'Bearer rls_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'Basic x',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('audit log', () => {
  it('records staff writes with ids only, never e-mails or names', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { ...newUser(7), email: 'secret.person@relais.test', name: 'Secret Person' },
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log?action=user.created',
      headers: admin.headers,
    });
    const items = res.json().items as Array<{ action: string; actorType: string }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]).toMatchObject({ action: 'user.created', actorType: 'user' });
    expect(res.body).not.toContain('secret.person');
    expect(res.body).not.toContain('Secret Person');
  });

  it('keeps personal data and secrets out of the logs', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'who@relais.test', password: 'guess-me-123' },
    });
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log?subjectType=someone@relais.test',
      headers: admin.headers,
    });
    expect(t.logs.text).not.toContain('who@relais.test');
    expect(t.logs.text).not.toContain('guess-me-123');
    expect(t.logs.text).not.toContain('someone@relais.test');
    expect(t.logs.text).not.toContain(admin.csrf);
  });
});

describe('route declarations', () => {
  it('refuses to register an /api route without an access declaration', async () => {
    await expect(
      (async () => {
        const app = (await import('fastify')).default();
        await app.register((await import('@fastify/cookie')).default);
        const nobody = async () => undefined;
        await app.register((await import('./auth.ts')).default, {
          actorFromApiKey: nobody,
          actorFromSession: nobody,
        });
        app.get('/api/v1/oops', async () => 'x');
        await app.ready();
      })(),
    ).rejects.toThrow(/GET \/api\/v1\/oops declares no config.access/);
  });
});
