/**
 * Live chat load: N customers and 20 agents over WebSockets (the `ws` client), one node on PGlite, or
 * with `--nodes 2` and DATABASE_URL two nodes on one PostgreSQL (customers on A, agents on B; both in
 * this process, so they share its CPU with the clients). Each agent accepts its share of the chats, then
 * every round each agent writes once in each of its chats and each customer answers, the sends spread
 * over `--window` ms (a steady rate, not one burst): delivery latency
 * is measured from the send to the frame's arrival on the other side (timestamp in the text).
 *
 *   npm run bench:chat                          # 500 chats, one node, PGlite
 *   DATABASE_URL=postgres://… npm run bench:chat -- --nodes 2
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../src/modules/staff/service.ts';
import { startRelais } from '../src/start.ts';
import { type Frame, openAllWeek, Peer } from '../test/chat-helpers.ts';
import { ADMIN, scratchDatabaseUrl, testConfig } from '../test/helpers.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CHATS = arg('chats', 500);
const AGENTS = arg('agents', 20);
const ROUNDS = arg('rounds', 5);
const NODES = arg('nodes', 1);
/** Each round's messages are spread over this many ms (500 chats, 5 s: 100 messages a second each way). */
const WINDOW = arg('window', 5000);
const paced = (sends: Array<() => void>) =>
  Promise.all(
    sends.map(
      (send, i) =>
        new Promise<void>((done) =>
          setTimeout(
            () => {
              send();
              done();
            },
            (i * WINDOW) / sends.length,
          ),
        ),
    ),
  );

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function inject(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) {
  const res = await app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

let clients = 0;
async function login(app: FastifyInstance, email: string, password: string) {
  // Sign-in is rate-limited per address: each agent signs in from its own.
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: `10.0.0.${++clients}`,
  });
  if (res.statusCode !== 200) throw new Error(`sign-in: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

const scratch = await scratchDatabaseUrl();
if (NODES > 1 && !process.env.DATABASE_URL) throw new Error('--nodes 2 needs DATABASE_URL (PostgreSQL)');
const config = { ...testConfig({ RELAIS_SECRET_KEY: 'a'.repeat(64) }), databaseUrl: scratch.url };
const nodes: FastifyInstance[] = [];
for (let i = 0; i < NODES; i++) {
  const { app } = await startRelais(config, { outboxWorker: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  nodes.push(app);
}
const A = nodes[0]!;
const B = nodes[NODES - 1]!;
const addr = (app: FastifyInstance) => `127.0.0.1:${(app.server.address() as { port: number }).port}`;

const admin = await login(A, ADMIN.email, ADMIN.password);
await inject(A, 'PUT', '/api/v1/escalation/settings', admin.headers, openAllWeek(3600));
await inject(A, 'POST', '/api/v1/widget/sites', admin.headers, {
  key: 'bench',
  name: 'Bench',
  allowedOrigins: [],
});

// Agents on B.
const agents: Array<{ s: Awaited<ReturnType<typeof login>>; peer: Peer; chats: string[] }> = [];
for (let i = 0; i < AGENTS; i++) {
  const email = `bench-agent-${i}@relais.test`;
  await createUser(
    A.db,
    { kind: 'anonymous' },
    { email, name: `Agent ${i}`, role: 'agent', password: 'a long enough password' },
  );
  const s = await login(B, email, 'a long enough password');
  await inject(B, 'PUT', '/api/v1/agents/me/presence', s.headers, { online: true });
  const peer = await Peer.open(`ws://${addr(B)}/api/v1/chats/socket?csrf=${encodeURIComponent(s.csrf)}`, {
    cookie: s.cookie,
    origin: `http://${addr(B)}`,
  });
  agents.push({ s, peer, chats: [] as string[] });
}

