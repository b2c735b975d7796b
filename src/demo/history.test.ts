import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, buildStaff, createTestApp, type Session, signIn, type TestApp } from '../../test/helpers.ts';
import { EVENT_TYPES } from '../modules/analytics/taxonomy.ts';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp({ RELAIS_DEMO: 'on', RELAIS_DEMO_HISTORY: 'on' });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
}, 120_000);
afterAll(async () => t?.close());

const query = async <T>(q: SQL) => ((await t.app.db.execute(q)) as unknown as { rows: T[] }).rows;
const countEvents = async () =>
  (await query<{ n: number }>(sql`SELECT count(*)::int AS n FROM events`))[0]!.n;
const last90 = () => {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  return `from=${from}&to=${to}`;
};
const dashboard = async () =>
  (await t.app.inject({ url: `/api/v1/analytics/dashboard?${last90()}`, headers: admin.headers })).json();
const kpi = (d: { kpis: Array<{ key: string; value: number | null }> }, key: string) =>
  d.kpis.find((k) => k.key === key)?.value;

it('a demo install shows ninety days of analytics, every event in the taxonomy', async () => {
  const { history } = (
    await t.app.inject({ url: '/api/v1/analytics/demo-history', headers: admin.headers })
  ).json();
  expect(history.events).toBeGreaterThan(3_000);
  expect(Date.parse(history.to) - Date.parse(history.from)).toBe(89 * 86_400_000);

  const rows = await query<{
    type: keyof typeof EVENT_TYPES;
    channel: string;
    subjectId: string | null;
    data: unknown;
  }>(
    sql`SELECT type, channel, subject_id AS "subjectId", data FROM events WHERE starts_with(session_id, 'demo:')`,
  );
  expect(rows.length).toBe(history.events);
  for (const row of rows) {
    const spec = EVENT_TYPES[row.type];
    expect(spec, row.type).toBeDefined();
    expect(spec.channels as readonly string[]).toContain(row.channel);
    // Generated hand-overs have no ticket behind them: the only events without their subject.
    if ('subject' in spec && spec.subject && row.type !== 'escalation.created') {
      expect(row.subjectId, row.type).toBeTruthy();
    }
    expect(spec.data.safeParse(row.data).success, `${row.type} ${JSON.stringify(row.data)}`).toBe(true);
  }

  const d = await dashboard();
  expect(kpi(d, 'selfServiceSessions')).toBeGreaterThan(1_000);
  const resolution = kpi(d, 'resolutionRate') ?? 0;
  expect(resolution).toBeGreaterThan(0.3);
  expect(resolution).toBeLessThan(0.95);
  expect(kpi(d, 'csat')).toBeGreaterThan(0);

  // Flows report names and steps, and the questions nobody answered cluster into gaps.
  const reports = (
    await t.app.inject({ url: `/api/v1/analytics/reports?${last90()}`, headers: admin.headers })
  ).json();
  expect(reports.flows.length).toBeGreaterThan(0);
  expect(reports.flows[0].started).toBeGreaterThan(0);
  let gaps: { items: Array<{ queries: Array<{ query: string }> }>; refreshing: boolean };
  do {
    gaps = (
      await t.app.inject({ url: `/api/v1/analytics/gaps?${last90()}&locale=fr`, headers: admin.headers })
    ).json();
  } while (gaps.refreshing && (await new Promise((r) => setTimeout(r, 200))) === undefined);
  const texts = gaps.items.flatMap((g) => g.queries.map((q) => q.query)).join(' | ');
  expect(texts).toContain('titulaire');
});

it('only an admin removes the demo history, in one call, and what real visitors did stays', async () => {
  // A real visitor's search, recorded like any other.
  const search = await t.app.inject({ url: '/api/v1/search?q=wifi%20lent&locale=fr' });
  expect(search.statusCode).toBe(200);
  // Searches reach the events table through a one-second buffer.
  const realSearches = sql`SELECT count(*)::int AS n FROM events
    WHERE type = 'search.performed' AND NOT starts_with(coalesce(session_id, ''), 'demo:')`;
  await expect.poll(async () => (await query<{ n: number }>(realSearches))[0]!.n, { timeout: 5_000 }).toBe(1);

  const analyst = await buildStaff(t.app, 'analyst');
  const refused = await t.app.inject({
    method: 'DELETE',
    url: '/api/v1/analytics/demo-history',
    headers: analyst.headers,
  });
  expect(refused.statusCode).toBe(403);

  const before = await countEvents();
  const removed = await t.app.inject({
    method: 'DELETE',
    url: '/api/v1/analytics/demo-history',
    headers: admin.headers,
  });
  expect(removed.statusCode).toBe(200);
  const after = await countEvents();
  expect(removed.json().deleted).toBe(before - after);
  expect(after).toBeGreaterThan(0);
  const left = await query<{ type: string }>(sql`SELECT type FROM events`);
  expect(left.map((r) => r.type)).toContain('search.performed');

  const { history } = (
    await t.app.inject({ url: '/api/v1/analytics/demo-history', headers: admin.headers })
  ).json();
  expect(history).toBeNull();
  // The rollups are rebuilt from the real events alone (the rebuild leaves the last seconds to the
  // next refresh, so wait for the real search to be old enough).
  await new Promise((r) => setTimeout(r, 5_500));
  const d = await dashboard();
  const searches = d.kpis.find((k: { key: string }) => k.key === 'searches')?.value;
  expect(searches).toBe(1);
  const audit = (await t.app.inject({ url: '/api/v1/audit-log?limit=5', headers: admin.headers })).json();
  expect(JSON.stringify(audit)).toContain('analytics_demo_history.removed');
}, 30_000);
