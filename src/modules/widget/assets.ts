import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../server/errors.ts';
import { DEMO_SITE, demoHostPage } from './demo.ts';

/** Built by `npm run build:widget` (widget/build.ts). */
export const WIDGET_DIST = new URL('../../../widget/dist/', import.meta.url);

const DEMO_PAGES = ['', 'billing', 'internet', 'checkout'];
const ASSETS: Record<string, string> = {
  '/widget.js': 'widget.js',
  '/widget/app.js': 'app.js',
  // The help centre's live chat page (same origin): the widget's chat client.
  '/widget/helpcentre-chat.js': 'helpcentre-chat.js',
  // The help centre's search-as-you-type (every help-centre page).
  '/widget/helpcentre-search.js': 'helpcentre-search.js',
};

/**
 * The loader (`/widget.js`, the only thing a host page loads) and the lazily imported app. Both may be
 * embedded by any origin: `Cross-Origin-Resource-Policy: cross-origin`, and CORS `*` on the app
 * because a cross-origin `import()` is a CORS request. Short cache: the URLs are stable.
 */
export default async function widgetAssets(app: FastifyInstance) {
  const cache = new Map<string, Buffer>();
  async function send(reply: FastifyReply, file: string) {
    let body = cache.get(file);
    if (!body) {
      body = await readFile(new URL(file, WIDGET_DIST)).catch(() => {
        throw new NotFoundError('Widget bundle (run `npm run build:widget`)');
      });
      cache.set(file, body);
    }
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .send(body);
  }
  for (const [url, file] of Object.entries(ASSETS)) {
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
      send(reply, file),
    );
  }

  // A page anyone can try the widget on, under the strict CSP a careful host would use.
  const page = (req: FastifyRequest, reply: FastifyReply) => {
    const name = (req.params as { page?: string }).page ?? '';
    if (!DEMO_PAGES.includes(name)) throw new NotFoundError('Page');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      )
      .send(demoHostPage(DEMO_SITE, name));
  };
  app.get('/demo/host', { config: { access: 'public' }, schema: { hide: true } }, page);
  app.get('/demo/host/:page', { config: { access: 'public' }, schema: { hide: true } }, page);
  app.get('/demo/host.js', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').send(DEMO_HOST_JS),
  );
  app.get('/demo/host.css', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').send(DEMO_HOST_CSS),
  );
}

// The host's own script: a button that reports a failed payment, as a shop's checkout would.
const DEMO_HOST_JS = `(function (w) {
  var r = (w.Relais = w.Relais || { q: [] });
  ['open', 'identify', 'track', 'setPageTags', 'page', 'trigger'].forEach(function (m) {
    r[m] = r[m] || function () { r.q.push([m, [].slice.call(arguments)]); };
  });
})(window);
document.getElementById('pay').addEventListener('click', function () {
  document.getElementById('pay-status').textContent = 'Paiement refusé par votre banque (code 05).';
  window.Relais.track('checkout_error');
});
window.Relais.setPageTags(document.body.dataset.tags ? document.body.dataset.tags.split(',') : []);
`;

const DEMO_HOST_CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f}
header{background:#0b3d91;color:#fff;padding:1rem 2rem}header a{color:#fff;margin-right:1rem}
main{max-width:46rem;margin:2rem auto;padding:0 1rem}button{font:inherit;padding:.6rem 1rem}
#pay-status{color:#a00}`;
