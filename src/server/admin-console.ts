import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the console (admin/vite.config.ts). */
export const ADMIN_DIST = fileURLToPath(new URL('../../admin/dist/', import.meta.url));

/**
 * The console's pages only load their own bundled script and stylesheet and talk to our own API:
 * no inline script, no third-party origin, no framing.
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Relais console not built</title></head>
<body><h1>The admin console is not built</h1><p>Run <code>npm run build</code>, then reload.</p></body></html>`;

/**
 * Serves the admin console (a single-page app) under /admin: hashed assets with long caching, and
 * index.html for every other /admin path so that client routes survive a reload.
 */
export default async function adminConsole(app: FastifyInstance, opts: { dist?: string } = {}) {
  const dist = opts.dist ?? ADMIN_DIST;
  let indexHtml: string | undefined;

  // Encapsulated with decorateReply: false, so another static plugin (help centre, widget) can coexist.
  await app.register(fastifyStatic, {
    root: `${dist}assets`,
    prefix: '/admin/assets/',
    decorateReply: false,
    index: false,
    // File names carry a content hash: cache them for good.
    immutable: true,
    maxAge: '365d',
    schemaHide: true,
    setHeaders: (reply) => {
      reply.header('content-security-policy', ADMIN_CSP);
    },
  });

  const sendIndex = async (reply: FastifyReply) => {
    indexHtml ??= await readFile(`${dist}index.html`, 'utf8').catch(() => undefined);
    reply
      .header('content-security-policy', ADMIN_CSP)
      .header('cache-control', 'no-cache')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8');
    if (!indexHtml) return reply.status(503).send(NOT_BUILT);
    return reply.send(indexHtml);
  };

  const route = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get('/admin', route, (_req, reply) => sendIndex(reply));
  app.get('/admin/*', route, (_req, reply) => sendIndex(reply));
}
