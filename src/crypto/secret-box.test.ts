import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, signIn, type TestApp, tempDir } from '../../test/helpers.ts';
import { configureSecretKey, openSecret, parseSecretKey, sealSecret } from './secret-box.ts';

describe('secret box', () => {
  it('seals with a fresh IV, opens, refuses tampering, reads legacy plaintext as it is', () => {
    configureSecretKey({ key: Buffer.alloc(32, 7), dataDir: '/nonexistent', memory: false });
    const a = sealSecret('zendesk-token-123');
    expect(a).toMatch(/^enc:v1:/);
    expect(a).not.toContain('zendesk');
    expect(sealSecret('zendesk-token-123')).not.toBe(a);
    expect(openSecret(a)).toBe('zendesk-token-123');
    const bytes = Buffer.from(a.slice(7), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => openSecret(`enc:v1:${bytes.toString('base64')}`)).toThrow();
    expect(openSecret('written-before-encryption')).toBe('written-before-encryption');
  });

  it('keeps its key in the data directory (0600) across restarts when none is configured', async () => {
    const tmp = tempDir();
    const dir = tmp.path;
    configureSecretKey({ dataDir: dir, memory: false });
    const sealed = sealSecret('s3cret');
    const file = join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    configureSecretKey({ key: Buffer.alloc(32, 1), dataDir: dir, memory: false });
    expect(() => openSecret(sealed)).toThrow();
    configureSecretKey({ dataDir: dir, memory: false });
    expect(openSecret(sealed)).toBe('s3cret');
    expect(parseSecretKey(readFileSync(file, 'utf8').trim())).toHaveLength(32);
    expect(parseSecretKey('00'.repeat(32))).toHaveLength(32);
    expect(parseSecretKey('too short')).toBeUndefined();
    tmp.remove();
  });
});

describe('secrets at rest', () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t.app, ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  const stored = async (query: ReturnType<typeof sql>) =>
    JSON.stringify(((await t.app.db.execute(query)) as unknown as { rows: unknown[] }).rows);

  it('stores connector tokens, flow connection headers and widget identity secrets sealed', async () => {
    const connector = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: admin.headers,
      payload: {
        kind: 'webhook',
        name: 'CRM',
        settings: { url: 'https://crm.example.com/hook' },
        secret: 'webhook-signing-secret-42',
      },
    });
    expect(connector.statusCode, connector.body).toBe(201);
    const connection = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/flow-connections/orders',
      headers: admin.headers,
      payload: { baseUrl: 'https://api.example.com', headers: { authorization: 'Bearer flow-token-77' } },
    });
    expect(connection.statusCode, connection.body).toBeLessThan(300);
    const site = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/sites',
      headers: admin.headers,
      payload: { key: 'vault', name: 'Vault', allowedOrigins: ['https://shop.example.com'] },
    });
    expect(site.statusCode, site.body).toBe(201);
    const identitySecret = site.json().identitySecret as string;

    const rows = await stored(
      sql`SELECT secret AS v FROM ticket_connectors UNION ALL SELECT headers::text FROM flow_connections
          UNION ALL SELECT identity_secret FROM widget_sites`,
    );
    for (const plain of ['webhook-signing-secret-42', 'flow-token-77', identitySecret]) {
      expect(rows).not.toContain(plain);
    }
    expect(rows).toContain('enc:v1:');
  });
});
