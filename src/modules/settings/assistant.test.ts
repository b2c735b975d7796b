import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let admin: Session;
const PNG = `data:image/png;base64,${Buffer.from('not really a png, but base64').toString('base64')}`;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/sites',
    headers: admin.headers,
    payload: { key: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] },
  });
  expect(site.statusCode).toBe(201);
});
afterAll(async () => t?.close());

const branding = (extra: object) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/settings/branding',
    headers: admin.headers,
    payload: { name: 'Nuvia', primaryColor: '#5b21b6', accentColor: '#0f766e', logoUrl: null, ...extra },
  });

describe('the assistant is the company’s', () => {
  it('takes its name per locale and its avatar from the branding: bot greeting and widget header', async () => {
    const put = await branding({
      assistantNames: { fr: 'Nova', en: 'Nova (EN)' },
      assistantAvatar: '/assets/nuvia-logo.svg',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      assistantNames: { fr: 'Nova' },
      assistantAvatar: '/assets/nuvia-logo.svg',
    });

    const greet = async (locale: string) =>
      (await t.app.inject({ method: 'POST', url: '/api/v1/conversations', payload: { locale } })).json()
        .messages[0].text as string;
    expect(await greet('fr')).toMatch(/^Bonjour, je suis Nova\./);
    expect(await greet('en')).toMatch(/Nova \(EN\)/);

    const config = (
      await t.app.inject({ method: 'GET', url: '/api/v1/widget/config?site=shop&locale=fr' })
    ).json();
    expect(config.brand).toMatchObject({
      assistantName: 'Nova',
      color: '#5b21b6',
      // Absolute: the widget runs on the customer's own site.
      avatarUrl: expect.stringMatching(/^https?:\/\/[^/]+\/assets\/nuvia-logo\.svg$/),
    });
  });

  it('falls back to the help centre’s name in a locale without one, and accepts an inline image', async () => {
    const put = await branding({ assistantNames: { fr: 'Nova' }, assistantAvatar: PNG });
    expect(put.statusCode, put.body).toBe(200);
    const config = (
      await t.app.inject({ method: 'GET', url: '/api/v1/widget/config?site=shop&locale=en' })
    ).json();
    expect(config.brand).toMatchObject({ assistantName: 'Nuvia', avatarUrl: PNG });
  });

  it('refuses a script URL, an SVG data URL or an empty name, naming the field', async () => {
    for (const [extra, field] of [
      [{ assistantAvatar: 'javascript:alert(1)' }, 'assistantAvatar'],
      [{ assistantAvatar: 'data:image/svg+xml;base64,PHN2Zz4=' }, 'assistantAvatar'],
      [{ assistantNames: { fr: '  ' } }, 'assistantNames.fr'],
    ] as const) {
      const res = await branding(extra);
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });
});
