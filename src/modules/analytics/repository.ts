import { type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { ANSWER_TYPES, ATTEMPT_TYPES, ESCALATION_TYPES, LOW_CONFIDENCE } from './taxonomy.ts';

/** Rows of a raw query, whichever driver (PGlite or node-postgres) ran it. */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

// Any constant works; it only has to be the same on every node sharing the database.
const ROLLUP_LOCK = 7_261_010;
const ROLLUP = 'rollup';

/** JSON number or null: events written by other surfaces must never make the rollup fail on a cast. */
const num = (field: string) =>
  sql.raw(`(CASE WHEN jsonb_typeof(data->'${field}') = 'number' THEN (data->>'${field}')::float8 END)`);
const isTrue = (field: string) => sql.raw(`(data->'${field}' = 'true'::jsonb)`);
const isFalse = (field: string) => sql.raw(`(data->'${field}' = 'false'::jsonb)`);
const normalizedQuery = sql.raw(`left(regexp_replace(lower(trim(data->>'query')), '\\s+', ' ', 'g'), 200)`);

/**
 * Events (lo, hi] as the rollups read them: `search.abstained` (recorded by the widget) is a search with
 * `abstained: true`; events without a session id but with a visitor id get one session per visitor and
 * UTC day, so that they still count as self-service sessions.
 */
function range(lo: number, hi: number) {
  return sql`ev AS (
    SELECT id, at, channel, locale, subject_id, visitor_id,
      CASE WHEN type = 'search.abstained' THEN 'search.performed' ELSE type END AS type,
      CASE WHEN type = 'search.abstained' THEN data || '{"abstained": true}'::jsonb ELSE data END AS data,
      coalesce(session_id, 'v:' || visitor_id || ':' || (at AT TIME ZONE 'UTC')::date) AS session_id
    FROM events WHERE id > ${lo} AND id <= ${hi})`;
}

/**
 * Folds events (lo, hi] into the daily and session rollups. Idempotent per range only together with
 * the high-water mark update: callers run it in the transaction that moves the mark.
 */
async function foldRange(tx: DbOrTx, lo: number, hi: number) {
  await tx.execute(sql`
    WITH ${range(lo, hi)}
    INSERT INTO analytics_daily AS d (day, type, channel, locale, segment, subject, dim, n, flag_a, flag_b, total)
    SELECT (at AT TIME ZONE 'UTC')::date, type, channel, coalesce(locale, ''),
      left(coalesce(data->>'segment', ''), 100), left(coalesce(subject_id, ''), 100),
      CASE
        WHEN type IN ('search.performed', 'bot.answered', 'bot.abstained') THEN coalesce(${normalizedQuery}, '')
        WHEN type = 'survey.answered' THEN coalesce(data->>'kind', '')
        WHEN type = 'flow.step_reached' THEN left(coalesce(data->>'stepId', ''), 100)
        WHEN type IN (${list(ESCALATION_TYPES)}) THEN left(coalesce(data->>'page', ''), 300)
        ELSE ''
      END,
      count(*),
      count(*) FILTER (WHERE
        (type = 'search.performed' AND ${num('resultCount')} = 0)
        OR (type = 'bot.answered' AND ${num('confidence')} < ${LOW_CONFIDENCE})
        OR (type = 'feedback.given' AND ${isTrue('helpful')})
        OR (type = 'survey.answered' AND (
          (data->>'kind' = 'csat' AND ${num('score')} >= 4) OR (data->>'kind' = 'ces' AND ${num('score')} >= 5)))),
      count(*) FILTER (WHERE type = 'search.performed' AND ${isTrue('abstained')}),
      coalesce(sum(CASE
        WHEN type = 'survey.answered' THEN ${num('score')}
        WHEN type = 'flow.step_reached' THEN ${num('stepIndex')}
        WHEN type IN ('search.performed', 'bot.answered', 'bot.abstained') THEN ${num('confidence')}
      END), 0)
    FROM ev
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (day, type, channel, locale, segment, subject, dim) DO UPDATE SET
      n = d.n + excluded.n, flag_a = d.flag_a + excluded.flag_a,
      flag_b = d.flag_b + excluded.flag_b, total = d.total + excluded.total`);

  await tx.execute(sql`
    WITH ${range(lo, hi)}
    INSERT INTO analytics_sessions AS s (session_id, visitor_id, day, channel, locale, segment, first_at, last_at,
      attempt_at, answered, negative, escalated_at, escalation_page)
    SELECT session_id, max(visitor_id), (min(at) AT TIME ZONE 'UTC')::date,
      (array_agg(channel ORDER BY at, id))[1],
      coalesce((array_agg(locale ORDER BY at, id) FILTER (WHERE locale IS NOT NULL))[1], ''),
      left(coalesce(max(data->>'segment'), ''), 100),
      min(at), max(at),
      min(at) FILTER (WHERE type IN (${list(ATTEMPT_TYPES)})),
      coalesce(bool_or(type IN (${list(ANSWER_TYPES)})), false),
      coalesce(bool_or(type = 'feedback.given' AND ${isFalse('helpful')}), false),
      min(at) FILTER (WHERE type IN (${list(ESCALATION_TYPES)})),
      (array_agg(left(data->>'page', 300) ORDER BY at, id) FILTER (WHERE type IN (${list(ESCALATION_TYPES)})))[1]
    FROM ev WHERE session_id IS NOT NULL
    GROUP BY session_id
    ON CONFLICT (session_id) DO UPDATE SET
      visitor_id = coalesce(s.visitor_id, excluded.visitor_id),
      day = least(s.day, excluded.day),
      channel = CASE WHEN excluded.first_at < s.first_at THEN excluded.channel ELSE s.channel END,
      locale = CASE WHEN s.locale = '' THEN excluded.locale ELSE s.locale END,
      segment = CASE WHEN s.segment = '' THEN excluded.segment ELSE s.segment END,
      first_at = least(s.first_at, excluded.first_at),
      last_at = greatest(s.last_at, excluded.last_at),
      attempt_at = least(s.attempt_at, excluded.attempt_at),
      answered = s.answered OR excluded.answered,
      negative = s.negative OR excluded.negative,
      escalation_page = CASE WHEN excluded.escalated_at IS NOT NULL
        AND (s.escalated_at IS NULL OR excluded.escalated_at < s.escalated_at)
        THEN excluded.escalation_page ELSE s.escalation_page END,
      escalated_at = least(s.escalated_at, excluded.escalated_at)`);

  // Next escalation after the attempt: for the sessions this range touched, then for every session of
  // the visitors who escalated in it. Both are driven by small sets (primary key, visitor index).
  const next = sql`CASE
      WHEN s.visitor_id IS NULL THEN CASE WHEN s.escalated_at >= s.attempt_at THEN s.escalated_at END
      ELSE (SELECT min(e.escalated_at) FROM analytics_sessions e
            WHERE e.visitor_id = s.visitor_id AND e.escalated_at >= s.attempt_at) END`;
  await tx.execute(sql`
    WITH ${range(lo, hi)}
    UPDATE analytics_sessions s SET next_escalation_at = ${next}
    FROM (SELECT DISTINCT session_id FROM ev WHERE session_id IS NOT NULL) t
    WHERE s.session_id = t.session_id AND s.attempt_at IS NOT NULL`);
  await tx.execute(sql`
    WITH ${range(lo, hi)}
    UPDATE analytics_sessions s SET next_escalation_at = ${next}
    FROM (SELECT DISTINCT visitor_id FROM ev
          WHERE visitor_id IS NOT NULL AND type IN (${list(ESCALATION_TYPES)})) v
    WHERE s.visitor_id = v.visitor_id AND s.attempt_at IS NOT NULL`);
}

export interface RefreshOptions {
  /** Events younger than this are left for the next run: a transaction that commits late with a
   *  lower id would otherwise be skipped forever. */
  lagSeconds?: number;
  /** Events folded per transaction. */
  batchSize?: number;
  /** Stop after this many batches (a request must not carry a large backlog; the minute job does). */
  maxBatches?: number;
}

/** Takes the advisory lock `key` until the transaction ends; false when another transaction holds it. */
export async function tryTransactionLock(tx: DbOrTx, key: number): Promise<boolean> {
  const [lock] = await rows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${key}) AS ok`);
  return Boolean(lock?.ok);
}

/**
 * Moves the rollups forward from the high-water mark. Several nodes may call it: an advisory lock
 * makes one of them do the work, the others return at once. Returns how far the mark moved (event ids).
 */
export async function refreshRollups(db: Db, opts: RefreshOptions = {}): Promise<number> {
  const lag = opts.lagSeconds ?? 5;
  const batch = opts.batchSize ?? 500_000;
  let folded = 0;
  for (let round = 0; round < (opts.maxBatches ?? Number.POSITIVE_INFINITY); round++) {
    const step = await db.transaction(async (tx) => {
      if (!(await tryTransactionLock(tx, ROLLUP_LOCK))) return 0;
      await tx.execute(
        sql`INSERT INTO analytics_state (name, last_event_id) VALUES (${ROLLUP}, 0) ON CONFLICT DO NOTHING`,
      );
      const [state] = await rows<{ last: string }>(
        tx,
        sql`SELECT last_event_id AS last FROM analytics_state WHERE name = ${ROLLUP}`,
      );
      const lo = Number(state?.last ?? 0);
      const [top] = await rows<{ hi: string | null }>(
        tx,
        sql`SELECT max(id) AS hi FROM events WHERE id > ${lo} AND at <= now() - make_interval(secs => ${lag})`,
      );
      // Batches keep each transaction short; ids may have holes (rollbacks, purge), the mark still moves.
      const hi = Math.min(Number(top?.hi ?? 0), lo + batch);
      if (hi <= lo) return 0;
      await foldRange(tx, lo, hi);
      await tx.execute(
        sql`UPDATE analytics_state SET last_event_id = ${hi}, updated_at = now() WHERE name = ${ROLLUP}`,
      );
      return hi - lo;
    });
    folded += step;
    if (!step) return folded;
  }
  return folded;
}

/** Deletes events and rollup rows older than `before`, in chunks so no lock is held for long. */
export async function purgeBefore(db: Db, before: Date, chunk = 10_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const res = await rows<{ id: string }>(
      db,
      sql`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ${before.toISOString()} LIMIT ${chunk})
          RETURNING id`,
    );
    deleted += res.length;
    if (res.length < chunk) break;
  }
  const day = before.toISOString().slice(0, 10);
  await db.execute(sql`DELETE FROM analytics_daily WHERE day < ${day}`);
  await db.execute(sql`DELETE FROM analytics_sessions WHERE last_at < ${before.toISOString()}`);
  return deleted;
}

// ── reads ──

export interface Filters {
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  from: string;
  to: string;
  locale?: string | undefined;
  channel?: string | undefined;
  segment?: string | undefined;
}

function where(f: Filters, alias = ''): SQL {
  const c = (name: string) => sql.raw(alias ? `${alias}.${name}` : name);
  const parts = [sql`${c('day')} BETWEEN ${f.from} AND ${f.to}`];
  if (f.locale) parts.push(sql`${c('locale')} = ${f.locale}`);
  if (f.channel) parts.push(sql`${c('channel')} = ${f.channel}`);
  if (f.segment) parts.push(sql`${c('segment')} = ${f.segment}`);
  return sql.join(parts, sql` AND `);
}

export interface DailyRow {
  day: string;
  type: string;
  n: number;
  a: number;
  b: number;
  total: number;
}

// Survey kinds are told apart: `survey.answered:csat`, `survey.answered:ces`.
const TYPE_KEY = sql.raw(`CASE WHEN type = 'survey.answered' THEN type || ':' || dim ELSE type END`);

/** Per day and type: count, flag_a, flag_b and total (meaning per type in docs/metrics.md). */
export async function dailyCounts(db: DbOrTx, f: Filters, types: readonly string[]): Promise<DailyRow[]> {
  const r = await rows<Record<string, string>>(
    db,
    sql`SELECT day::text AS day, ${TYPE_KEY} AS type, sum(n) AS n, sum(flag_a) AS a, sum(flag_b) AS b, sum(total) AS total
        FROM analytics_daily WHERE type IN (${list(types)}) AND ${where(f)}
        GROUP BY 1, 2`,
  );
  return r.map((x) => ({
    day: String(x.day),
    type: String(x.type),
    n: Number(x.n),
    a: Number(x.a),
    b: Number(x.b),
    total: Number(x.total),
  }));
}

export interface SessionDay {
  day: string;
  attempts: number;
  resolved: number;
  escalated: number;
  deflected: number;
  escalationSeconds: number | null;
}

const SELF_SERVICE = sql.raw('s.attempt_at IS NOT NULL');
const ESCALATED_AFTER = sql.raw('s.escalated_at >= s.attempt_at');

function deflected(windowHours: number) {
  return sql`(s.next_escalation_at IS NULL OR s.next_escalation_at >= s.attempt_at + make_interval(hours => ${windowHours}))`;
}

function sessionColumns(windowHours: number) {
  return sql`count(*) FILTER (WHERE ${SELF_SERVICE}) AS attempts,
    count(*) FILTER (WHERE ${SELF_SERVICE} AND s.answered AND NOT s.negative AND s.escalated_at IS NULL) AS resolved,
    count(*) FILTER (WHERE ${SELF_SERVICE} AND ${ESCALATED_AFTER}) AS escalated,
    count(*) FILTER (WHERE ${SELF_SERVICE} AND ${deflected(windowHours)}) AS deflected,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.escalated_at - s.attempt_at))
      FILTER (WHERE ${SELF_SERVICE} AND ${ESCALATED_AFTER}) AS median`;
}

const toSessionDay = (x: Record<string, unknown>): SessionDay => ({
  day: String(x.day ?? ''),
  attempts: Number(x.attempts ?? 0),
  resolved: Number(x.resolved ?? 0),
  escalated: Number(x.escalated ?? 0),
  deflected: Number(x.deflected ?? 0),
  escalationSeconds: x.median === null || x.median === undefined ? null : Number(x.median),
});

/** Session KPIs per day (`day` set) and over the whole range (`day` = ''). */
export async function sessionCounts(
  db: DbOrTx,
  f: Filters,
  windowHours: number,
): Promise<{ days: SessionDay[]; total: SessionDay }> {
  // One scan: a row per day plus the grand total (day null), the median included.
  const all = await rows<Record<string, unknown>>(
    db,
    sql`SELECT s.day::text AS day, ${sessionColumns(windowHours)}
        FROM analytics_sessions s WHERE ${where(f, 's')} GROUP BY GROUPING SETS ((s.day), ())`,
  );
  const days = all.filter((r) => r.day !== null);
  const total = all.find((r) => r.day === null) ?? {};
  return { days: days.map(toSessionDay), total: toSessionDay({ ...total, day: '' }) };
}

export interface Ranked {
  key: string;
  n: number;
  a: number;
  b: number;
  total: number;
}

/** Top `subject` or `dim` values of some event types over the range. */
export async function ranked(
  db: DbOrTx,
  f: Filters,
  types: readonly string[],
  by: 'subject' | 'dim',
  limit: number,
): Promise<Ranked[]> {
  const key = sql.raw(by);
  const r = await rows<Record<string, string>>(
    db,
    sql`SELECT ${key} AS key, sum(n) AS n, sum(flag_a) AS a, sum(flag_b) AS b, sum(total) AS total
        FROM analytics_daily WHERE type IN (${list(types)}) AND ${where(f)} AND ${key} <> ''
        GROUP BY ${key} ORDER BY sum(n) DESC, ${key} LIMIT ${limit}`,
  );
  return r.map((x) => ({
    key: String(x.key),
    n: Number(x.n),
    a: Number(x.a),
    b: Number(x.b),
    total: Number(x.total),
  }));
}

/** Flow steps: per flow and step, times reached and the mean step index (to order them). */
export async function flowSteps(db: DbOrTx, f: Filters) {
  const r = await rows<Record<string, string>>(
    db,
    sql`SELECT subject AS flow, dim AS step, sum(n) AS n, sum(total) / nullif(sum(n), 0) AS idx
        FROM analytics_daily WHERE type = 'flow.step_reached' AND ${where(f)}
        GROUP BY subject, dim ORDER BY subject, idx`,
  );
  return r.map((x) => ({ flow: String(x.flow), step: String(x.step), n: Number(x.n), index: Number(x.idx) }));
}

/** Titles of articles by id (ids that are not articles are simply absent). */
export async function articleTitles(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!uuids.length) return new Map();
  const r = await rows<{ id: string; title: string }>(
    db,
    sql`SELECT id::text AS id, title FROM articles WHERE id::text IN (${list(uuids)})`,
  );
  return new Map(r.map((x) => [x.id, x.title]));
}

export interface GapQuery {
  query: string;
  locale: string;
  n: number;
  reasons: string[];
}

/** Queries Relais did not answer well over the range: abstained, zero results, low confidence, "not helpful". */
export async function gapQueries(db: DbOrTx, f: Filters, limit = 5000): Promise<GapQuery[]> {
  const extra = [
    f.locale ? sql`AND locale = ${f.locale}` : sql``,
    f.channel ? sql`AND channel = ${f.channel}` : sql``,
    f.segment ? sql`AND data->>'segment' = ${f.segment}` : sql``,
  ];
  const r = await rows<Record<string, unknown>>(
    db,
    sql`SELECT ${normalizedQuery} AS query, coalesce(locale, '') AS locale, count(*) AS n,
          array_agg(DISTINCT CASE
            WHEN type = 'feedback.given' THEN 'not_helpful'
            WHEN type = 'bot.answered' THEN 'low_confidence'
            WHEN type = 'search.performed' AND ${num('resultCount')} = 0 THEN 'zero_results'
            ELSE 'abstained' END) AS reasons
        FROM events
        WHERE at >= ${f.from}::date AND at < ${f.to}::date + 1 ${sql.join(extra, sql` `)}
          AND data ? 'query' AND (
            (type = 'search.performed' AND (${isTrue('abstained')} OR ${num('resultCount')} = 0))
            OR type IN ('bot.abstained', 'search.abstained')
            OR (type = 'bot.answered' AND ${num('confidence')} < ${LOW_CONFIDENCE})
            OR (type = 'feedback.given' AND ${isFalse('helpful')}))
        GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT ${limit}`,
  );
  return r.map((x) => ({
    query: String(x.query),
    locale: String(x.locale),
    n: Number(x.n),
    reasons: Array.isArray(x.reasons)
      ? x.reasons.map(String)
      : String(x.reasons).replace(/[{}]/g, '').split(','),
  }));
}

export interface StaleRow {
  id: string;
  title: string;
  locale: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  reviewBy: string | null;
  helpfulYes: number;
  helpfulNo: number;
  views: number;
}

/**
 * Published articles whose review date has passed, that readers find unhelpful (≥ `minVotes` votes,
 * under half "yes"), or that nobody viewed since `viewedSince`.
 */
export async function staleArticles(
  db: DbOrTx,
  today: string,
  viewedSince: string,
  minVotes: number,
): Promise<StaleRow[]> {
  const r = await rows<Record<string, unknown>>(
    db,
    sql`SELECT a.id::text AS id, a.title, a.locale, a.owner_id::text AS owner_id, u.name AS owner_name,
          u.email AS owner_email, a.review_by::text AS review_by, a.helpful_yes, a.helpful_no,
          coalesce(v.views, 0) AS views
        FROM articles a
        LEFT JOIN users u ON u.id = a.owner_id
        LEFT JOIN (SELECT subject, sum(n) AS views FROM analytics_daily
                   WHERE type = 'article.viewed' AND day >= ${viewedSince} GROUP BY subject) v
          ON v.subject = a.id::text
        WHERE a.status = 'published' AND (
          a.review_by < ${today}
          OR (a.helpful_yes + a.helpful_no >= ${minVotes} AND a.helpful_yes * 2 < a.helpful_yes + a.helpful_no)
          OR coalesce(v.views, 0) = 0)
        ORDER BY a.review_by NULLS LAST, a.title
        LIMIT 1000`,
  );
  return r.map((x) => ({
    id: String(x.id),
    title: String(x.title),
    locale: String(x.locale),
    ownerId: (x.owner_id as string | null) ?? null,
    ownerName: (x.owner_name as string | null) ?? null,
    ownerEmail: (x.owner_email as string | null) ?? null,
    reviewBy: (x.review_by as string | null) ?? null,
    helpfulYes: Number(x.helpful_yes),
    helpfulNo: Number(x.helpful_no),
    views: Number(x.views),
  }));
}

export interface OwnedArticle {
  id: string;
  ownerId: string;
  locale: string;
}

/** Published articles of active owners. */
export async function ownedArticles(db: DbOrTx): Promise<OwnedArticle[]> {
  const r = await rows<{ id: string; owner_id: string; locale: string }>(
    db,
    sql`SELECT a.id::text AS id, a.owner_id::text AS owner_id, a.locale
        FROM articles a JOIN users u ON u.id = a.owner_id AND u.active
        WHERE a.status = 'published'`,
  );
  return r.map((x) => ({ id: x.id, ownerId: x.owner_id, locale: x.locale }));
}

/**
 * Deletes the events of every session whose id starts with `prefix` and empties the rollups, so the
 * next `refreshRollups` folds the remaining events again from zero. Takes the rollup lock for the
 * rest of the caller's transaction, so no refresh runs meanwhile.
 */
export async function deleteSessionsAndResetRollups(tx: DbOrTx, prefix: string): Promise<number> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK})`);
  const [deleted] = await rows<{ n: number }>(
    tx,
    sql`WITH d AS (DELETE FROM events WHERE starts_with(session_id, ${prefix}) RETURNING 1)
        SELECT count(*)::int AS n FROM d`,
  );
  await tx.execute(sql`DELETE FROM analytics_daily`);
  await tx.execute(sql`DELETE FROM analytics_sessions`);
  await tx.execute(
    sql`UPDATE analytics_state SET last_event_id = 0, updated_at = now() WHERE name = ${ROLLUP}`,
  );
  return deleted?.n ?? 0;
}
