import { stdSerializers } from 'pino';

interface LoggedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

/**
 * Log serializer of `err`: a database error is logged by what it is — SQLSTATE code, the server's
 * message with quoted values masked, table/column/constraint — and never with the failed SQL, its
 * parameters or the server's `detail` (`Key (email)=(…)`), which hold what customers typed.
 * Drizzle wraps the driver's error with `Failed query: … params: …` in its message and so in its
 * stack: the stack is rebuilt from frames only.
 */
export function serializeError(err: Error): LoggedError {
  // Some call sites log `err.message` alone: Drizzle's carries the SQL and its parameters.
  if (typeof (err as unknown) === 'string') {
    const text = err as unknown as string;
    return (text.startsWith('Failed query:') ? 'Failed query (not logged)' : text) as unknown as LoggedError;
  }
  const db = databaseErrorIn(err);
  if (!db) return stdSerializers.err(err);
  const outer = err as Error;
  const message = maskValues(db.driver?.message ?? 'database query failed');
  const type = db.driver?.constructor?.name ?? 'DatabaseError';
  const frames = (outer.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const fields: LoggedError = { type, message, stack: '', database: true };
  for (const key of ['code', 'severity', 'schema', 'table', 'column', 'constraint', 'routine'] as const) {
    const value = db.driver?.[key];
    if (typeof value === 'string' && value) fields[key] = value;
  }
  fields.stack = [`${type}: ${message}`, ...frames].join('\n');
  return fields;
}

interface DriverError {
  message: string;
  constructor?: { name: string };
  code?: unknown;
  severity?: unknown;
  schema?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  routine?: unknown;
}

/** The database error in `err`'s cause chain, if any: Drizzle's wrapper and/or the driver's error. */
function databaseErrorIn(err: unknown): { driver: DriverError | undefined } | undefined {
  let wrapped = false;
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const e = current as Record<string, unknown>;
    // pg's and PGlite's DatabaseError: a five-character SQLSTATE and a severity.
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && 'severity' in e) {
      return { driver: e as unknown as DriverError };
    }
    if ('query' in e && 'params' in e) wrapped = true;
    current = e.cause;
  }
  return wrapped ? { driver: undefined } : undefined;
}

/** PostgreSQL quotes the values it complains about (`invalid input syntax for type uuid: "…"`). */
export function maskValues(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/0x[0-9a-f]{2}(?: 0x[0-9a-f]{2})*/gi, '0x…');
}
