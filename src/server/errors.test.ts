import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from '../../test/helpers.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ RELAIS_BODY_LIMIT_BYTES: '4096' });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

function post(url: string, payload: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...admin.headers, ...headers },
  });
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: `urn:relais:problem:${code}` });
  expect(typeof body.requestId).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
  return body;
}

describe('problem+json on bad input', () => {
  it('malformed JSON', async () => {
    expectProblem(await post('/api/v1/users', '{"email": '), 400, 'malformed-json');
  });

  it('wrong types name the field', async () => {
    const body = expectProblem(
      await post('/api/v1/users', JSON.stringify({ email: 'a@b.fr', name: 42, role: 'agent' })),
      400,
      'validation',
    );
    expect(body.field).toBe('name');
  });

  it('unknown fields name the field', async () => {
    const body = expectProblem(
      await post(
        '/api/v1/users',
        JSON.stringify({ email: 'a@b.fr', name: 'A', role: 'agent', isRoot: true }),
      ),
      400,
      'validation',
    );
    expect(body.field).toBe('isRoot');
  });

  it('invalid enum values and formats name the field', async () => {
    const role = expectProblem(
      await post('/api/v1/users', JSON.stringify({ email: 'a@b.fr', name: 'A', role: 'god' })),
      400,
      'validation',
    );
    expect(role.field).toBe('role');
    const email = expectProblem(
      await post('/api/v1/users', JSON.stringify({ email: 'nope', name: 'A', role: 'agent' })),
      400,
      'validation',
    );
    expect(email.field).toBe('email');
  });

  it('wrong query and path parameters name the field', async () => {
    const q = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log?limit=abc',
      headers: admin.headers,
    });
    expect(expectProblem(q, 400, 'validation').field).toBe('limit');
    const p = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/not-a-uuid',
      headers: admin.headers,
      payload: { active: true },
    });
    expect(expectProblem(p, 400, 'validation').field).toBe('id');
  });

  it('oversized bodies', async () => {
    const big = JSON.stringify({ email: 'a@b.fr', name: 'x'.repeat(10_000), role: 'agent' });
    expectProblem(await post('/api/v1/users', big), 413, 'body-too-large');
  });

  it('unsupported media types', async () => {
    expectProblem(
      await post('/api/v1/users', '<user/>', { 'content-type': 'application/xml' }),
      415,
      'unsupported-media-type',
    );
  });

  it('unknown routes', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'not-found');
  });

  it('conflicts name the field', async () => {
    const payload = JSON.stringify({
      email: 'dup@relais.test',
      name: 'A',
      role: 'agent',
      password: 'long enough pass',
    });
    expect((await post('/api/v1/users', payload)).statusCode).toBe(201);
    expect(expectProblem(await post('/api/v1/users', payload), 409, 'conflict').field).toBe('email');
  });

  it('rate-limits sign-in attempts', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'x@relais.test', password: 'wrong' },
        remoteAddress: '10.9.9.9',
      });
      last = res.statusCode;
    }
    expect(last).toBe(429);
  });
});
