/**
 * Three Relais processes on one PostgreSQL behind HAProxy (Debian's package): load through the proxy,
 * one node killed with SIGKILL mid-load. Only requests in flight on that node may fail; every
 * acknowledged write is kept; search on the surviving nodes sees a content change made through the
 * proxy. Runs when DATABASE_URL or PG_TEST_URL names a PostgreSQL server and HAProxy is installed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN, createPgDatabase, freePort, tempDir } from './helpers.ts';

const HAPROXY = '/usr/sbin/haproxy';
const server = process.env.DATABASE_URL ?? process.env.PG_TEST_URL;
const root = new URL('..', import.meta.url).pathname;
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function scratchDatabase(serverUrl: string) {
  const { url, drop } = await createPgDatabase(serverUrl);
  cleanups.push(drop);
  return url;
}

async function until(what: string, check: () => Promise<boolean>, ms = 150_000, child?: ChildProcess) {
  const end = Date.now() + ms;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited`);
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what}: timed out`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function node(databaseUrl: string, secretKey: string) {
  const port = await freePort();
  const dir = tempDir();
  cleanups.push(dir.remove);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      RELAIS_SECRET_KEY: secretKey,
      RELAIS_DATA_DIR: dir.path,
      RELAIS_DEMO: 'off',
      LOG_LEVEL: 'warn',
      RELAIS_ADMIN_EMAIL: ADMIN.email,
      RELAIS_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  await until('node ready', async () => (await fetch(`${base}/readyz`)).ok, 150_000, child);
  return { base, port, child };
}

/** HAProxy in the foreground: round robin, health checks on /readyz, failed connections redispatched. */
async function haproxy(ports: number[]) {
  const port = await freePort();
  const dir = tempDir();
  cleanups.push(dir.remove);
  const cfg = join(dir.path, 'haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 512',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  retries 3',
      '  option redispatch',
      'frontend relais_in',
      `  bind 127.0.0.1:${port}`,
      '  default_backend relais',
      'backend relais',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  default-server inter 300ms fall 2 rise 2',
      ...ports.map((p, i) => `  server n${i + 1} 127.0.0.1:${p} check`),
      '',
    ].join('\n'),
  );
  const child = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'ignore'] });
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  await until('haproxy ready', async () => (await fetch(`${base}/healthz`)).ok, 30_000, child);
  return base;
}

describe.runIf(server && existsSync(HAPROXY))('three Relais nodes behind HAProxy', () => {
  it('survives kill -9 of one node mid-load: only in-flight requests fail, no write is lost', {
    timeout: 600_000,
  }, async () => {
    const url = await scratchDatabase(server!);
    const key = randomBytes(32).toString('hex');
    // One after the other: migrations take an advisory lock anyway, and the machine is small.
    const nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await node(url, key));
    const lb = await haproxy(nodes.map((n) => n.port));

    const login = await fetch(`${lb}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };

    // Load: workers write drafts and read them back through the proxy, all the time.
    const acknowledged: string[] = [];
    const failures: Array<{ at: number; status: number }> = [];
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const i = ++n;
        const res = await fetch(`${lb}/api/v1/articles`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            locale: 'fr',
            slug: `charge-${i}`,
            title: `Charge ${i}`,
            shortAnswer: 'Réponse.',
          }),
        }).catch(() => undefined);
        if (res?.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else {
          failures.push({ at: Date.now(), status: res?.status ?? 0 });
          await res?.body?.cancel();
        }
      }
    };
    const WORKERS = 6;
    const running = Array.from({ length: WORKERS }, worker);
    await until('load under way', async () => acknowledged.length >= 30, 60_000);
    const killedAt = Date.now();
    nodes[1]!.child.kill('SIGKILL');
    const before = acknowledged.length;
    await until('load goes on after the kill', async () => acknowledged.length >= before + 60, 60_000);
    stop = true;
    await Promise.all(running);

    // At most the requests in flight at the kill failed, and only around it.
    expect(failures.length).toBeLessThanOrEqual(WORKERS);
    for (const f of failures) expect(f.at - killedAt).toBeLessThan(5_000);

    // Every acknowledged write is there, read through the proxy.
    const list = new Set<string>();
    for (const id of acknowledged) {
      const res = await fetch(`${lb}/api/v1/articles/${id}`, { headers });
      if (res.status === 200) list.add(id);
      await res.body?.cancel();
    }
    expect(list.size).toBe(acknowledged.length);

    // A content change made through the proxy reaches search on both surviving nodes.
    const created = await fetch(`${lb}/api/v1/articles`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        locale: 'fr',
        slug: 'zygomorphe',
        title: 'Que faire de ma fleur zygomorphe ?',
        shortAnswer: 'Arrosez la fleur zygomorphe une fois par semaine.',
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const published = await fetch(`${lb}/api/v1/articles/${id}/publish`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(published.status).toBe(200);
    for (const survivor of [nodes[0]!, nodes[2]!]) {
      await until(
        'search sees the new article',
        async () => {
          const res = await fetch(`${survivor.base}/api/v1/search?q=fleur%20zygomorphe&locale=fr`);
          return res.ok && (await res.text()).includes(id);
        },
        20_000,
      );
    }
  });
});
