/**
 * Live chat across two Relais processes on one PostgreSQL: the customer on node A, the agent on node B.
 * They only meet through the database (LISTEN/NOTIFY). Runs when DATABASE_URL or PG_TEST_URL names a
 * PostgreSQL server (CI); skipped on PGlite, which cannot be shared between processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Frame, openAllWeek, Peer } from './chat-helpers.ts';
import { ADMIN, createPgDatabase, freePort, tempDir } from './helpers.ts';

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

async function node(databaseUrl: string, secretKey: string) {
  const port = await freePort();
  const dir = tempDir();
  cleanups.push(dir.remove);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
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
  const base = `127.0.0.1:${port}`;
  const end = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('node exited');
    const ok = await fetch(`http://${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > end) throw new Error('node not ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, child };
}

async function signIn(base: string) {
  const res = await fetch(`http://${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie,
    csrf: csrfToken,
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
  };
}

const isMessage = (body: string) => (f: Frame) => f.type === 'message' && f.message.body === body;

describe.runIf(server)('live chat across two Relais nodes on one PostgreSQL', () => {
  it('a customer on node A and an agent on node B talk through LISTEN/NOTIFY', async () => {
    const url = await scratchDatabase(server!);
    const key = randomBytes(32).toString('hex');
    // One after the other: migrations take an advisory lock anyway, and the machine is small.
    const a = await node(url, key);
    const b = await node(url, key);

    const onA = await signIn(a.base);
    const put = (base: string, path: string, body: unknown, headers: Record<string, string>) =>
      fetch(`http://${base}${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    expect((await put(a.base, '/api/v1/escalation/settings', openAllWeek(), onA.headers)).status).toBe(200);
    const site = await fetch(`http://${a.base}/api/v1/widget/sites`, {
      method: 'POST',
      headers: onA.headers,
      body: JSON.stringify({ key: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] }),
    });
    expect(site.status).toBe(201);

    // The agent works on node B.
    const onB = await signIn(b.base);
    expect((await put(b.base, '/api/v1/agents/me/presence', { online: true }, onB.headers)).status).toBe(204);
    const agent = await Peer.open(`ws://${b.base}/api/v1/chats/socket?csrf=${encodeURIComponent(onB.csrf)}`, {
      cookie: onB.cookie,
      origin: `http://${b.base}`,
    });
    cleanups.push(() => agent.close());

    // The customer opens a chat on node A.
    const started = await fetch(`http://${a.base}/api/v1/widget/chats?site=shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ message: 'Bonjour, ma fibre est coupée', locale: 'fr' }),
    });
    expect(started.status).toBe(201);
    const chat = (await started.json()) as { id: string; token: string };
    const customer = await Peer.open(`ws://${a.base}/api/v1/widget/chats/${chat.id}/socket?site=shop`, {
      origin: 'https://shop.example',
    });
    cleanups.push(() => customer.close());
    customer.send({ type: 'hello', token: chat.token });
    await customer.next((f) => f.type === 'state');

    // Node B's agent sees the queue change made on node A, takes the chat on B.
    await agent.next(
      (f) => f.type === 'queue' && f.waiting.some((c: { id: string }) => c.id === chat.id),
      20_000,
    );
    const accepted = await fetch(`http://${b.base}/api/v1/chats/${chat.id}/accept`, {
      method: 'POST',
      headers: onB.headers,
      body: '{}',
    });
    expect(accepted.status).toBe(200);
    await customer.next((f) => f.type === 'state' && f.chat.status === 'active', 20_000);
    agent.send({ type: 'watch', chatId: chat.id });
    await agent.next((f) => f.type === 'state' && f.chat.id === chat.id);

    customer.send({ type: 'typing', on: true });
    await agent.next((f) => f.type === 'typing' && f.from === 'customer', 20_000);
    agent.send({ type: 'message', chatId: chat.id, text: 'Depuis le nœud B : je relance la ligne.' });
    await customer.next(isMessage('Depuis le nœud B : je relance la ligne.'), 20_000);
    customer.send({ type: 'message', text: 'Depuis le nœud A : merci !' });
    await agent.next(isMessage('Depuis le nœud A : merci !'), 20_000);

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
  }, 400_000);
});
