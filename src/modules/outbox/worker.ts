import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import { openSecret } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/client.ts';
import { OutboundRefusedError, outboundFetch } from '../../net/outbound.ts';
import {
  buildConnectorRequest,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  webhookEvent,
} from './connectors.ts';
import { createMailer } from './mailer.ts';
import * as repo from './repository.ts';
import type { OutboxRenderer, OutboxRow } from './service.ts';

export interface OutboxOptions {
  timeoutMs: number;
  maxAttempts: number;
  /** First retry delay; doubles at each attempt (with jitter), capped at one hour. */
  backoffMs: number;
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
 * (visible in the API, retryable by hand). What is sent comes from the renderers of the modules that
 * enqueue (`OutboxRenderer`).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly mailer: Transporter | undefined;
  private readonly emails: NonNullable<OutboxRenderer['emails']>;
  private readonly connectorTicket: OutboxRenderer['connectorTicket'];
  private readonly webhooks: NonNullable<OutboxRenderer['webhooks']>;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly opts: OutboxOptions,
    renderers: OutboxRenderer[] = [],
  ) {
    this.mailer = createMailer(opts.smtpUrl);
    this.emails = Object.assign({}, ...renderers.map((r) => r.emails));
    this.connectorTicket = renderers.find((r) => r.connectorTicket)?.connectorTicket;
    this.webhooks = Object.assign({}, ...renderers.map((r) => r.webhooks));
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
    return this.db.transaction((tx) => repo.claimDue(tx, now, lease, BATCH));
  }

  private async deliverOne(row: OutboxRow) {
    let result: Attempt;
    try {
      result =
        row.kind === 'email'
          ? await this.sendEmail(row)
          : row.kind === 'webhook'
            ? await this.sendWebhook(row)
            : await this.push(row);
    } catch (err) {
      // A target the outbound guard refuses stays refused: no point retrying it.
      result = { ok: false, permanent: err instanceof OutboundRefusedError, error: describe(err) };
    }
    const now = new Date();
    if (result.ok) {
      // The link (a live secret) has done its job: keep the row, not the token.
      const { link: _link, ...payload } = row.payload;
      await repo.updateDelivery(this.db, row.id, {
        status: 'delivered',
        deliveredAt: now,
        lastError: null,
        payload,
      });
      this.log.info({ outboxId: row.id, kind: row.kind, attempts: row.attempts }, 'outbox: delivered');
      return;
    }
    if ('undeliverable' in result) {
      await repo.updateDelivery(this.db, row.id, {
        status: 'undeliverable',
        lastError: result.undeliverable,
      });
      this.log.warn({ outboxId: row.id, kind: row.kind }, `outbox: not sent, ${result.undeliverable}`);
      return;
    }
    const dead = result.permanent || row.attempts >= this.opts.maxAttempts;
    const delay = Math.max(backoffDelay(row.attempts, this.opts.backoffMs), result.retryAfterMs ?? 0);
    await repo.updateDelivery(this.db, row.id, {
      status: dead ? 'dead' : 'pending',
      lastError: result.error.slice(0, 500),
      nextAttemptAt: new Date(now.getTime() + (dead ? 0 : delay)),
    });
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
    const template = String(row.payload.template);
    const render = this.emails[template];
    if (!render) return { ok: false, permanent: true, error: `no renderer for e-mail template ${template}` };
    const mail = await render(this.db, row);
    if ('gone' in mail) return { ok: false, permanent: true, error: mail.gone };
    await this.mailer.sendMail({
      from: this.opts.mailFrom,
      ...mail,
      messageId: `<${row.idempotencyKey}@relais>`,
    });
    return { ok: true };
  }

  private async push(row: OutboxRow): Promise<Attempt> {
    const connector = row.connectorId ? await repo.findConnector(this.db, row.connectorId) : undefined;
    if (!connector) return { ok: false, permanent: true, error: 'connector removed' };
    const pushed =
      row.ticketId && this.connectorTicket ? await this.connectorTicket(this.db, row.ticketId) : undefined;
    if (!pushed) return { ok: false, permanent: true, error: 'ticket gone' };
    const event = webhookEvent(row.id, row.topic, pushed.ticket);
    // The secret is sealed at rest (crypto/secret-box.ts); open only for this request.
    const req = buildConnectorRequest(
      { ...connector, secret: openSecret(connector.secret) },
      event,
      pushed.contextText,
      row.idempotencyKey,
    );
    // Through the outbound guard: a refused target gets no request, so no credential leaves.
    const res = await outboundFetch(
      req.url,
      { method: req.method ?? 'POST', headers: req.headers, body: req.body },
      { timeoutMs: this.opts.timeoutMs },
    );
    return outcomeOf(res, connector.kind);
  }

  /** A module's own signed webhook (status subscribers): same signature headers as connectors. */
  private async sendWebhook(row: OutboxRow): Promise<Attempt> {
    const template = String(row.payload.template);
    const render = this.webhooks[template];
    if (!render) return { ok: false, permanent: true, error: `no renderer for webhook ${template}` };
    const hook = await render(this.db, row);
    if ('gone' in hook) return { ok: false, permanent: true, error: hook.gone };
    const body = JSON.stringify({
      id: row.id,
      type: row.topic,
      createdAt: new Date().toISOString(),
      ...hook.body,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await outboundFetch(
      hook.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Relais',
          [IDEMPOTENCY_HEADER]: row.idempotencyKey,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(hook.secret, timestamp, body),
        },
        body,
      },
      { timeoutMs: this.opts.timeoutMs },
    );
    return outcomeOf(res, 'webhook');
  }
}

/** A target's HTTP answer as an attempt: 2xx delivered, 408/409/425/429/5xx retried, other 4xx dead. */
async function outcomeOf(res: Response, target: string): Promise<Attempt> {
  await res.body?.cancel().catch(() => {});
  if (res.ok) return { ok: true };
  const retryable =
    res.status === 408 || res.status === 409 || res.status === 425 || res.status === 429 || res.status >= 500;
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return {
    ok: false,
    permanent: !retryable,
    error: `${target} answered HTTP ${res.status}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
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

/**
 * Decorates `app.outbox`, delivering with the renderers of the modules that enqueue; with `poll`,
 * delivers in the background from onReady until close.
 */
export function registerOutbox(app: FastifyInstance, poll: boolean, renderers: OutboxRenderer[]) {
  const { config } = app;
  const worker = new OutboxWorker(
    app.db,
    app.log,
    {
      timeoutMs: config.outbox.timeoutMs,
      maxAttempts: config.outbox.maxAttempts,
      backoffMs: config.outbox.backoffMs,
      smtpUrl: config.mail.smtpUrl,
      mailFrom: config.mail.from,
    },
    renderers,
  );
  app.decorate('outbox', worker);
  if (poll) app.addHook('onReady', async () => worker.start(config.outbox.pollMs));
  app.addHook('preClose', async () => worker.stop());
}
