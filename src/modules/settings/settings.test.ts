import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';

let t: TestApp;
let admin: Session;
let editor: Session;

const BRANDING = { name: 'Acme Aide', primaryColor: '#aa3300', accentColor: '#0f766e', logoUrl: null };

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  editor = await buildStaff(t.app, 'editor');
});
afterAll(() => t.close());

async function lastAudit(action: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/audit-log?action=${action}`,
    headers: admin.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json().items[0];
}

describe('branding settings', () => {
  it('is readable by anyone, with defaults on a new database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/settings/branding' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Relais', logoUrl: null });
  });

  it('refuses anonymous (401) and editors (403)', async () => {
    const anon = await t.app.inject({ method: 'PUT', url: '/api/v1/settings/branding', payload: BRANDING });
    expect(anon.statusCode).toBe(401);
    const ed = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/branding',
      headers: editor.headers,
      payload: BRANDING,
    });
    expect(ed.statusCode).toBe(403);
  });

  it('names the invalid fields', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/branding',
      headers: admin.headers,
      payload: { ...BRANDING, primaryColor: 'red', logoUrl: 'javascript:alert(1)' },
    });
    expect(res.statusCode).toBe(400);
    const fields = (res.json().errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['primaryColor', 'logoUrl']));
    expect(fields).not.toContain('accentColor');
  });

  it('saves, audits and shows the change in the help centre at once', async () => {
    // Warm the help centre's settings cache first: the write must drop it.
    expect((await t.app.inject({ method: 'GET', url: '/assets/theme.css' })).body).toContain('#1d4ed8');
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/branding',
      headers: admin.headers,
      payload: { ...BRANDING, logoUrl: 'https://cdn.example.com/logo.svg' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ...BRANDING,
      logoUrl: 'https://cdn.example.com/logo.svg',
      assistantNames: {},
      assistantAvatar: null,
    });
    const css = await t.app.inject({ method: 'GET', url: '/assets/theme.css' });
    expect(css.body).toContain('--brand:#aa3300');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/settings/branding' })).json().name).toBe(
      'Acme Aide',
    );
    const entry = await lastAudit('settings.branding_updated');
    expect(entry).toMatchObject({ subjectType: 'settings', subjectId: 'branding', actorType: 'user' });
  });
});

describe('locales settings', () => {
  it('refuses anonymous (401) and editors (403)', async () => {
    const payload = { locales: ['fr'] };
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/settings/locales', payload })).statusCode).toBe(
      401,
    );
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: '/api/v1/settings/locales',
          headers: editor.headers,
          payload,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('needs at least one valid, distinct locale', async () => {
    for (const locales of [[], ['fr', 'fr'], ['FR!']]) {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/settings/locales',
        headers: admin.headers,
        payload: { locales },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toMatch(/^locales/);
    }
  });

  it('saves, audits and is used by the API and the help centre', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/locales',
      headers: admin.headers,
      payload: { locales: ['en', 'fr', 'de'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ locales: ['en', 'fr', 'de'] });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/locales' })).json().items).toEqual([
      'en',
      'fr',
      'de',
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/de' })).statusCode).toBe(200);
    const entry = await lastAudit('settings.locales_updated');
    expect(entry.details).toEqual({ locales: ['en', 'fr', 'de'] });
  });
});
