import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './helpers.ts';

/** An app with the Nuvia demo content (and its demo widget site) and a search index over it. */
export function createWidgetTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp({ RELAIS_DEMO: 'on', ...overrides });
}

/** What a host's server does (README "Identify customers"), written independently of Relais's code. */
export function hostSignature(
  secret: string,
  c: { id: string; email?: string; segments: string[]; issuedAt: number },
): string {
  const payload = `v1\n${c.id}\n${c.email ?? ''}\n${c.segments.join(',')}\n${c.issuedAt}`;
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/**
 * A third-party shop page on its own origin, hostile to embedded widgets: a stylesheet that resets
 * everything and a strict CSP allowing scripts and requests to Relais only. `page` renders the HTML of a
 * path (the stylesheet is served at /hostile.css).
 */
export async function startHostileHost(options: {
  relais: string;
  css: string;
  page: (path: string) => string;
  /** Extra CSP directives, e.g. `img-src 'self'`. */
  csp?: string;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const csp = `default-src 'none'; script-src ${options.relais}; connect-src ${options.relais}; style-src 'self'`;
  const server = createServer((req, res) => {
    if (req.url === '/hostile.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(options.css);
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': options.csp ? `${csp}; ${options.csp}` : csp,
      })
      .end(options.page(req.url ?? '/'));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
