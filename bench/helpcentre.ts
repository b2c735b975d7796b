/**
 * Server render time of each help-centre page type on the Nuvia demo content, through app.inject
 * (no network): `npm run bench:helpcentre`. Target: p95 < 50 ms. Results go to docs/benchmarks.md.
 */
import { loadConfig } from '../src/config.ts';
import { startRelais } from '../src/start.ts';
import { scratchDatabaseUrl } from '../test/helpers.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;

const config = {
  ...loadConfig({
    RELAIS_DEMO: 'on',
    LOG_LEVEL: 'silent',
    RELAIS_ADMIN_EMAIL: 'bench@relais.test',
    RELAIS_ADMIN_PASSWORD: 'a long bench password',
  }),
};
// With DATABASE_URL, a fresh database of its own on that server (dropped at the end), never the one named.
const scratch = await scratchDatabaseUrl();
config.databaseUrl = scratch.url;
const { app } = await startRelais(config);
await app.searchIndex.settled();

async function links(url: string, pattern: RegExp) {
  const body = (await app.inject({ url })).body;
  return [...body.matchAll(pattern)].map((m) => m[1]!);
}

const categories = await links('/fr', /href="(\/fr\/categories\/[^"]+)"/g);
const articles = (
  await Promise.all(categories.map((c) => links(c, /<li><a href="(\/fr\/articles\/[^"]+)"/g)))
).flat();
const enArticles = await links('/en', /<li><a href="(\/en\/articles\/[^"]+)"/g);
const queries = [
  'payer ma facture',
  'mot de passe oublié',
  'ma box ne marche plus',
  'resilier forfait',
  'roaming',
];

const pages: Array<[string, (i: number) => string]> = [
  ['home', (i) => (i % 2 ? '/fr' : '/en')],
  ['category', (i) => categories[i % categories.length]!],
  ['article', (i) => (i % 3 ? articles[i % articles.length]! : enArticles[i % enArticles.length]!)],
  ['article .md', (i) => `${articles[i % articles.length]}.md`],
  ['search', (i) => `/fr/search?q=${encodeURIComponent(queries[i % queries.length]!)}`],
  ['404', () => '/fr/articles/does-not-exist'],
  ['sitemap.xml', () => '/sitemap.xml'],
  ['llms.txt', () => '/llms.txt'],
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const rows: string[] = [];
for (const [name, url] of pages) {
  for (let i = 0; i < WARMUP; i++) await app.inject({ url: url(i) });
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    const res = await app.inject({ url: url(i) });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (res.statusCode >= 500) throw new Error(`${name} ${url(i)} → ${res.statusCode}`);
  }
  const used = process.cpuUsage(cpu);
  // CPU time per request is what the server really spends; wall time also counts other processes.
  const cpuMs = (used.user + used.system) / 1000 / ITERATIONS;
  times.sort((a, b) => a - b);
  rows.push(
    `| ${name} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${times.at(-1)!.toFixed(1)} | ${cpuMs.toFixed(1)} |`,
  );
}

const db = config.databaseUrl.startsWith('postgres') ? 'PostgreSQL' : 'PGlite (in memory)';
process.stdout.write(
  `Help centre render time, ${ITERATIONS} requests per page type after ${WARMUP} warm-up, ${articles.length} fr articles, ${db}, Node ${process.version}\n\n| page | p50 ms | p95 ms | max ms | CPU ms/request |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
);
process.stdout.write(
  `\nLoad average during the run: ${(await import('node:os')).loadavg()[0]!.toFixed(1)}\n`,
);
await app.close();
await scratch.drop();
