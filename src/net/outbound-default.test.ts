import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEscalation } from '../../test/escalation-builders.ts';
import { ADMIN, createTestApp, type Session, signIn, type TestApp } from '../../test/helpers.ts';
import { startReceiver } from '../../test/receivers.ts';
import { sealSecret } from '../crypto/secret-box.ts';
import { outbox, ticketConnectors } from '../db/schema.ts';
import { callConnection, saveConnection } from '../modules/bot/flow-service.ts';

/**
 * The outbound guard with its DEFAULT setting (no RELAIS_OUTBOUND_ALLOWLIST): the loopback receivers
 * every other test reaches through the test allowlist are refused here, at save time and at call time.
 */
let t: TestApp;
let admin: Session;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
  // '' = unset: the default, empty allowlist.
  t = await createTestApp({ RELAIS_OUTBOUND_ALLOWLIST: '' }, { outboxWorker: false });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

const createConnector = (kind: string, settings: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: admin.headers,
    payload: { kind, name: kind, settings, secret: 'a-secret-token-123' },
  });

describe('saving a URL to an internal address', () => {
  it.each([
    ['webhook', { url: 'http://127.1:9/' }],
    ['webhook', { url: 'http://2130706433/' }],
    ['zendesk', { url: 'http://[::1]/', email: 'a@b.fr' }],
    ['salesforce', { url: 'http://169.254.169.254/' }],
  ])('%s %j is a 400 naming settings.url', async (kind, settings) => {
    const res = await createConnector(kind, settings);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation', field: 'settings.url' });
  });

  it('a public URL is accepted', async () => {
    expect((await createConnector('webhook', { url: 'https://crm.example.com/hooks' })).statusCode).toBe(201);
  });

  it('a flow connection to loopback is a 400 naming baseUrl', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/flow-connections/crm',
      headers: admin.headers,
      payload: { baseUrl: 'http://0x7f000001:8080' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation', field: 'baseUrl' });
  });
});

describe('calling an internal address saved before (or behind the guard’s back)', () => {
  it('a Zendesk delivery to a loopback receiver fails, the receiver gets nothing, no credential leaves', async () => {
    await t.app.db.delete(ticketConnectors);
    await t.app.db.insert(ticketConnectors).values({
      kind: 'zendesk',
      name: 'legacy',
      settings: { url: receiver.url, email: 'agent@nuvia.test' },
      secret: sealSecret('zd-secret-token-123'),
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/escalations',
      payload: buildEscalation(),
    });
    expect(created.statusCode).toBe(201);
    await t.app.outbox.drain();
    expect(receiver.received).toHaveLength(0);
    const rows = await t.app.db.select().from(outbox).where(eq(outbox.ticketId, created.json().ticketId));
    const push = rows.find((r) => r.kind === 'connector');
    expect(push).toMatchObject({ status: 'dead', attempts: 1 });
    expect(push!.lastError).toMatch(/loopback/);
    expect(push!.lastError).not.toContain('zd-secret-token-123');
  });

  it('a flow action to a loopback connection fails without a request', async () => {
    await saveConnection(t.app.db, { kind: 'anonymous' }, 'legacy', {
      baseUrl: receiver.url,
      headers: { authorization: 'Bearer flow-secret' },
    });
    const result = await callConnection(t.app.db, 'legacy', { method: 'GET', path: '/x', timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false });
    expect(receiver.received).toHaveLength(0);
  });
});
