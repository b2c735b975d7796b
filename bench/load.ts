/**
 * Relais under load, as a new user would measure it: `npm run bench:load` (PGlite), and with
 * `DATABASE_URL=postgres://…` on a fresh scratch database of that server (dropped at the end).
 *
 * Relais runs with the demo content in its own process pinned to core 0 (`taskset -c 0`); this
 * process (autocannon) is pinned to core 1. In the same run a bare Fastify route on core 0 gives the
 * machine's ceiling. Scenarios, 20 connections each: `GET /api/v1/search` cycling the demo's held-out
 * queries (distinct queries, each from one of 4,096 client addresses via X-Forwarded-For, as many
 * customers would: the route is limited to 120 a minute per address), every help-centre article page
 * cycled, the home page. Then idle RSS, first start (empty database → ready) and restart times.
 *
 * `--soak` adds a soak at 70 % of the measured maximum over the same mix (errors and RSS over time);
 * BENCH_SOAK_SECONDS (600) sets its length. BENCH_SECONDS (10) sets each scenario's length.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseLabelledCsv } from '../src/evaluation/dataset.ts';
import { createPgDatabase } from '../test/helpers.ts';
import { DEMO_DATA_DIR, ROOT } from './datasets.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const SOAK = process.argv.includes('--soak');
const CONNECTIONS = 20;
const PORT = 3900 + (process.pid % 50);
const BARE_PORT = PORT + 50;

// autocannon on core 1, the servers on core 0.
execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

function startServer(args: string[], env: Record<string, string>) {
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const BARE = `
const app = require('fastify')();
app.get('/', async () => ({ hello: 'world' }));
app.listen({ port: ${BARE_PORT}, host: '127.0.0.1' });
`;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function cannon(
  name: string,
  base: string,
  paths: Array<{ path: string; headers?: Record<string, string> }>,
  options: { duration?: number; overallRate?: number } = {},
): Promise<Result> {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: options.duration ?? SECONDS,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const next = paths[i++ % paths.length]!;
          return { ...req, path: next.path, headers: { ...(req.headers as object), ...next.headers } };
        },
      },
    ],
  });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function heldOutQueries(): string[] {
  const texts: string[] = [];
  for (const locale of ['fr', 'en']) {
    const csv = readFileSync(join(DEMO_DATA_DIR, `demo-${locale}-queries.csv`), 'utf8');
    texts.push(...parseLabelledCsv(csv).map((q) => q.text));
  }
  return texts;
}

async function articlePaths(base: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const locale of ['fr', 'en']) {
    const home = await (await fetch(`${base}/${locale}`)).text();
    const categories = [...home.matchAll(/href="(\/\w+\/categories\/[^"]+)"/g)].map((m) => m[1]!);
    for (const c of categories) {
      const page = await (await fetch(`${base}${c}`)).text();
      for (const m of page.matchAll(/href="(\/\w+\/articles\/[^"#]+)"/g)) paths.add(m[1]!);
    }
  }
  return [...paths];
}

const address = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`;

async function run(database: 'PGlite' | 'PostgreSQL') {
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-load-'));
  const scratch = database === 'PostgreSQL' ? await createPgDatabase(process.env.DATABASE_URL!) : undefined;
  const env: Record<string, string> = {
    PORT: String(PORT),
    HOST: '127.0.0.1',
    RELAIS_DEMO: 'on',
    LOG_LEVEL: 'warn',
    RELAIS_TRUST_PROXY: 'on',
    RELAIS_DATA_DIR: dataDir,
    RELAIS_ADMIN_EMAIL: 'bench@relais.test',
    RELAIS_ADMIN_PASSWORD: 'a long bench password',
    ...(scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: '' }),
  };
  const base = `http://127.0.0.1:${PORT}`;
  const args = [
    ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    'tsx',
    'src/main.ts',
  ];
  try {
    let started = Date.now();
    let server = startServer(args, env);
    await waitReady(`${base}/readyz`, server);
    const firstStart = Date.now() - started;
    await stop(server);
    started = Date.now();
    server = startServer(args, env);
    await waitReady(`${base}/readyz`, server);
    const restart = Date.now() - started;
    await sleep(5_000);
    const idleRss = rssMb(server.pid!);

    const queries = heldOutQueries();
    const search = queries.map((q, n) => ({
      path: `/api/v1/search?q=${encodeURIComponent(q)}`,
      headers: { 'x-forwarded-for': address(n) },
    }));
    // 4,096 addresses: each stays under the route's 120 a minute at ~5,000 req/s.
    const searches = Array.from({ length: 4096 }, (_, n) => ({
      path: search[n % search.length]!.path,
      headers: { 'x-forwarded-for': address(n) },
    }));
    const articles = (await articlePaths(base)).map((path) => ({ path }));
    const home = [{ path: '/fr' }, { path: '/en' }];
    // Warm-up: every page and query once.
    await cannon('warm-up', base, [...searches.slice(0, queries.length), ...articles, ...home], {
      duration: 3,
    });
    const results = [
      await cannon('GET /api/v1/search (held-out queries)', base, searches),
      await cannon(`article pages (${articles.length} cycled)`, base, articles),
      await cannon('home page (/fr, /en)', base, home),
    ];
    const loadedRss = rssMb(server.pid!);
    let soak: string | undefined;
    if (SOAK) soak = await soakRun(base, server, [...searches, ...articles, ...home], results);
    await stop(server);
    return { database, firstStart, restart, idleRss, loadedRss, results, soak, queries: queries.length };
  } finally {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function soakRun(
  base: string,
  server: ChildProcess,
  mix: Array<{ path: string; headers?: Record<string, string> }>,
  results: Result[],
) {
  const max = Math.min(...results.map((r) => r.rps));
  const rate = Math.max(1, Math.round(max * 0.7));
  const samples: string[] = [];
  const timer = setInterval(() => samples.push(rssMb(server.pid!).toFixed(0)), 30_000);
  const r = await cannon('soak', base, mix, { duration: SOAK_SECONDS, overallRate: rate });
  clearInterval(timer);
  return `soak ${SOAK_SECONDS} s at ${rate} req/s (70 % of the slowest scenario's maximum) over the mix: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}; RSS every 30 s (MB): ${samples.join(', ')}`;
}

const bare = startServer(['-e', BARE], {});
await waitReady(`http://127.0.0.1:${BARE_PORT}/`, bare);
await cannon('warm-up', `http://127.0.0.1:${BARE_PORT}`, [{ path: '/' }], { duration: 2 });
const bareResult = await cannon('bare Fastify GET /', `http://127.0.0.1:${BARE_PORT}`, [{ path: '/' }]);
await stop(bare);

const runs = [await run('PGlite')];
if (process.env.DATABASE_URL?.startsWith('postgres')) runs.push(await run('PostgreSQL'));

const row = (r: Result) =>
  `| ${r.name} | ${r.rps.toFixed(0)} | ${((100 * r.rps) / bareResult.rps).toFixed(1)} % | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`;
let out = `Load: ${CONNECTIONS} connections, ${SECONDS} s per scenario, server on core 0, autocannon on core 1, Node ${process.version}\n\n`;
out += `| scenario | req/s | of bare | p50 ms | p99 ms | errors | non-2xx |\n|---|---|---|---|---|---|---|\n${row(bareResult)}\n`;
for (const r of runs) {
  out += `| **${r.database}** (${r.queries} queries) | | | | | | |\n${r.results.map(row).join('\n')}\n`;
}
out +=
  '\n| database | first start s | restart s | idle RSS MB | RSS after load MB |\n|---|---|---|---|---|\n';
for (const r of runs) {
  out += `| ${r.database} | ${(r.firstStart / 1000).toFixed(1)} | ${(r.restart / 1000).toFixed(1)} | ${r.idleRss.toFixed(0)} | ${r.loadedRss.toFixed(0)} |\n`;
}
for (const r of runs) if (r.soak) out += `\n${r.database}: ${r.soak}\n`;
process.stdout.write(out);
