import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { serializeError } from './log-errors.ts';

/** Query-string values can hold what a customer typed (e-mails, phone numbers): log only the keys. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const keys = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${keys.map((k) => `${k}=…`).join('&')}`;
}

/** pino options: structured, request ids, and no personal data or secrets. */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.email',
        '*.password',
        '*.name',
        '*.phone',
        '*.body',
        '*.message',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req) => ({ method: req.method, url: redactUrl(req.url), reqId: req.id }),
      res: (res) => ({ statusCode: res.statusCode }),
      // Database errors without their SQL parameters (src/server/log-errors.ts).
      err: serializeError,
    },
  };
}
