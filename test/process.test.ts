import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDatabaseUrl, tempDir } from './helpers.ts';

const root = new URL('..', import.meta.url).pathname;
const dirs: Array<() => void> = [];
afterAll(() => {
  for (const d of dirs) d();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

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
  return { child, exited, output: () => out };
}

async function waitReady(port: number, child: ChildProcess) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server never became ready');
}

describe('the relais process', () => {
  it('refuses to start with a wrong variable and names it', async () => {
    const { exited, output } = run({ PORT: 'not-a-port' });
    expect(await exited).toBe(1);
    expect(output()).toMatch(/PORT/);
    expect(output()).not.toMatch(/at .*\(/);
  });

  it('serves, prints the setup link on first run, and stops gracefully on SIGTERM', async () => {
    const dir = tempDir();
    dirs.push(dir.remove);
    const scratch = await scratchDatabaseUrl();
    dirs.push(() => void scratch.drop());
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      RELAIS_DATA_DIR: dir.path,
      RELAIS_DEMO: 'off',
      LOG_LEVEL: 'warn',
    };
    if (process.env.DATABASE_URL) env.DATABASE_URL = scratch.url;
    const { child, exited, output } = run(env);
    await waitReady(port, child);
    expect(output()).toMatch(/\/admin\/setup#[\w-]{20,}/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // waitReady alone may poll for 30 s: on a loaded 2-core runner (browser tests in parallel) start-up is slow.
  }, 60_000);
});
