import { afterAll, expect, it } from 'vitest';
import { scratchDatabaseUrl, testConfig } from '../../test/helpers.ts';
import { buildApp } from '../app.ts';
import { configureSecretKey } from '../crypto/secret-box.ts';
import { type Database, openDatabase } from '../db/client.ts';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/**
 * Two Relais nodes on one database: a route limited to 10 a minute per address allows 10 in all,
 * not 10 per node, once each node has flushed its counts (every second). On PostgreSQL each node has its own connection pool (as two processes would);
 * PGlite, embedded, can only be shared within one process.
 */
it('two nodes on one database allow a limit once, not twice', { timeout: 120_000 }, async () => {
  const scratch = await scratchDatabaseUrl();
  const config = { ...testConfig(), databaseUrl: scratch.url };
  configureSecretKey({ dataDir: config.dataDir, memory: true, key: undefined });
  const first = await openDatabase(scratch.url, config.dataDir);
  await first.migrate();
  const shared = scratch.url.startsWith('postgres');
  const second: Database = shared
    ? await openDatabase(scratch.url, config.dataDir)
    : { ...first, close: async () => {} };
  const nodes = [
    await buildApp({ config, database: first, outboxWorker: false }),
    await buildApp({ config, database: second, outboxWorker: false }),
  ];
  closers.push(scratch.drop);
  for (const node of nodes) closers.push(() => node.close());

  // /api/v1/setup is limited to 10 a minute per address; without a setup token it answers 400.
  const hit = (n: number, remoteAddress: string) =>
    nodes[n % 2]!.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token: 'guess', email: 'a@relais.test', name: 'A', password: 'long enough password' },
      remoteAddress,
    });
  // Hits are counted on each node and flushed to the shared total every second (here on demand):
  // after a flush of both, each node knows the other's hits and the limit holds across them.
  const flushAll = async () => {
    for (const node of [...nodes, nodes[0]!]) await node.flushRateLimits();
  };
  const answers: number[] = [];
  for (let i = 0; i < 10; i++) answers.push((await hit(i, '192.0.2.10')).statusCode);
  await flushAll();
  for (let i = 10; i < 14; i++) answers.push((await hit(i, '192.0.2.10')).statusCode);
  expect(answers.slice(0, 10)).toEqual(Array(10).fill(400));
  expect(answers.slice(10)).toEqual([429, 429, 429, 429]);

  // Overshoot is bounded: between flushes each node allows the limit at most (a timed flush may
  // come in between, which only lowers it), then none.
  const burst: number[] = [];
  for (let i = 0; i < 30; i++) burst.push((await hit(i, '192.0.2.12')).statusCode);
  const allowed = burst.filter((s) => s === 400).length;
  expect(allowed).toBeGreaterThanOrEqual(10);
  expect(allowed).toBeLessThanOrEqual(20);
  await flushAll();
  const after = await Promise.all([hit(0, '192.0.2.12'), hit(1, '192.0.2.12')]);
  expect(after.map((r) => r.statusCode)).toEqual([429, 429]);

  const limited = await hit(1, '192.0.2.10');
  expect(limited.json()).toMatchObject({ code: 'rate-limited', status: 429 });
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  // Another address, and the same address on another route, have their own counters.
  expect((await hit(0, '192.0.2.11')).statusCode).toBe(400);
  const otherRoute = await nodes[1]!.inject({
    method: 'POST',
    url: '/api/v1/auth/accept-invite',
    payload: { token: 'x', password: 'long enough password' },
    remoteAddress: '192.0.2.10',
  });
  expect(otherRoute.statusCode).toBe(400);
});
