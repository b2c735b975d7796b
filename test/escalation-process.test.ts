import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEscalation } from './escalation-builders.ts';
import { freePort, scratchDatabaseUrl, TEST_OUTBOUND_ALLOWLIST, tempDir } from './helpers.ts';
import { startReceiver, verifyWebhook } from './receivers.ts';

const root = new URL('..', import.meta.url).pathname;
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  return { child, exited, output: () => out };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 150_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitReady(base: string, child: ChildProcess) {
  await until('readiness', async () => {
    if (child.exitCode !== null) throw new Error('server exited');
    return fetch(`${base}/readyz`).then(
      (r) => r.ok || undefined,
      () => undefined,
    );
  });
}

const ADMIN = { email: 'admin@relais.test', password: 'correct horse battery' };

async function signIn(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

describe('no escalation lost when Relais dies mid-delivery', () => {
  it('redelivers after a kill -9 and the receiver processes it exactly once (idempotency key)', async () => {
    // The receiver takes the first delivery but never answers (Relais dies before knowing), then
    // deduplicates redeliveries by Idempotency-Key, as docs/api.md asks receivers to do.
    const processed = new Map<string, string>();
    const receiver = await startReceiver((req, res, n) => {
      if (!verifyWebhook('whsec-process-test', req.headers, req.body)) return res.writeHead(401).end();
      const key = String(req.headers['idempotency-key']);
      if (!processed.has(key)) processed.set(key, req.body);
      if (n === 1) return; // hang
      res.writeHead(200).end();
    });
    cleanups.push(receiver.close);

    const dir = tempDir();
    cleanups.push(dir.remove);
    const scratch = await scratchDatabaseUrl();
    cleanups.push(scratch.drop);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      PORT: String(port),
      RELAIS_DATA_DIR: dir.path,
      RELAIS_DEMO: 'off',
      LOG_LEVEL: 'warn',
      RELAIS_ADMIN_EMAIL: ADMIN.email,
      RELAIS_ADMIN_PASSWORD: ADMIN.password,
      RELAIS_OUTBOX_POLL_MS: '100',
      RELAIS_OUTBOX_TIMEOUT_MS: '1500',
      RELAIS_OUTBOX_BACKOFF_MS: '200',
      RELAIS_OUTBOUND_ALLOWLIST: TEST_OUTBOUND_ALLOWLIST,
    };
    if (process.env.DATABASE_URL) env.DATABASE_URL = scratch.url;

    const first = run(env);
    await waitReady(base, first.child);
    const headers = await signIn(base);
    const connector = await fetch(`${base}/api/v1/connectors`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        kind: 'webhook',
        name: 'CRM',
        settings: { url: `${receiver.url}/relais` },
        secret: 'whsec-process-test',
      }),
    });
    expect(connector.status).toBe(201);
    const escalation = await fetch(`${base}/api/v1/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildEscalation()),
    });
    expect(escalation.status).toBe(201);
    const { reference } = (await escalation.json()) as { reference: string };

    await until('the first delivery to reach the receiver', () => receiver.received.length >= 1 || undefined);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = run(env);
    await waitReady(base, second.child);
    await until('the redelivery', () => receiver.received.length >= 2 || undefined);
    const again = await signIn(base);
    const row = await until('the outbox to record the delivery', async () => {
      const res = await fetch(`${base}/api/v1/outbox?status=delivered`, { headers: again });
      const { items } = (await res.json()) as { items: Array<{ kind: string; idempotencyKey: string }> };
      return items.find((i) => i.kind === 'connector');
    });

    const keys = new Set(receiver.received.map((r) => r.headers['idempotency-key']));
    expect(keys).toEqual(new Set([row.idempotencyKey]));
    expect(processed.size).toBe(1);
    expect(JSON.parse([...processed.values()][0]!).ticket.reference).toBe(reference);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 400_000);
});
