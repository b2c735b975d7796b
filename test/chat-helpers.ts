/** Live chat test helpers: a WebSocket peer that records frames, business hours open all week. */
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { ADMIN, signIn } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: frames are asserted field by field in tests
export type Frame = { type: string; [k: string]: any };

/** A `ws` client that keeps every frame and waits for the one matching a predicate. */
export class Peer {
  readonly frames: Frame[] = [];
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as Frame;
      this.frames.push(f);
      const waiter = this.waiters.find((w) => w.match(f));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(f);
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  /** `localAddress` (e.g. 127.0.0.7) lets a benchmark look like many clients to per-address limits. */
  static open(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, ...(localAddress ? { localAddress } : {}) });
      const peer = new Peer(ws);
      ws.once('open', () => resolve(peer));
      ws.once('unexpected-response', (req, res) => {
        // With this listener, ws leaves the request to us: end it or the connection stays open.
        req.destroy();
        reject(new Error(`HTTP ${res.statusCode}`));
      });
      ws.once('error', reject);
    });
  }

  send(frame: Frame) {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame (already received or coming) matching `match`, after clearing those seen if `fresh`. */
  next(match: (f: Frame) => boolean, ms = 10_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame matching ${match} in ${ms} ms`)), ms);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f);
        },
      });
    });
  }

  close() {
    this.ws.close();
    return new Promise<void>((r) =>
      this.ws.readyState === WebSocket.CLOSED ? r() : this.ws.once('close', () => r()),
    );
  }
}

const ALL_DAY: Array<[string, string]> = [['00:00', '24:00']];
/** Escalation settings with business hours all week and the given acceptance delay. */
export function openAllWeek(acceptTimeoutSeconds = 600) {
  return {
    channels: { form: true, callback: true, live: true },
    businessHours: {
      timezone: 'Europe/Paris',
      week: {
        mon: ALL_DAY,
        tue: ALL_DAY,
        wed: ALL_DAY,
        thu: ALL_DAY,
        fri: ALL_DAY,
        sat: ALL_DAY,
        sun: ALL_DAY,
      },
    },
    responseMinutes: { form: 1440, callback: 240, live: 5 },
    reasons: [],
    liveChat: { acceptTimeoutSeconds },
  };
}

/** Reads a `text/event-stream` response frame by frame. */
export async function* sseFrames(res: Response): AsyncGenerator<Frame> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let i = buffer.indexOf('\n\n');
    while (i >= 0) {
      const block = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (data) yield JSON.parse(data) as Frame;
      i = buffer.indexOf('\n\n');
    }
  }
}

/** Opens business hours all week on this app (as the admin), so slots exist whatever the hour of the run. */
export async function openAllWeekOn(app: FastifyInstance) {
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const put = await app.inject({
    method: 'PUT',
    url: '/api/v1/escalation/settings',
    headers: admin.headers,
    payload: openAllWeek(),
  });
  if (put.statusCode !== 200) throw new Error(`escalation settings refused: ${put.body}`);
}
