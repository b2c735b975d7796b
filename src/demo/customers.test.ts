import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  // The demo as `npm start` runs it: no SMTP server, so the sign-in link goes to the log.
  t = await createTestApp({ RELAIS_DEMO: 'on', LOG_LEVEL: 'info' });
}, 120_000);
afterAll(async () => t?.close());

it('the demo customer signs in with the logged link and finds her requests and her plan’s articles', async () => {
  const asked = await t.app.inject({
    method: 'POST',
    url: '/fr/account/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'email=claire.martin%40example.fr',
  });
  expect(asked.statusCode).toBe(200);
  const line = t.logs.lines.find((l) => l.includes('demoSignInLink'));
  expect(line).toBeDefined();
  // Only the link: the address itself never reaches the log.
  expect(t.logs.text).not.toContain('claire.martin@example.fr');
  const link = new URL(JSON.parse(line!).demoSignInLink as string);
  const used = await t.app.inject({
    method: 'POST',
    url: link.pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${link.searchParams.get('token')}`,
  });
  expect(used.statusCode).toBe(303);
  const cookie = used.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const home = await t.app.inject({ method: 'GET', url: '/fr/account', headers: { cookie } });
  expect(home.body).toContain('Bonjour Claire Martin');
  expect(home.body).toContain('Ma fibre coupe tous les soirs');
  expect(home.body).toContain('Facture de novembre plus élevée que prévu');
  // Self-service actions: both demo actions, the box one through her fibre segment.
  const actions = await t.app.inject({ method: 'GET', url: '/fr/account/actions', headers: { cookie } });
  expect(actions.body).toContain('Renvoyer ma dernière facture');
  expect(actions.body).toContain('Redémarrer ma box');
  const helpCentre = await t.app.inject({ method: 'GET', url: '/fr', headers: { cookie } });
  expect(helpCentre.body).toContain('Recommandé pour vous');
  expect(helpCentre.body).toContain('/fr/articles/pro-garantie-temps-retablissement');
});
