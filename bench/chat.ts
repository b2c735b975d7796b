/**
 * Live chat load: N customers and 20 agents over WebSockets (the `ws` client). The Relais nodes run in
 * processes of their own (bench/chat-node.ts); this process holds only the clients. One node on PGlite
 * (default) or on PostgreSQL (DATABASE_URL), or with `--nodes 2` two nodes on one PostgreSQL —
 * customers on A, agents on B, every message crossing through LISTEN/NOTIFY. Each agent accepts its
 * share of the chats, then every round each agent writes once in each of its chats and each customer
 * answers, the sends spread over `--window` ms (a steady rate, not one burst): delivery latency is
 * measured from the send to the frame's arrival on the other side (both clocks in this process).
 *
 *   npm run bench:chat                          # 500 chats, one node, PGlite
 *   DATABASE_URL=postgres://… npm run bench:chat
 *   DATABASE_URL=postgres://… npm run bench:chat -- --nodes 2
 */
import { type ChildProcess, fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { type Frame, Peer } from '../test/chat-helpers.ts';
import { createPgDatabase } from '../test/helpers.ts';

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
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** A node process and its IPC requests. */
class Node {
  private next = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(
    readonly child: ChildProcess,
    readonly addr: string,
  ) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
  }
  static start(databaseUrl: string | undefined): Promise<Node> {
    const child = fork(new URL('./chat-node.ts', import.meta.url), [], {
      // BENCH_CPU_PROF=dir: a V8 CPU profile of each node, written there when it exits.
      execArgv: [
        '--expose-gc',
        '--import',
        'tsx',
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      ],
      env: { ...process.env, ...(databaseUrl ? { BENCH_DATABASE_URL: databaseUrl } : {}) },
    });
    return new Promise((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(new Node(child, `127.0.0.1:${m.port}`)));
      child.once('exit', (code) => reject(new Error(`node exited (${code})`)));
    });
  }
  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }
}

const server = process.env.DATABASE_URL;
if (NODES > 1 && !server) throw new Error('--nodes 2 needs DATABASE_URL (PostgreSQL)');
const scratch = server ? await createPgDatabase(server) : undefined;
const nodes: Node[] = [];
// One after the other: the first applies the migrations.
for (let i = 0; i < NODES; i++) nodes.push(await Node.start(scratch?.url));
const A = nodes[0]!;
const B = nodes[NODES - 1]!;
await A.call('setup', { agents: AGENTS });

type Session = { cookie: string; csrf: string; headers: Record<string, string> };
// Agents on B.
const agents: Array<{ s: Session; peer: Peer; chats: string[] }> = [];
for (let i = 0; i < AGENTS; i++) {
  const s = await B.call<Session>('login', { email: `bench-agent-${i}@relais.test` });
  await B.call('presence', { headers: s.headers });
  const peer = await Peer.open(`ws://${B.addr}/api/v1/chats/socket?csrf=${encodeURIComponent(s.csrf)}`, {
    cookie: s.cookie,
    origin: `http://${B.addr}`,
  });
  agents.push({ s, peer, chats: [] });
}
// Presence lasts 90 s: keep the agents online while the chats open (the console beats every 30 s).
const beat = setInterval(() => {
  for (const a of agents) void B.call('presence', { headers: a.s.headers });
}, 20_000);

type Memory = { heap: number; rss: number; connections: number; chats: number };
const before = await Promise.all(nodes.map((n) => n.call<Memory>('memory')));
const t0 = performance.now();
// Customers on A.
const customers: Array<{ id: string; peer: Peer }> = [];
const opened = await A.call<Array<{ id: string; token: string }>>('open', { count: CHATS });
for (const [i, { id, token }] of opened.entries()) {
  // Socket upgrades are rate-limited per address: customers come from many loopback addresses.
  const peer = await Peer.open(
    `ws://${A.addr}/api/v1/widget/chats/${id}/socket?site=bench`,
    {},
    `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
  );
  peer.send({ type: 'hello', token });
  customers.push({ id, peer });
}
await Promise.all(customers.map((c) => c.peer.next((f) => f.type === 'state', 60_000)));
const openSeconds = (performance.now() - t0) / 1000;

// Each agent takes its share and follows it.
for (const [i, c] of customers.entries()) {
  const agent = agents[i % AGENTS]!;
  await B.call('accept', { chatId: c.id, headers: agent.s.headers });
  agent.chats.push(c.id);
  agent.peer.send({ type: 'watch', chatId: c.id });
}
await Promise.all(
  customers.map((c) => c.peer.next((f) => f.type === 'state' && f.chat.status === 'active', 60_000)),
);
for (const a of agents)
  for (const id of a.chats) await a.peer.next((f) => f.type === 'state' && f.chat.id === id, 60_000);
const after = await Promise.all(nodes.map((n) => n.call<Memory>('memory')));
// Set-up frames (queue positions, state) are not waited for: dropped, so matching stays cheap.
for (const p of [...customers, ...agents]) p.peer.frames.length = 0;

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

const held = after.reduce((n, m) => n + m.connections, 0);
const perChat = after.reduce((n, m, i) => n + m.heap - before[i]!.heap, 0) / CHATS;
const row = (name: string, xs: number[]) =>
  `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(1)} ms | ${pct(xs, 99).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`;
process.stdout.write(
  `\nLive chat: ${CHATS} chats, ${AGENTS} agents, ${NODES} node(s) on ${server ? 'PostgreSQL' : 'PGlite'}, ${ROUNDS} rounds, clients in their own process\n\n` +
    '| direction | messages | p50 | p99 | max |\n|---|---|---|---|---|\n' +
    `${row('agent → customer', toCustomer)}\n${row('customer → agent', toAgent)}\n\n` +
    `connections held: ${held} · chats opened and connected in ${openSeconds.toFixed(1)} s\n` +
    `memory per open chat (server heap + external${NODES > 1 ? ', both nodes' : ''}): ${kb(perChat)} · server rss ${after.map((m) => mb(m.rss)).join(' + ')}\n`,
);

clearInterval(beat);
for (const c of customers) c.peer.ws.terminate();
for (const a of agents) a.peer.ws.terminate();
await Promise.all(nodes.map((n) => n.call('close').catch(() => {})));
await Promise.all(nodes.map((n) => new Promise((r) => n.child.once('exit', r))));
await scratch?.drop();
process.exit(0);
