/**
 * One Relais node for bench/chat.ts, in a process of its own (the clients run in another): it listens
 * on a free port and answers the benchmark's set-up requests over IPC — sign-ins, chats opened through
 * the service, accepts, presence — so the load measured is the server's alone.
 */
import type { FastifyInstance } from 'fastify';
import { createUser } from '../src/modules/staff/service.ts';
import { startRelais } from '../src/start.ts';
import { openAllWeek } from '../test/chat-helpers.ts';
import { ADMIN, testConfig } from '../test/helpers.ts';

type Request = { id: number; cmd: string; [k: string]: unknown };

const config = {
  ...testConfig({ RELAIS_SECRET_KEY: 'a'.repeat(64) }),
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'memory://',
};
const { app } = await startRelais(config, { outboxWorker: false });
await app.listen({ port: 0, host: '127.0.0.1' });

let addresses = 0;
async function inject(method: 'GET' | 'POST' | 'PUT', url: string, headers = {}, payload?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}
async function login(email: string, password: string) {
  // Sign-in is rate-limited per address: each one comes from its own.
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: `10.0.${Math.floor(++addresses / 250)}.${1 + (addresses % 250)}`,
  });
  if (res.statusCode !== 200) throw new Error(`sign-in: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const commands: Record<string, (r: Request) => Promise<unknown>> = {
  async setup(r) {
    const admin = await login(ADMIN.email, ADMIN.password);
    await inject('PUT', '/api/v1/escalation/settings', admin.headers, openAllWeek(3600));
    await inject('POST', '/api/v1/widget/sites', admin.headers, {
      key: 'bench',
      name: 'Bench',
      allowedOrigins: [],
    });
    for (let i = 0; i < (r.agents as number); i++) {
      await createUser(
        app.db,
        { kind: 'anonymous' },
        {
          email: `bench-agent-${i}@relais.test`,
          name: `Agent ${i}`,
          role: 'agent',
          password: 'a long enough password',
        },
      );
    }
  },
  login: async (r) => login(r.email as string, 'a long enough password'),
  presence: async (r) =>
    inject('PUT', '/api/v1/agents/me/presence', r.headers as object, { online: true }).then(() => null),
  accept: async (r) =>
    inject('POST', `/api/v1/chats/${r.chatId}/accept`, r.headers as object, {}).then(() => null),
  // Chats opened through the service: the HTTP route is rate-limited per client address.
  async open(r) {
    const out: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < (r.count as number); i++) {
      const { chat, token } = await app.chat.start({
        siteKey: 'bench',
        request: {
          subject: `Question ${i}`,
          description: `Question ${i}: ma box ne répond plus`,
          context: { locale: 'fr', source: 'widget' },
        },
      });
      out.push({ id: chat.id, token });
    }
    return out;
  },
  async memory() {
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed + m.external, rss: m.rss, ...(app as FastifyInstance).chatHub.stats() };
  },
  async close() {
    setImmediate(async () => {
      await app.close();
      process.exit(0);
    });
  },
};

process.on('message', (r: Request) => {
  commands[r.cmd]!(r).then(
    (result) => process.send!({ id: r.id, result }),
    (err: Error) => process.send!({ id: r.id, error: err.message }),
  );
});
process.send!({ ready: true, port: (app.server.address() as { port: number }).port });
