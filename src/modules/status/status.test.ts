import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEscalation } from '../../../test/escalation-builders.ts';
import {
  ADMIN,
  buildStaff,
  createTestApp,
  type Session,
  signIn,
  type TestApp,
} from '../../../test/helpers.ts';
import {
  mailText,
  type ReceivedMail,
  startReceiver,
  startSmtp,
  verifyWebhook,
} from '../../../test/receivers.ts';
import { events, tickets } from '../../db/schema.ts';
import { addUpdate, createIncident } from './service.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: Session;
let fibre: string;
let mobile: string;

const api = async (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  session = admin,
) => t.app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

async function component(names: Record<string, string>, keywords: Record<string, string[]> = {}) {
  const res = await api('POST', '/api/v1/status/components', { names, keywords });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function openIncident(body: object) {
  const res = await api('POST', '/api/v1/status/incidents', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const resolve = (id: string) =>
  api('POST', `/api/v1/status/incidents/${id}/updates`, {
    status: 'resolved',
    bodies: { fr: 'Le service est rétabli.', en: 'Service restored.' },
  });

const deflections = () => t.app.db.select().from(events).where(eq(events.type, 'incident.deflected'));
const linkIn = (mail: ReceivedMail, path: string) => {
  const m = new RegExp(`http://[^\\s]+${path}\\?token=[\\w-]+`).exec(mailText(mail.raw));
  if (!m) throw new Error(`no ${path} link in ${mailText(mail.raw)}`);
  return new URL(m[0]);
};

beforeAll(async () => {
  smtp = await startSmtp();
  receiver = await startReceiver();
  t = await createTestApp(
    { RELAIS_SMTP_URL: smtp.url, RELAIS_PUBLIC_URL: 'http://relais.test' },
    { outboxWorker: false },
  );
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  fibre = await component(
    { fr: 'Internet fibre — Lyon', en: 'Fibre internet — Lyon' },
    { fr: ['box', 'connexion'], en: ['router'] },
  );
  mobile = await component({ fr: 'Réseau mobile', en: 'Mobile network' });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await receiver.close();
});

describe('an incident created through the API', () => {
  let incident: { id: string };
  beforeAll(async () => {
    incident = await openIncident({
      titles: { fr: 'Coupure internet fibre à Lyon' },
      bodies: { fr: 'Nos équipes **analysent** la panne. <script>alert(1)</script>' },
      components: [{ componentId: fibre, impact: 'major_outage' }],
    });
  });
  afterAll(async () => {
    await api('DELETE', `/api/v1/status/incidents/${incident.id}`);
  });

  it('shows on the status page, its own page, summary.json, status.json and both feeds', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/fr/status' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Coupure internet fibre à Lyon');
    expect(page.body).toContain('Panne majeure');
    expect(page.body).toContain('<strong>analysent</strong>');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body.match(/class="bar impact-/g)?.length).toBe(180); // 90 days × 2 components

    const own = await t.app.inject({ method: 'GET', url: `/fr/status/incidents/${incident.id}` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Internet fibre — Lyon');
    expect((await t.app.inject({ method: 'GET', url: '/fr/status/incidents/not-an-id' })).statusCode).toBe(
      404,
    );

    const summary = (await t.app.inject({ method: 'GET', url: '/api/v2/summary.json?locale=fr' })).json();
    expect(summary.page).toMatchObject({ url: 'http://relais.test/fr/status', time_zone: 'Etc/UTC' });
    expect(summary.status.indicator).toBe('critical');
    expect(summary.components.find((c: { id: string }) => c.id === fibre)).toMatchObject({
      name: 'Internet fibre — Lyon',
      status: 'major_outage',
    });
    expect(summary.incidents).toHaveLength(1);
    expect(summary.incidents[0]).toMatchObject({
      id: incident.id,
      name: 'Coupure internet fibre à Lyon',
      status: 'investigating',
      impact: 'critical',
      shortlink: `http://relais.test/fr/status/incidents/${incident.id}`,
    });
    expect(summary.incidents[0].incident_updates[0].body).toContain('analysent');
    expect(summary.scheduled_maintenances).toEqual([]);
    const group = await api('POST', '/api/v1/status/groups', { names: { fr: 'Réseau', en: 'Network' } });
    await api('PATCH', `/api/v1/status/components/${fibre}`, { groupId: group.json().id });
    const grouped = (await t.app.inject({ method: 'GET', url: '/api/v2/summary.json?locale=en' })).json();
    expect(grouped.components.find((c: { group: boolean }) => c.group)).toMatchObject({
      name: 'Network',
      status: 'major_outage',
      components: [fibre],
    });
    expect(grouped.components.find((c: { id: string }) => c.id === fibre).group_id).toBe(group.json().id);
    const status = (await t.app.inject({ method: 'GET', url: '/api/v2/status.json' })).json();
    expect(status.status.indicator).toBe('critical');

    const rss = await t.app.inject({ method: 'GET', url: '/fr/status/history.rss' });
    expect(rss.headers['content-type']).toContain('application/rss+xml');
    expect(rss.body).toContain('<title><![CDATA[Coupure internet fibre à Lyon (Analyse en cours)]]></title>');
    const atom = await t.app.inject({ method: 'GET', url: '/fr/status/history.atom' });
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('Coupure internet fibre à Lyon');
    expect(atom.body).not.toContain('<script>alert');
  });

  it('puts a banner in the help centre and the widget, only in the locales it is written in', async () => {
    const fr = await t.app.inject({ method: 'GET', url: '/fr' });
    expect(fr.body).toContain('class="incident-banner impact-major_outage"');
    expect(fr.body).toContain('Coupure internet fibre à Lyon');
    const en = await t.app.inject({ method: 'GET', url: '/en' });
    expect(en.body).not.toContain('incident-banner');
    // The customer portal's pages share the help centre's shell, banner included.
    const portal = await t.app.inject({ method: 'GET', url: '/fr/account/sign-in' });
    expect(portal.statusCode).toBe(200);
    expect(portal.body).toContain('class="incident-banner impact-major_outage"');
    expect((await t.app.inject({ method: 'GET', url: '/en/account/sign-in' })).body).not.toContain(
      'incident-banner',
    );

    const site = await api('POST', '/api/v1/widget/sites', {
      key: 'shop',
      name: 'Shop',
      allowedOrigins: ['https://shop.test'],
    });
    expect(site.statusCode, site.body).toBe(201);
    const config = (
      await t.app.inject({ method: 'GET', url: '/api/v1/widget/config?site=shop&locale=fr' })
    ).json();
    expect(config.incident).toMatchObject({
      kind: 'incident',
      title: 'Coupure internet fibre à Lyon',
      impact: 'major_outage',
      url: `http://relais.test/fr/status/incidents/${incident.id}`,
    });
    const enConfig = (
      await t.app.inject({ method: 'GET', url: '/api/v1/widget/config?site=shop&locale=en' })
    ).json();
    expect(enConfig.incident).toBeNull();
    const banner = (await t.app.inject({ method: 'GET', url: '/api/v1/status/banner?locale=fr' })).json();
    expect(banner.banner.title).toBe('Coupure internet fibre à Lyon');
  });

  it('comes first when a question concerns the degraded component, and is recorded as incident.deflected', async () => {
    const before = (await deflections()).length;
    const answer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/answer',
      payload: { question: 'internet en panne', locale: 'fr' },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(Object.keys(answer.json())[0]).toBe('incident');
    expect(answer.json().incident).toMatchObject({ id: incident.id, title: 'Coupure internet fibre à Lyon' });
    const unrelated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/answer',
      payload: { question: 'changer mon forfait mobile', locale: 'fr' },
    });
    expect(unrelated.json().incident).toBeNull();

    const conv = await t.app.inject({
      method: 'POST',
      url: '/api/v1/conversations',
      payload: { locale: 'fr' },
    });
    const { conversationId, token } = conv.json();
    const turn = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      headers: { 'x-conversation-token': token },
      payload: { text: 'internet en panne' },
    });
    expect(turn.statusCode, turn.body).toBe(200);
    expect(turn.json().messages[0].text).toMatch(/^Incident en cours\u00a0: Coupure internet fibre à Lyon\./);
    expect(turn.json().messages[0].text).toContain(`http://relais.test/fr/status/incidents/${incident.id}`);

    const recorded = (await deflections()).slice(before);
    expect(recorded.map((e) => e.channel).sort()).toEqual(['api', 'bot']);
    expect(recorded.every((e) => e.subjectId === incident.id)).toBe(true);
  });

  it('shows in the contact form before a ticket is created', async () => {
    const form = {
      reason: 'technical',
      subject: 'Box sans connexion',
      description: 'Ma box ne se connecte plus depuis ce matin.',
      email: 'client@exemple.fr',
    };
    const count = async () => (await t.app.db.select().from(tickets)).length;
    const before = await count();
    const first = await t.app.inject({ method: 'POST', url: '/fr/contact', payload: form });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('id="incident"');
    expect(first.body).toContain('Coupure internet fibre à Lyon');
    expect(first.body).toContain(`name="incidentSeen" value="${incident.id}"`);
    expect(await count()).toBe(before);
    const second = await t.app.inject({
      method: 'POST',
      url: '/fr/contact',
      payload: { ...form, incidentSeen: incident.id },
    });
    expect(second.body).toContain('id="reference"');
    expect(await count()).toBe(before + 1);
  });
});

