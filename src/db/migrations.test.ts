import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN, scratchDatabaseUrl, signIn, tempDir, testConfig } from '../../test/helpers.ts';
import { startRelais } from '../start.ts';
import { appliedMigrationCount, expectedMigrationCount, openDatabase } from './client.ts';

const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe(`migrations on ${engine}`, () => {
  it('apply on an empty database, are idempotent, and create the schema', async () => {
    const scratch = await scratchDatabaseUrl();
    cleanups.push(scratch.drop);
    const database = await openDatabase(scratch.url, tempDir().path);
    try {
      await database.migrate();
      await database.migrate();
      await Promise.all([database.migrate(), database.migrate()]);
      expect(await appliedMigrationCount(database.db)).toBe(expectedMigrationCount());
      const tables = await database.db.execute<{ table_name: string }>(
        sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      const names = (tables as unknown as { rows: Array<{ table_name: string }> }).rows.map(
        (r) => r.table_name,
      );
      expect(names).toEqual(
        expect.arrayContaining(['api_keys', 'audit_log', 'sessions', 'settings', 'users']),
      );
    } finally {
      await database.close();
    }
  });

  it('delivers notifications to listeners', async () => {
    const scratch = await scratchDatabaseUrl();
    cleanups.push(scratch.drop);
    const database = await openDatabase(scratch.url, tempDir().path);
    try {
      let heard: (payload: string) => void = () => {};
      const got = new Promise<string>((resolve) => {
        heard = resolve;
      });
      // `listen` resolves once LISTEN is in place (a fixed pause lost the notification under load).
      await database.listen('relais_test', (payload) => heard(payload));
      await database.notify('relais_test', 'hello');
      expect(await got).toBe('hello');
    } finally {
      await database.close();
    }
  });
});

describe(`restart on ${engine}`, () => {
  it('keeps data written before a stop', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const scratch = process.env.DATABASE_URL
      ? await scratchDatabaseUrl()
      : { url: undefined, drop: async () => {} };
    cleanups.push(scratch.drop);
    const config = { ...testConfig({ RELAIS_DATA_DIR: dir.path }), databaseUrl: scratch.url };

    const first = await startRelais(config);
    const admin = await signIn(first.app, ADMIN.email, ADMIN.password);
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { email: 'kept@relais.test', name: 'Kept', role: 'editor', password: 'survives restarts' },
    });
    expect(created.statusCode).toBe(201);
    await first.app.close();

    const second = await startRelais(config);
    try {
      // The admin is not created twice, the user written before is there and can sign in.
      const kept = await signIn(second.app, 'kept@relais.test', 'survives restarts');
      const me = await second.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: kept.headers });
      expect(me.json().user).toMatchObject({ email: 'kept@relais.test', role: 'editor' });
      const admin2 = await signIn(second.app, ADMIN.email, ADMIN.password);
      const users = await second.app.inject({ method: 'GET', url: '/api/v1/users', headers: admin2.headers });
      expect(users.json().items.filter((u: { role: string }) => u.role === 'admin')).toHaveLength(1);
      const ready = await second.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    } finally {
      await second.app.close();
    }
  });
});
