/**
 * Analytics at scale: generates N events (default 10 million) with INSERT … SELECT generate_series,
 * folds them into the rollups, then times the dashboard's queries.
 *
 *   npm run bench:analytics                      # PGlite (embedded), 1 million events by default
 *   DATABASE_URL=postgres://… npm run bench:analytics   # PostgreSQL, 10 million; uses database relais_bench_analytics
 *   BENCH_EVENTS=2000000 npm run bench:analytics # another size
 *   BENCH_REUSE=1 DATABASE_URL=… npm run bench:analytics # time the queries again on the last generated database
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../src/db/client.ts';
import {
  computeDashboard,
  flowReports,
  lastDays,
  refreshRollups,
  topArticles,
  topEscalatingPages,
  topSearches,
} from '../src/modules/analytics/service.ts';

const server = process.env.DATABASE_URL;
const total = Number(process.env.BENCH_EVENTS ?? (server ? 10_000_000 : 1_000_000));
const runs = Number(process.env.BENCH_RUNS ?? 40);
const reuse = process.env.BENCH_REUSE === '1' && Boolean(server);

async function open() {
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
    return {
      db: await openDatabase(undefined, dir),
      where: 'PGlite (on disk)',
      drop: async () => rmSync(dir, { recursive: true }),
    };
  }
  const name = 'relais_bench_analytics';
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { db: await openDatabase(url.toString(), ''), where: `PostgreSQL (${name})`, drop: async () => {} };
}

const QUERIES = [
  'facture',
  'ma facture',
  'changer de forfait',
  'résilier',
  'code puk',
  'box ne marche pas',
  'wifi lent',
  'portabilité',
  'roaming',
  'my invoice',
  'cancel subscription',
  'reset password',
  'change plan',
  'sim card',
  'offre moins chère',
  'livraison box',
  'remboursement',
  'delivery abroad',
  'pay by card',
  'technician visit',
];
const q = `(ARRAY[${QUERIES.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}])[1 + (k % ${QUERIES.length})]`;

/** One batch of events: ~6 per session, sessions spread over the last 365 days. */
function batch(from: number, to: number, sessions: number) {
  return sql.raw(`
    INSERT INTO events (at, type, channel, visitor_id, session_id, locale, subject_type, subject_id, data)
    SELECT now() - interval '365 days' + ((k % ${sessions})::float8 / ${sessions}) * interval '364 days' + (i % 6) * interval '1 minute',
      CASE i % 6
        WHEN 0 THEN 'search.performed' WHEN 1 THEN 'article.viewed' WHEN 2 THEN 'feedback.given'
        WHEN 3 THEN CASE WHEN k % 4 = 0 THEN 'bot.abstained' ELSE 'bot.answered' END
        WHEN 4 THEN CASE WHEN k % 3 = 0 THEN 'flow.step_reached' ELSE 'survey.answered' END
        ELSE CASE WHEN k % 5 = 0 THEN 'escalation.created' ELSE 'contact.form_opened' END END,
      (ARRAY['helpcentre','widget','bot'])[1 + (k % 3)],
      'v' || (k % ${Math.max(1, Math.floor(sessions / 3))}), 's' || k,
      (ARRAY['fr','fr','en'])[1 + (k % 3)],
      CASE WHEN i % 6 IN (1, 2) THEN 'article' END,
      CASE WHEN i % 6 IN (1, 2) THEN 'a' || (k % 400) WHEN i % 6 = 4 AND k % 3 = 0 THEN 'flow' || (k % 5) END,
      CASE i % 6
        WHEN 0 THEN jsonb_build_object('query', ${q}, 'resultCount', k % 7, 'confidence', (k % 10) / 10.0, 'abstained', k % 10 < 3)
        WHEN 2 THEN jsonb_build_object('helpful', k % 4 <> 0)
        WHEN 3 THEN jsonb_build_object('query', ${q}, 'articleId', 'a' || (k % 400), 'confidence', (k % 10) / 10.0)
        WHEN 4 THEN CASE WHEN k % 3 = 0 THEN jsonb_build_object('stepId', 'step' || (k % 4), 'stepIndex', k % 4)
                    ELSE jsonb_build_object('kind', CASE WHEN k % 2 = 0 THEN 'csat' ELSE 'ces' END, 'score', 1 + k % 5) END
        ELSE CASE WHEN k % 5 = 0 THEN jsonb_build_object('via', 'form', 'page', '/fr/page-' || (k % 30)) ELSE '{}'::jsonb END END
    FROM (SELECT i, i / 6 AS k FROM generate_series(${from}, ${to - 1}) AS i) g`);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const { db: database, where, drop } = await open();
  await database.migrate();
  const db = database.db;
  const sessions = Math.ceil(total / 6);
  const step = server ? 1_000_000 : 250_000;
  let t0 = performance.now();
  for (let from = 0; from < (reuse ? 0 : total); from += step) {
    await db.execute(batch(from, Math.min(total, from + step), sessions));
    process.stderr.write(`  inserted ${Math.min(total, from + step).toLocaleString('en')}\r`);
  }
  const insertS = (performance.now() - t0) / 1000;
  if (database.kind === 'postgres') await db.execute(sql`VACUUM ANALYZE events`);
  t0 = performance.now();
  await refreshRollups(db, { lagSeconds: 0, batchSize: 1_000_000 });
  const rollupS = (performance.now() - t0) / 1000;
  if (database.kind === 'postgres')
    await db.execute(sql`ANALYZE analytics_daily; ANALYZE analytics_sessions`);
  // Incremental refresh after 10 000 new events: what the minute job costs on a live system.
  await db.execute(batch(total, total + 10_000, sessions));
  t0 = performance.now();
  await refreshRollups(db, { lagSeconds: 0 });
  const incrementalMs = performance.now() - t0;

  const ranges = [30, 90, 365].map((d) => lastDays(d));
  const calls: Record<string, () => Promise<unknown>> = {
    'dashboard 30 d': () => computeDashboard(db, ranges[0]!),
    'dashboard 90 d, locale fr': () => computeDashboard(db, { ...ranges[1]!, locale: 'fr' }),
    'dashboard 365 d': () => computeDashboard(db, ranges[2]!),
    'reports 30 d (searches, articles, pages, flows)': () =>
      Promise.all([
        topSearches(db, ranges[0]!),
        topArticles(db, ranges[0]!),
        topEscalatingPages(db, ranges[0]!),
        flowReports(db, ranges[0]!),
      ]),
  };
  const rowsOut: string[] = [];
  const all: number[] = [];
  for (const [name, call] of Object.entries(calls)) {
    await call(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await call();
      times.push(performance.now() - s);
    }
    all.push(...times);
    rowsOut.push(`| ${name} | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} |`);
  }
  const [counts] = (
    (await db.execute(
      sql`SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM analytics_daily) AS daily,
                 (SELECT count(*) FROM analytics_sessions) AS sessions`,
    )) as unknown as { rows: Array<Record<string, string>> }
  ).rows;
  console.log(
    `\n${where}: ${Number(counts!.events).toLocaleString('en')} events → ${Number(counts!.daily).toLocaleString('en')} daily rows, ${Number(counts!.sessions).toLocaleString('en')} sessions`,
  );
  console.log(
    `insert ${reuse ? '(reused)' : `${insertS.toFixed(1)} s`} · full rollup ${rollupS.toFixed(1)} s · incremental refresh of 10 000 events ${incrementalMs.toFixed(0)} ms\n`,
  );
  console.log(`| query (${runs} runs each) | p50 ms | p95 ms |\n|---|---|---|\n${rowsOut.join('\n')}`);
  console.log(`| all dashboard queries | ${pct(all, 50).toFixed(0)} | ${pct(all, 95).toFixed(0)} |`);
  await database.close();
  await drop();
}

await main();