describe('bad input and access', () => {
  it('names the offending field and refuses unknown components', async () => {
    const bad = await api('POST', '/api/v1/status/incidents', {
      titles: { fr: 'x' },
      components: [{ componentId: fibre, impact: 'on_fire' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/^components/);
    const unknown = await api('POST', '/api/v1/status/incidents', {
      titles: { fr: 'x' },
      components: [{ componentId: '00000000-0000-4000-8000-000000000000', impact: 'major_outage' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('components');
    const wrongStatus = await api('POST', '/api/v1/status/incidents', {
      titles: { fr: 'x' },
      status: 'scheduled',
    });
    expect(wrongStatus.statusCode).toBe(400);
    expect(wrongStatus.json().field).toBe('status');
    const noWindow = await api('POST', '/api/v1/status/incidents', {
      kind: 'maintenance',
      titles: { fr: 'x' },
    });
    expect(noWindow.json().field).toBe('scheduledFor');
    const hook = await api('POST', '/api/v1/status/subscribers', { url: 'http://169.254.169.254/latest' });
    expect(hook.statusCode).toBe(400);
    expect(hook.json().field).toBe('url');
  });

  it('keeps the staff API to status managers', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/status/incidents' })).statusCode).toBe(401);
    const analyst = await buildStaff(t.app, 'analyst');
    expect((await api('GET', '/api/v1/status/incidents', undefined, analyst)).statusCode).toBe(403);
    expect((await api('POST', '/api/v1/status/components', { names: { fr: 'x' } }, analyst)).statusCode).toBe(
      403,
    );
    const agent = await buildStaff(t.app, 'agent');
    expect((await api('GET', '/api/v1/status/incidents', undefined, agent)).statusCode).toBe(200);
  });
});

describe('subscriptions', () => {
  it('confirms an e-mail through the mailed link, sends updates with one-click unsubscribe, answers the same for known addresses', async () => {
    const sub = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/status/subscriptions',
        payload: { email: 'Abonne@exemple.fr', locale: 'fr', componentIds: [fibre] },
      });
    const first = await sub();
    expect(first.statusCode).toBe(202);
    await t.app.outbox.drain();
    const confirmMail = smtp.mails.find((m) => m.to.includes('abonne@exemple.fr'))!;
    expect(confirmMail).toBeDefined();
    const confirm = linkIn(confirmMail, '/fr/status/subscriptions/confirm');
    const confirmPage = await t.app.inject({ method: 'GET', url: `${confirm.pathname}${confirm.search}` });
    expect(confirmPage.statusCode).toBe(200);
    const token = confirm.searchParams.get('token')!;
    const confirmed = await t.app.inject({
      method: 'POST',
      url: confirm.pathname,
      payload: `token=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Votre abonnement est confirmé');

    // Known and confirmed: same answer, no new e-mail.
    const mailsBefore = smtp.mails.length;
    const again = await sub();
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.json()).toEqual(first.json());
    await t.app.outbox.drain();
    expect(smtp.mails.length).toBe(mailsBefore);

    const incident = await openIncident({
      titles: { fr: 'Lenteurs fibre', en: 'Slow fibre' },
      bodies: { fr: 'Débits réduits le soir.' },
      components: [{ componentId: fibre, impact: 'degraded_performance' }],
    });
    const elsewhere = await openIncident({
      titles: { fr: 'Antenne en panne' },
      components: [{ componentId: mobile, impact: 'partial_outage' }],
    });
    await t.app.outbox.drain();
    const updates = smtp.mails.slice(mailsBefore).filter((m) => m.to.includes('abonne@exemple.fr'));
    expect(updates).toHaveLength(1); // not told about the mobile network
    const text = mailText(updates[0]!.raw);
    expect(text).toContain('Lenteurs fibre');
    expect(text).toContain('Débits réduits le soir.');
    expect(updates[0]!.raw).toMatch(
      /List-Unsubscribe:\s+<http:\/\/relais\.test\/api\/v1\/status\/subscriptions\/unsubscribe\?token=[\w-]+>/,
    );
    expect(updates[0]!.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    const oneClick = /List-Unsubscribe:\s+<http:\/\/relais\.test([^>]+)>/.exec(updates[0]!.raw)![1]!;
    const out = await t.app.inject({
      method: 'POST',
      url: oneClick,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(out.statusCode).toBe(204);
    const list = (await api('GET', '/api/v1/status/subscribers')).json().items;
    expect(list.some((s: { email: string }) => s.email === 'abonne@exemple.fr')).toBe(false);

    await resolve(incident.id);
    await resolve(elsewhere.id);
  });

  it('subscribes from the status page form to the components ticked, with the same answer for any address', async () => {
    const page = (await t.app.inject({ method: 'GET', url: '/fr/status' })).body;
    expect(page).toContain(`name="component-${mobile}"`);
    const post = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/fr/status/subscribe',
        payload: `email=${encodeURIComponent(email)}&component-${mobile}=on`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const res = await post('mobile@exemple.fr');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/fr/status?subscribed=1#st-subscribe');
    const invalid = await post('not an address');
    expect(invalid.headers.location).toBe(res.headers.location);
    const list = (await api('GET', '/api/v1/status/subscribers')).json().items;
    expect(list.find((s: { email: string }) => s.email === 'mobile@exemple.fr')).toMatchObject({
      componentIds: [mobile],
      confirmed: false,
    });
  });

  it('signs webhook deliveries the way connectors do', async () => {
    const created = await api('POST', '/api/v1/status/subscribers', {
      url: `${receiver.url}/status-hook`,
      locale: 'en',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { secret } = created.json();
    const incident = await openIncident({
      titles: { fr: 'Paiements indisponibles', en: 'Payments unavailable' },
      bodies: { en: 'Card payments fail.' },
      components: [{ componentId: mobile, impact: 'partial_outage' }],
    });
    await t.app.outbox.drain();
    const hit = receiver.received.find((r) => r.path === '/status-hook');
    expect(hit).toBeDefined();
    expect(verifyWebhook(secret, hit!.headers, hit!.body)).toBe(true);
    expect(verifyWebhook('wrong secret value', hit!.headers, hit!.body)).toBe(false);
    const event = JSON.parse(hit!.body);
    expect(event).toMatchObject({
      type: 'incident.updated',
      incident: { id: incident.id, name: 'Payments unavailable', status: 'investigating', impact: 'major' },
      update: { status: 'investigating', body: 'Card payments fail.' },
    });
    await resolve(incident.id);
    await api('DELETE', `/api/v1/status/subscribers/${created.json().id}`);
  });
});

describe('maintenance', () => {
  it('starts and completes by itself at the injected time', async () => {
    const start = new Date(Date.now() + 3_600_000);
    const end = new Date(start.getTime() + 3_600_000);
    const m = await openIncident({
      kind: 'maintenance',
      titles: { fr: 'Maintenance du réseau mobile', en: 'Mobile network maintenance' },
      bodies: { fr: 'Travaux programmés.' },
      components: [{ componentId: mobile, impact: 'under_maintenance' }],
      scheduledFor: start.toISOString(),
      scheduledUntil: end.toISOString(),
    });
    expect(m.status).toBe('scheduled');
    const summary = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v2/summary.json?locale=en' })).json();
    expect((await summary()).scheduled_maintenances[0]).toMatchObject({ id: m.id, status: 'scheduled' });
    expect((await summary()).status.indicator).toBe('none');

    expect(await t.app.statusJobs.tick(new Date(start.getTime() - 60_000))).toEqual({
      started: [],
      completed: [],
    });
    expect(await t.app.statusJobs.tick(new Date(start.getTime() + 1000))).toEqual({
      started: [m.id],
      completed: [],
    });
    const during = await summary();
    expect(during.status.indicator).toBe('maintenance');
    expect(during.components.find((c: { id: string }) => c.id === mobile).status).toBe('under_maintenance');
    expect((await t.app.inject({ method: 'GET', url: '/en' })).body).toContain('Mobile network maintenance');

    expect(await t.app.statusJobs.tick(new Date(end.getTime() + 1000))).toEqual({
      started: [],
      completed: [m.id],
    });
    const after = await summary();
    expect(after.status.indicator).toBe('none');
    expect(after.scheduled_maintenances).toEqual([]);
    const full = (await api('GET', `/api/v1/status/incidents/${m.id}`)).json();
    expect(full.updates.map((u: { status: string }) => u.status)).toEqual([
      'completed',
      'in_progress',
      'scheduled',
    ]);
  });
});

describe('tickets linked to an incident', () => {
  it('get one reply when it resolves', async () => {
    const escalation = await t.app.inject({
      method: 'POST',
      url: '/api/v1/escalations',
      payload: buildEscalation(),
    });
    expect(escalation.statusCode, escalation.body).toBe(201);
    const ticketId = escalation.json().ticketId as string;
    const incident = await openIncident({
      titles: { fr: 'Box hors ligne' },
      components: [{ componentId: fibre, impact: 'partial_outage' }],
    });
    const agent = await buildStaff(t.app, 'agent');
    const link = await api('POST', `/api/v1/status/incidents/${incident.id}/tickets`, { ticketId }, agent);
    expect(link.statusCode, link.body).toBe(204);
    const missing = await api(
      'POST',
      `/api/v1/status/incidents/${incident.id}/tickets`,
      { ticketId: '00000000-0000-4000-8000-000000000000' },
      agent,
    );
    expect(missing.statusCode).toBe(404);
    const ofTicket = (
      await api('GET', `/api/v1/status/tickets/${ticketId}/incidents`, undefined, agent)
    ).json();
    expect(ofTicket.linked.map((i: { id: string }) => i.id)).toEqual([incident.id]);

    expect((await resolve(incident.id)).statusCode).toBe(201);
    const replies = async () =>
      (await api('GET', `/api/v1/tickets/${ticketId}`, undefined, agent))
        .json()
        .messages.filter((m: { author: string }) => m.author === 'agent');
    expect(await replies()).toHaveLength(1);
    expect((await replies())[0].body).toContain('«\u00a0Box hors ligne\u00a0»');
    // A second resolution attempt is refused and sends nothing more.
    expect((await resolve(incident.id)).statusCode).toBe(409);
    expect(await replies()).toHaveLength(1);
  });
});

describe('history', () => {
  it('colours each day of the 90-day bars with the worst impact of that day', async () => {
    const id = await component({ fr: 'Barres test', en: 'Bars test' });
    const day = 86_400_000;
    const now = Date.now();
    // Noon UTC ten days ago, so the one-minute incident never straddles midnight whatever the hour.
    const tenDaysAgoNoon = Math.floor(now / day) * day + day / 2 - 10 * day;
    const past = await createIncident(
      t.app.db,
      null,
      {
        kind: 'incident',
        titles: { en: 'Old outage' },
        bodies: {},
        components: [{ componentId: id, impact: 'partial_outage' }],
      },
      new Date(tenDaysAgoNoon),
    );
    await addUpdate(
      t.app.db,
      null,
      past.id,
      { status: 'resolved', bodies: { en: 'Fixed.' } },
      {
        publicUrl: 'http://relais.test',
        now: new Date(tenDaysAgoNoon + 60_000),
      },
    );
    const tooOld = await createIncident(
      t.app.db,
      null,
      {
        kind: 'incident',
        titles: { en: 'Ancient' },
        bodies: {},
        components: [{ componentId: id, impact: 'major_outage' }],
      },
      new Date(now - 120 * day),
    );
    await addUpdate(
      t.app.db,
      null,
      tooOld.id,
      { status: 'resolved', bodies: { en: 'Fixed.' } },
      {
        publicUrl: 'http://relais.test',
        now: new Date(now - 119 * day),
      },
    );
    const page = (await t.app.inject({ method: 'GET', url: '/en/status' })).body;
    const bars =
      /<span class="status-name">Bars test<\/span>[\s\S]*?<div class="status-bars"[^>]*>([\s\S]*?)<\/div>/.exec(
        page,
      )![1]!;
    const impacts = [...bars.matchAll(/impact-(\w+)/g)].map((m) => m[1]);
    expect(impacts).toHaveLength(90);
    expect(impacts.filter((i) => i !== 'operational')).toEqual(['partial_outage']);
    expect(impacts.indexOf('partial_outage')).toBe(79); // today is the 90th bar
    const history = (await t.app.inject({ method: 'GET', url: '/en/status/history' })).body;
    expect(history).toContain('Old outage');
  });

  it('lists the status endpoints in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const path of [
      '/api/v1/status/incidents',
      '/api/v1/status/incidents/{id}/updates',
      '/api/v2/summary.json',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });
});
