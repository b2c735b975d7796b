import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, scratchDatabaseUrl, signIn, testConfig } from '../../../test/helpers.ts';
import { startRelais } from '../../start.ts';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('first run', () => {
  it('without RELAIS_ADMIN_*, issues a single-use setup token that creates the first admin', async () => {
    const scratch = await scratchDatabaseUrl();
    const config = {
      ...testConfig({ RELAIS_ADMIN_EMAIL: '', RELAIS_ADMIN_PASSWORD: '' }),
      databaseUrl: scratch.url,
    };
    const { app, setupToken } = await startRelais(config);
    closers.push(async () => {
      await app.close();
      await scratch.drop();
    });
    expect(setupToken).toBeTruthy();
    const body = {
      token: setupToken,
      email: 'Founder@Relais.test',
      name: 'Founder',
      password: 'first admin password',
    };

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, token: 'guess' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().field).toBe('token');

    const ok = await app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ email: 'founder@relais.test', role: 'admin' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/setup', payload: body })).statusCode).toBe(400);
    await signIn(app, 'founder@relais.test', 'first admin password');
  });
});

describe('staff management', () => {
  it('invites a member who sets a password once, then signs in', async () => {
    const t = await createTestApp();
    closers.push(t.close);
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { email: 'invited@relais.test', name: 'Invited', role: 'analyst' },
    });
    expect(res.statusCode).toBe(201);
    const token = String(res.json().inviteUrl).split('#')[1];
    expect(token).toBeTruthy();
    const accept = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/accept-invite',
        payload: { token, password: 'my own password' },
      });
    expect((await accept()).statusCode).toBe(200);
    expect((await accept()).statusCode).toBe(400);
    const me = await signIn(t.app, 'invited@relais.test', 'my own password');
    expect(me.csrf).toBeTruthy();
  });

  it('never leaves Relais without an active admin', async () => {
    const t = await createTestApp();
    closers.push(t.close);
    const admin = await signIn(t.app, ADMIN.email, ADMIN.password);
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: admin.headers })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${me.user.id}`,
      headers: admin.headers,
      payload: { role: 'editor' },
    });
    expect(res.statusCode).toBe(409);
  });

  it('gives one answer for an unknown e-mail and a wrong password', async () => {
    const t = await createTestApp();
    closers.push(t.close);
    const a = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ghost@relais.test', password: 'x' },
    });
    const b = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN.email, password: 'x' },
    });
    expect(a.statusCode).toBe(401);
    expect(a.json().detail).toBe(b.json().detail);
  });
});
