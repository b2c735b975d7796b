import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Db } from '../../db/client.ts';
import { outbox, ticketConnectors, users } from '../../db/schema.ts';
import { openSecret } from '../../server/secret-box.ts';
import { digestGreeting } from '../analytics/digest.ts';
import * as tickets from '../escalation/repository.ts';
import { buildConnectorRequest, webhookEvent } from './connectors.ts';
import { composeMail, createMailer } from './mailer.ts';
import type { EmailTemplate, OutboxRow } from './service.ts';

export interface OutboxOptions {
  timeoutMs: number;
  maxAttempts: number;
  /** First retry delay; doubles at each attempt (with jitter), capped at one hour. */
  backoffMs: number;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
}

const BATCH = 10;
const MAX_DELAY_MS = 3_600_000;

/** Outcome of one attempt. `retryAfterMs` comes from a 429/503 `Retry-After` header. */
type Attempt =
  | { ok: true }
  | { ok: false; permanent: boolean; error: string; retryAfterMs?: number }
  | { ok: false; undeliverable: string };

/** Exponential backoff with jitter: base·2^(n-1), capped, then drawn in [50 %, 100 %] of it. */
export function backoffDelay(attempt: number, baseMs: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random * 0.5));
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Delivers the outbox: claims due rows with `FOR UPDATE SKIP LOCKED` (several nodes never take the
 * same row), pushes each row's due time past the delivery timeout (a lease: if this process dies
 * mid-delivery, the row becomes due again and is redelivered with the same idempotency key), then
 * records the outcome. Retries back off exponentially with jitter; after `maxAttempts` a row is dead
 * (visible in the API, retryable by hand).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly mailer: Transporter | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly opts: OutboxOptions,
  ) {
    this.mailer = createMailer(opts.smtpUrl);
  }

  /** Delivers what is due at `now`; returns the number of rows attempted. */
  async runOnce(now = new Date()): Promise<number> {
    const rows = await this.claim(now);
    await Promise.all(rows.map((row) => this.deliverOne(row)));
    return rows.length;
  }

  /** Runs until nothing is due (tests and the retry endpoint). */
  async drain(now = new Date()): Promise<void> {
    while ((await this.runOnce(now)) > 0) {}
  }

  start(pollMs: number) {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .catch((err: Error) => this.log.error({ err: err.message }, 'outbox: polling failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, pollMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(pollMs, 200));
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.mailer?.close();
  }

  private claim(now: Date): Promise<OutboxRow[]> {
    const lease = new Date(now.getTime() + this.opts.timeoutMs + 1000);
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
        .orderBy(asc(outbox.nextAttemptAt))
        .limit(BATCH)
        .for('update', { skipLocked: true });
      if (!due.length) return [];
      await tx
        .update(outbox)
        .set({ nextAttemptAt: lease, attempts: sql`${outbox.attempts} + 1` })
        .where(
          inArray(
            outbox.id,
            due.map((r) => r.id),
          ),
        );
      return due.map((r) => ({ ...r, attempts: r.attempts + 1 }));
    });
  }

  private async deliverOne(row: OutboxRow) {
    let result: Attempt;
    try {
      result = row.kind === 'email' ? await this.sendEmail(row) : await this.push(row);
    } catch (err) {
      result = { ok: false, permanent: false, error: describe(err) };
    }
    const now = new Date();
    if (result.ok) {
      // The link (a live secret) has done its job: keep the row, not the token.
      const { link: _link, ...payload } = row.payload;
      await this.db
        .update(outbox)
        .set({ status: 'delivered', deliveredAt: now, lastError: null, payload })
        .where(eq(outbox.id, row.id));
      this.log.info({ outboxId: row.id, kind: row.kind, attempts: row.attempts }, 'outbox: delivered');
      return;
    }
    if ('undeliverable' in result) {
      await this.db
        .update(outbox)
        .set({ status: 'undeliverable', lastError: result.undeliverable })
        .where(eq(outbox.id, row.id));
      this.log.warn({ outboxId: row.id, kind: row.kind }, `outbox: not sent, ${result.undeliverable}`);
      return;
    }
    const dead = result.permanent || row.attempts >= this.opts.maxAttempts;
    const delay = Math.max(backoffDelay(row.attempts, this.opts.backoffMs), result.retryAfterMs ?? 0);
    await this.db
      .update(outbox)
      .set({
        status: dead ? 'dead' : 'pending',
        lastError: result.error.slice(0, 500),
        nextAttemptAt: new Date(now.getTime() + (dead ? 0 : delay)),
      })
      .where(eq(outbox.id, row.id));
    this.log.warn(
      {
        outboxId: row.id,
        kind: row.kind,
        attempts: row.attempts,
        error: result.error,
        retryInMs: dead ? null : delay,
      },
      dead ? 'outbox: delivery failed for good (dead letter)' : 'outbox: delivery failed, will retry',
    );
  }

  private async sendEmail(row: OutboxRow): Promise<Attempt> {
    if (!this.mailer) return { ok: false, undeliverable: 'RELAIS_SMTP_URL is not set' };
    if (row.payload.template === 'content_digest') return this.sendDigest(row);
    const ticket = row.ticketId ? await tickets.findTicket(this.db, row.ticketId) : undefined;
    if (!ticket?.customerEmail) return { ok: false, permanent: true, error: 'ticket or recipient gone' };
    const payload = row.payload as { template: EmailTemplate; link?: string; messageId?: number };
    if (!payload.link) return { ok: false, permanent: true, error: 'secure link already used' };
    const thread =
      payload.messageId || payload.template === 'chat_transcript'
        ? await tickets.listMessages(this.db, ticket.id, 'public')
        : [];
    const message = thread.find((m) => m.id === payload.messageId);
    const mail = composeMail(payload.template, ticket, payload.link, message, row.idempotencyKey, thread);
    await this.mailer.sendMail({ from: this.opts.mailFrom, ...mail });
    return { ok: true };
  }

  /** Weekly content digest to a staff member: the address is read now, never stored in the row. */
  private async sendDigest(row: OutboxRow): Promise<Attempt> {
    const p = row.payload as { ownerId: string; locale: 'fr' | 'en'; subject: string; body: string };
    const [owner] = await this.db
      .select({ email: users.email, name: users.name, active: users.active })
      .from(users)
      .where(eq(users.id, p.ownerId))
      .limit(1);
    if (!owner?.active) return { ok: false, permanent: true, error: 'owner gone or inactive' };
    await this.mailer!.sendMail({
      from: this.opts.mailFrom,
      to: owner.email,
      subject: p.subject,
      text: `${digestGreeting(p.locale, owner.name)}\n\n${p.body}\n`,
      messageId: `<${row.idempotencyKey}@relais>`,
    });
    return { ok: true };
  }

  private async push(row: OutboxRow): Promise<Attempt> {
    const [connector] = row.connectorId
      ? await this.db.select().from(ticketConnectors).where(eq(ticketConnectors.id, row.connectorId)).limit(1)
      : [];
    if (!connector) return { ok: false, permanent: true, error: 'connector removed' };
    const ticket = row.ticketId ? await tickets.findTicket(this.db, row.ticketId) : undefined;
    if (!ticket) return { ok: false, permanent: true, error: 'ticket gone' };
    const messages = await tickets.listMessages(this.db, ticket.id, 'public');
    const agentUrl = `${this.opts.publicUrl}/admin/tickets/${ticket.id}`;
    const event = webhookEvent(row.id, row.topic, ticket, messages, agentUrl);
    // The secret is sealed at rest (server/secret-box.ts); open only for this request.
    const req = buildConnectorRequest(
      { ...connector, secret: openSecret(connector.secret) },
      event,
      ticket,
      row.idempotencyKey,
    );
    const res = await fetch(req.url, {
      method: req.method ?? 'POST',
      headers: req.headers,
      body: req.body,
      redirect: 'error',
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    if (res.ok) return { ok: true };
    const retryable =
      res.status === 408 ||
      res.status === 409 ||
      res.status === 425 ||
      res.status === 429 ||
      res.status >= 500;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return {
      ok: false,
      permanent: !retryable,
      error: `${connector.kind} answered HTTP ${res.status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
}

/** Error text without secrets: never the request (it holds credentials), only what went wrong. */
function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return cause ? `${err.message} (${cause})` : err.message;
  }
  return String(err);
}

declare module 'fastify' {
  interface FastifyInstance {
    outbox: OutboxWorker;
  }
}

/** Decorates `app.outbox`; with `poll`, delivers in the background from onReady until close. */
export function registerOutbox(app: FastifyInstance, poll: boolean) {
  const { config } = app;
  const worker = new OutboxWorker(app.db, app.log, {
    timeoutMs: config.outbox.timeoutMs,
    maxAttempts: config.outbox.maxAttempts,
    backoffMs: config.outbox.backoffMs,
    publicUrl: config.publicUrl,
    smtpUrl: config.mail.smtpUrl,
    mailFrom: config.mail.from,
  });
  app.decorate('outbox', worker);
  if (poll) app.addHook('onReady', async () => worker.start(config.outbox.pollMs));
  app.addHook('preClose', async () => worker.stop());
}
