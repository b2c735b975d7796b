import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import type { BuildOptions } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { Role } from '../src/db/schema.ts';
import { createUser } from '../src/modules/staff/service.ts';
import { startRelais } from '../src/start.ts';

export const ADMIN = { email: 'admin@relais.test', password: 'correct horse battery' };

/**
 * A database of its own for one test file: PGlite in memory by default, or a fresh database on the
 * PostgreSQL server named by DATABASE_URL (CI runs the suite both ways).
 */
export async function scratchDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) return { url: 'memory://', drop: async () => {} };
  return createPgDatabase(server);
}

/** A fresh, empty database on this PostgreSQL server, and how to drop it (multi-process tests). */
export async function createPgDatabase(server: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `relais_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const TEST_OUTBOUND_ALLOWLIST = '127.0.0.0/8,::1,localhost';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    RELAIS_DEMO: 'off',
    // The demo's generated analytics history costs seconds per app: only its own test loads it.
    RELAIS_DEMO_HISTORY: 'off',
    LOG_LEVEL: 'silent',
    RELAIS_ADMIN_EMAIL: ADMIN.email,
    RELAIS_ADMIN_PASSWORD: ADMIN.password,
    RELAIS_DATA_DIR: join(tmpdir(), 'relais-unused'),
    // The tests' receivers (test/receivers.ts, local servers) listen on loopback, which the outbound
    // guard refuses by default; src/net/outbound-default.test.ts proves that default ('' = unset).
    RELAIS_OUTBOUND_ALLOWLIST: TEST_OUTBOUND_ALLOWLIST,
    ...overrides,
  });
}

/** Captures log lines, to assert what never reaches them. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.lines.push(chunk.toString());
    done();
  }
  get text() {
    return this.lines.join('');
  }
}

export interface TestApp {
  app: FastifyInstance;
  logs: LogCapture;
  close(): Promise<void>;
}

export async function createTestApp(
  overrides: Record<string, string> = {},
  options: Omit<BuildOptions, 'config' | 'database' | 'logStream'> = {},
): Promise<TestApp> {
  const scratch = await scratchDatabaseUrl();
  const config = { ...testConfig(overrides), databaseUrl: scratch.url };
  const logs = new LogCapture();
  const { app } = await startRelais(config, { logStream: logs, ...options });
  return {
    app,
    logs,
    close: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'relais-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Headers for a cookie-authenticated write. */
  headers: Record<string, string>;
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

let counter = 0;
/** Writes a real staff member with `role` and signs them in. */
export async function buildStaff(
  app: FastifyInstance,
  role: Role,
): Promise<Session & { id: string; email: string }> {
  const email = `${role}${++counter}@relais.test`;
  const password = 'a long enough password';
  const { user } = await createUser(
    app.db,
    { kind: 'anonymous' },
    { email, name: `${role} ${counter}`, role, password },
  );
  return { ...(await signIn(app, email, password)), id: user.id, email };
}

export function problem(res: LightMyRequestResponse) {
  return { status: res.statusCode, type: res.headers['content-type'], body: res.json() };
}

/** A TCP port free on loopback right now (for a server that must know its URL before listening). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Writes a real article through the API as `session` (an admin) and publishes it; returns its id. */
export async function buildPublishedArticle(
  app: FastifyInstance,
  session: Session,
  article: object,
): Promise<string> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/articles',
    headers: session.headers,
    payload: article,
  });
  if (created.statusCode !== 201)
    throw new Error(`article not created: ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  const published = await app.inject({
    method: 'POST',
    url: `/api/v1/articles/${id}/publish`,
    headers: session.headers,
  });
  if (published.statusCode !== 200)
    throw new Error(`article not published: ${published.statusCode} ${published.body}`);
  return id;
}