// Presence lasts 90 s: keep the agents online while the chats open (the console beats every 30 s).
const beat = setInterval(() => {
  for (const a of agents)
    void B.inject({
      method: 'PUT',
      url: '/api/v1/agents/me/presence',
      headers: a.s.headers,
      payload: { online: true },
    });
}, 20_000);
gc();
const before = process.memoryUsage();
const t0 = performance.now();
// Customers on A: chats opened through the service (the HTTP route is rate-limited per client address).
const customers: Array<{ id: string; peer: Peer }> = [];
for (let i = 0; i < CHATS; i++) {
  const { chat, token } = await A.chat.start({
    siteKey: 'bench',
    request: {
      subject: `Question ${i}`,
      description: `Question ${i}: ma box ne répond plus`,
      context: { locale: 'fr', source: 'widget' },
    },
  });
  // Socket upgrades are rate-limited per address: customers come from many loopback addresses.
  const peer = await Peer.open(
    `ws://${addr(A)}/api/v1/widget/chats/${chat.id}/socket?site=bench`,
    {},
    `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
  );
  peer.send({ type: 'hello', token });
  customers.push({ id: chat.id, peer });
}
await Promise.all(customers.map((c) => c.peer.next((f) => f.type === 'state', 60_000)));
const opened = performance.now() - t0;

// Each agent takes its share and follows it.
for (const [i, c] of customers.entries()) {
  const agent = agents[i % AGENTS]!;
  await inject(B, 'POST', `/api/v1/chats/${c.id}/accept`, agent.s.headers, {});
  agent.chats.push(c.id);
  agent.peer.send({ type: 'watch', chatId: c.id });
}
await Promise.all(
  customers.map((c) => c.peer.next((f) => f.type === 'state' && f.chat.status === 'active', 60_000)),
);
for (const a of agents)
  for (const id of a.chats) await a.peer.next((f) => f.type === 'state' && f.chat.id === id, 60_000);
gc();
const after = process.memoryUsage();

const toCustomer: number[] = [];
const toAgent: number[] = [];
const stamp = (f: Frame) => Number(String(f.message?.body ?? '').split(' ')[1]);
/** Resolves with the delivery latency of the first frame matching, taken on arrival. */
const latency = (peer: Peer, author: string, prefix: string) =>
  peer
    .next(
      (f) => f.type === 'message' && f.message.author === author && f.message.body.startsWith(prefix),
      60_000,
    )
    .then((f) => performance.now() - stamp(f));
for (let r = 0; r < ROUNDS; r++) {
  const got = customers.map((c) => latency(c.peer, 'agent', `r${r} `));
  await paced(
    agents.flatMap((a) =>
      a.chats.map(
        (id) => () => a.peer.send({ type: 'message', chatId: id, text: `r${r} ${performance.now()}` }),
      ),
    ),
  );
  toCustomer.push(...(await Promise.all(got)));
  const back = agents.flatMap((a) => a.chats.map(() => latency(a.peer, 'customer', `c${r} `)));
  await paced(
    customers.map((c) => () => c.peer.send({ type: 'message', text: `c${r} ${performance.now()}` })),
  );
  toAgent.push(...(await Promise.all(back)));
}

const held = nodes.map((n) => n.chatHub.stats().connections).reduce((a, b) => a + b, 0);
const row = (name: string, xs: number[]) =>
  `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(1)} ms | ${pct(xs, 99).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`;
process.stdout.write(
  `\nLive chat: ${CHATS} chats, ${AGENTS} agents, ${NODES} node(s) on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, ${ROUNDS} rounds\n\n` +
    '| direction | messages | p50 | p99 | max |\n|---|---|---|---|---|\n' +
    `${row('agent → customer', toCustomer)}\n${row('customer → agent', toAgent)}\n\n` +
    `connections held: ${held} · chats opened and connected in ${(opened / 1000).toFixed(1)} s\n` +
    `memory per open chat (heap + external, server and clients in one process): ${(
      (after.heapUsed + after.external - before.heapUsed - before.external) / CHATS / 1024
    ).toFixed(1)} KB · rss ${mb(after.rss)}\n`,
);

clearInterval(beat);
for (const c of customers) c.peer.ws.terminate();
for (const a of agents) a.peer.ws.terminate();
for (const n of nodes) await n.close();
await scratch.drop();
process.exit(0);
